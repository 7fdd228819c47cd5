"""A multipart upload read as it arrives: its small fields, then its file as a stream.

Starlette's form parser spools a file over 1 MiB to a temporary file on disk; evidence
must never touch a disk in clear (an intimate image is hashed in memory and dropped).
This reads the request with python-multipart's streaming parser instead: the text
fields that come *before* the file part are collected (each at most
``MAX_FIELD_BYTES``), then the file's bytes are handed on chunk by chunk as the
network delivers them. Parts after the file are read and ignored.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from application.errors import Problem, RequestRejected
from domain.evidence import EvidenceRefused, Refusal

MAX_FIELD_BYTES = 1024
MAX_FIELDS = 10


def _refused(loc: tuple[str, ...], msg: str, code: str = "multipart_invalid") -> RequestRejected:
    return RequestRejected([Problem(loc=loc, msg=msg, type=code, code=code)])


@dataclass
class _Parts:
    file_field: str
    fields: dict[str, str] = field(default_factory=dict)
    headers: dict[bytes, bytes] = field(default_factory=dict)
    header_field: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    name: str = ""
    in_file: bool = False
    file_started: bool = False
    file_ended: bool = False
    value: bytearray = field(default_factory=bytearray)
    pending: list[bytes] = field(default_factory=list)
    error: RequestRejected | None = None

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": lambda d, s, e: self.header_field.extend(d[s:e]),
            "on_header_value": lambda d, s, e: self.header_value.extend(d[s:e]),
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }

    def part_begin(self) -> None:
        self.headers.clear()
        self.value.clear()
        self.name = ""

    def header_end(self) -> None:
        self.headers[bytes(self.header_field).lower()] = bytes(self.header_value)
        self.header_field.clear()
        self.header_value.clear()

    def headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.name = options.get(b"name", b"").decode("utf-8", "replace")
        if self.name == self.file_field and not self.file_started:
            self.in_file = self.file_started = True

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self.in_file:
            self.pending.append(bytes(data[start:end]))
        elif not self.file_started:
            self.value.extend(data[start:end])
            if len(self.value) > MAX_FIELD_BYTES and self.error is None:
                self.error = _refused(
                    ("body", self.name), f"{self.name}: at most {MAX_FIELD_BYTES} bytes"
                )

    def part_end(self) -> None:
        if self.in_file:
            self.in_file, self.file_ended = False, True
        elif not self.file_started and self.name:
            if len(self.fields) >= MAX_FIELDS and self.error is None:
                self.error = _refused(("body",), f"body: at most {MAX_FIELDS} fields")
            self.fields[self.name] = self.value.decode("utf-8", "replace")


@dataclass
class StreamedUpload:
    fields: dict[str, str]
    chunks: AsyncIterator[bytes]


async def read_upload(request: Request, file_field: str = "file") -> StreamedUpload:
    """The fields before ``file_field``, and its bytes as they arrive; a body that is
    not multipart, or has no such part, is refused naming what is missing."""
    media, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if media != b"multipart/form-data" or not boundary:
        raise _refused(
            ("header", "Content-Type"),
            "Content-Type: send the file as multipart/form-data",
            "unsupported_media_type",
        )
    parts = _Parts(file_field)
    parser = MultipartParser(boundary, parts.callbacks())  # type: ignore[arg-type]
    body = request.stream()
    async for chunk in body:
        parser.write(chunk)
        if parts.error is not None:
            raise parts.error
        if parts.file_started:
            break
    if not parts.file_started:
        raise _refused(("body", file_field), f"{file_field}: a file is required")

    async def chunks() -> AsyncIterator[bytes]:
        while True:
            while parts.pending:
                yield parts.pending.pop(0)
            if parts.file_ended:
                break
            try:
                chunk = await anext(body)
            except StopAsyncIteration:
                raise EvidenceRefused(
                    Refusal.TRUNCATED, f"{file_field}: the upload ended before the file did"
                ) from None
            parser.write(chunk)
        async for _ in body:  # the rest (a closing boundary, later parts): read, dropped
            pass

    return StreamedUpload(dict(parts.fields), chunks())
