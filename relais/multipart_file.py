"""One file out of a ``multipart/form-data`` body, streamed: its bytes are handed on
as they arrive, never spooled to a temporary file (an intimate image must touch no
disk, and a file over the limit is refused the moment it passes it). Only the part
named ``file`` is read; its file name is ignored (never a path, never stored).

    async for piece in file_part(request): ...

    fields, chunks = await fields_then_file(request)  # a form's small fields first
    upload = await chosen_file(chunks)  # an optional file: None when none was chosen


A body that is not multipart is a 415 naming ``Content-Type``; a multipart body
without a ``file`` part is a 422 naming ``body.file``; other parts are dropped, and
more than ``MAX_OTHER_PARTS`` of them is a 413 (the file's own limit is the intake's).
"""

import re
from collections.abc import AsyncIterator, Mapping
from typing import Protocol

from fastapi import HTTPException, status

FIELD = "file"
MAX_HEADERS = 16 * 1024
MAX_OTHER_PARTS = 64 * 1024  # bytes of parts other than the file: read, dropped, bounded
_BOUNDARY = re.compile(r'boundary="?([^";]{1,200})"?', re.IGNORECASE)
_NAME = re.compile(rb'name="([^"]*)"', re.IGNORECASE)
MAX_FIELD = 1024  # a form field before the file (a token, a yes or no): bytes kept


class Streamed(Protocol):
    """What is read of a request: its headers and its body, as it arrives."""

    @property
    def headers(self) -> "Mapping[str, str]": ...

    def stream(self) -> AsyncIterator[bytes]: ...


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


async def _events(request: Streamed) -> AsyncIterator[tuple[str, bytes]]:
    """The body as ``("part", name)`` at each part's start, then ``("data", bytes)``
    for its data, as they arrive (a part's data may come in many pieces)."""
    delimiter = b"\r\n--" + boundary_of(request.headers.get("content-type"))
    buffer = b"\r\n"  # the first boundary has no line break before it
    state = "preamble"
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
                found = names[0] if names else None
                yield "part", found.group(1) if found is not None else b""
                state = "data"
            else:  # inside a part: everything before the next delimiter is its data
                at = buffer.find(delimiter)
                if at < 0:
                    keep = len(delimiter) - 1
                    data, buffer = buffer[:-keep] if keep else buffer, buffer[-keep:]
                    if data:
                        yield "data", data
                    break
                if at:
                    yield "data", buffer[:at]
                buffer, state = buffer[at + len(delimiter) :], "headers"


async def _file_data(
    events: AsyncIterator[tuple[str, bytes]], inside: bool, other: int = 0
) -> AsyncIterator[bytes]:
    """The first ``file`` part's data from ``events`` (``inside``: it has begun);
    every other part read, dropped and bounded."""
    found = inside
    async for kind, value in events:
        if kind == "part":
            inside = value == FIELD.encode() and not found
            found = found or inside
        elif inside:
            yield value
        else:
            other = _bounded(other + len(value))
    if not found:
        raise no_file()


def file_part(request: Streamed) -> AsyncIterator[bytes]:
    """The bytes of the part named ``file``, as they arrive."""
    return _file_data(_events(request), inside=False)


async def fields_then_file(request: Streamed) -> tuple[dict[str, str], AsyncIterator[bytes]]:
    """A form whose small fields come before its file (a browser sends the parts in the
    page's order): the fields (each cut at ``MAX_FIELD`` bytes), read before any byte of
    the file is, so the form can be checked (its CSRF token) first; then the file's
    bytes as they arrive. No ``file`` part: the fields, and a stream that raises 422."""
    events = _events(request)
    fields: dict[str, bytearray] = {}
    name: str | None = None
    other = 0
    async for kind, value in events:
        if kind == "part":
            if value == FIELD.encode():
                return _decoded(fields), _file_data(events, inside=True, other=other)
            name = value.decode("utf-8", "replace")
            fields.setdefault(name, bytearray())
        elif name is not None:
            other = _bounded(other + len(value))
            kept = fields[name]
            kept += value[: max(0, MAX_FIELD - len(kept))]
    return _decoded(fields), _file_data(events, inside=False, other=other)


def _decoded(fields: dict[str, bytearray]) -> dict[str, str]:
    return {name: bytes(value).decode("utf-8", "replace") for name, value in fields.items()}


async def chosen_file(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes] | None:
    """A form's optional file: None when none was chosen (a browser sends the part
    empty; a client may leave it out), else its bytes as they arrive."""
    try:
        head = await anext(chunks)
    except (StopAsyncIteration, HTTPException):
        return None

    async def rest() -> AsyncIterator[bytes]:
        yield head
        async for piece in chunks:
            yield piece

    return rest()
