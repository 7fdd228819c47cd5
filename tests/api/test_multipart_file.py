"""The evidence upload's multipart reader: the ``file`` part's bytes exactly, whatever
the sizes of the pieces the body arrives in (a boundary split between two reads, a
part's data that looks like the start of a boundary), other parts skipped."""

import os
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import HTTPException

from api.multipart_file import MAX_OTHER_PARTS, file_part

BOUNDARY = "----relais-test-boundary"


class StreamedRequest:
    """What ``file_part`` reads of a request: its headers and its body's stream."""

    def __init__(self, body: bytes, piece: int, content_type: str | None = None) -> None:
        self.headers = {"content-type": content_type or f"multipart/form-data; boundary={BOUNDARY}"}
        self._body, self._piece = body, piece

    async def stream(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self._body), self._piece):
            yield self._body[start : start + self._piece]


def body(*parts: tuple[str, bytes]) -> bytes:
    out = b""
    for name, data in parts:
        out += (
            (
                f"--{BOUNDARY}\r\n"
                f'Content-Disposition: form-data; name="{name}"; filename="../../etc/passwd"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + data
            + b"\r\n"
        )
    return out + f"--{BOUNDARY}--\r\n".encode()


def first_problem(err: HTTPException) -> Any:
    detail: Any = err.detail
    return detail[0]


async def read(request: StreamedRequest) -> bytes:
    return b"".join([piece async for piece in file_part(request)])  # type: ignore[arg-type]


TRICKY = os.urandom(5000) + b"\r\n--" + BOUNDARY[:-3].encode() + b"\r\n" + os.urandom(3000)


@pytest.mark.parametrize("piece", [1, 7, 64, 4096, 1 << 20])
async def test_the_file_part_comes_out_exactly_whatever_the_pieces(piece: int) -> None:
    sent = body(("note", b"not this"), ("file", TRICKY), ("other", b"nor this"))
    assert await read(StreamedRequest(sent, piece)) == TRICKY


async def test_a_body_without_a_file_part_names_the_field() -> None:
    with pytest.raises(HTTPException) as refused:
        await read(StreamedRequest(body(("note", b"hello")), 10))
    assert refused.value.status_code == 422
    assert first_problem(refused.value)["loc"] == ["body", "file"]


async def test_a_body_that_is_not_multipart_names_the_header() -> None:
    with pytest.raises(HTTPException) as refused:
        await read(StreamedRequest(b"{}", 10, content_type="application/json"))
    assert refused.value.status_code == 415
    assert first_problem(refused.value)["loc"] == ["header", "Content-Type"]


async def test_other_parts_are_bounded() -> None:
    sent = body(("note", b"x" * (MAX_OTHER_PARTS + 1)), ("file", b"data"))
    with pytest.raises(HTTPException) as refused:
        await read(StreamedRequest(sent, 4096))
    assert refused.value.status_code == 413
