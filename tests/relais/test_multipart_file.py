"""The evidence upload's multipart reader: the ``file`` part's bytes exactly, whatever
the sizes of the pieces the body arrives in (a boundary split between two reads, a
part's data that looks like the start of a boundary), other parts skipped; a console
form's small fields read before any byte of its file."""

import os
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import HTTPException

from relais.multipart_file import (
    MAX_FIELD,
    MAX_OTHER_PARTS,
    chosen_file,
    fields_then_file,
    file_part,
)

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


@pytest.mark.parametrize("piece", [1, 13, 4096])
async def test_a_forms_fields_come_before_any_byte_of_its_file(piece: int) -> None:
    sent = body(("csrf", b"token-1"), ("intimate", b"no"), ("file", TRICKY), ("after", b"x"))
    request = StreamedRequest(sent, piece)
    fields, chunks = await fields_then_file(request)  # type: ignore[arg-type]
    assert fields == {"csrf": "token-1", "intimate": "no"}
    assert b"".join([c async for c in chunks]) == TRICKY


async def test_a_long_field_is_cut_and_a_form_without_a_file_names_the_field() -> None:
    sent = body(("csrf", b"t" * (MAX_FIELD + 50)))
    fields, chunks = await fields_then_file(StreamedRequest(sent, 64))  # type: ignore[arg-type]
    assert fields == {"csrf": "t" * MAX_FIELD}
    with pytest.raises(HTTPException) as refused:
        _ = [c async for c in chunks]
    assert refused.value.status_code == 422


@pytest.mark.parametrize("piece", [1, 13, 4096])
async def test_an_optional_file_is_none_when_none_was_chosen(piece: int) -> None:
    """A browser sends a file input left empty as an empty part; a client may leave it out."""
    for sent in (body(("intimate", b"no"), ("file", b"")), body(("intimate", b"no"))):
        _, chunks = await fields_then_file(StreamedRequest(sent, piece))  # type: ignore[arg-type]
        assert await chosen_file(chunks) is None
    chosen = body(("intimate", b"no"), ("file", TRICKY))
    _, chunks = await fields_then_file(StreamedRequest(chosen, piece))  # type: ignore[arg-type]
    upload = await chosen_file(chunks)
    assert upload is not None and b"".join([c async for c in upload]) == TRICKY
