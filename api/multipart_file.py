"""One file out of a ``multipart/form-data`` body, streamed: its bytes are handed on
as they arrive, never spooled to a temporary file (an intimate image must touch no
disk, and a file over the limit is refused the moment it passes it). Only the part
named ``file`` is read; its file name is ignored (never a path, never stored).

    async for piece in file_part(request): ...

A body that is not multipart is a 415 naming ``Content-Type``; a multipart body
without a ``file`` part is a 422 naming ``body.file``; other parts are dropped, and
more than ``MAX_OTHER_PARTS`` of them is a 413 (the file's own limit is the intake's).
"""

import re
from collections.abc import AsyncIterator

from fastapi import HTTPException, Request, status

FIELD = "file"
MAX_HEADERS = 16 * 1024
MAX_OTHER_PARTS = 64 * 1024  # bytes of parts other than the file: read, dropped, bounded
_BOUNDARY = re.compile(r'boundary="?([^";]{1,200})"?', re.IGNORECASE)
_NAME = re.compile(rb'name="([^"]*)"', re.IGNORECASE)


def _problem(code: int, loc: list[str], msg: str, kind: str) -> HTTPException:
    return HTTPException(code, detail=[{"loc": loc, "msg": msg, "type": kind, "code": kind}])


def boundary_of(content_type: str | None) -> bytes:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    found = _BOUNDARY.search(content_type or "")
    if media_type != "multipart/form-data" or found is None:
        raise _problem(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            ["header", "Content-Type"],
            "Content-Type: send the file as multipart/form-data, in a part named file",
            "unsupported_media_type",
        )
    return found.group(1).encode("latin-1")


def no_file() -> HTTPException:
    return _problem(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        ["body", FIELD],
        "file: the body has no part named file",
        "missing",
    )


def _bounded(other: int) -> int:
    if other > MAX_OTHER_PARTS:
        raise _problem(
            status.HTTP_413_CONTENT_TOO_LARGE,
            ["body"],
            f"body: parts other than file are limited to {MAX_OTHER_PARTS // 1024} KiB",
            "too_large",
        )
    return other


async def file_part(request: Request) -> AsyncIterator[bytes]:
    """The bytes of the part named ``file``, as they arrive."""
    delimiter = b"\r\n--" + boundary_of(request.headers.get("content-type"))
    buffer = b"\r\n"  # the first boundary has no line break before it
    state = "preamble"
    found = False
    other = 0
    async for chunk in request.stream():
        buffer += chunk
        while True:
            if state == "epilogue":
                buffer = b""
                break
            if state == "preamble":
                at = buffer.find(delimiter)
                if at < 0:
                    buffer = buffer[-len(delimiter) :]
                    break
                buffer, state = buffer[at + len(delimiter) :], "headers"
            elif state == "headers":
                if buffer.startswith(b"--"):  # the closing delimiter
                    state = "epilogue"
                    continue
                end = buffer.find(b"\r\n\r\n")
                if end < 0:
                    if len(buffer) > MAX_HEADERS:
                        state = "epilogue"
                    break
                headers, buffer = buffer[:end], buffer[end + 4 :]
                names = [
                    _NAME.search(line)
                    for line in headers.split(b"\r\n")
                    if line.lower().startswith(b"content-disposition:")
                ]
                wanted = bool(names) and names[0] is not None and names[0].group(1) == b"file"
                state = "file" if wanted and not found else "skip"
                found = found or wanted
            else:  # inside a part: everything before the next delimiter is its data
                at = buffer.find(delimiter)
                if at < 0:
                    keep = len(delimiter) - 1
                    data, buffer = buffer[:-keep] if keep else buffer, buffer[-keep:]
                    if state == "file" and data:
                        yield data
                    elif state == "skip":
                        other = _bounded(other + len(data))
                    break
                if state == "file" and at:
                    yield buffer[:at]
                elif state == "skip":
                    other = _bounded(other + at)
                buffer, state = buffer[at + len(delimiter) :], "headers"
    if not found:
        raise no_file()
