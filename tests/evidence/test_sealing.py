"""Evidence objects open only whole, in order, as the evidence they were sealed for."""

import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from relais.evidence.sealing import (
    CHUNK_BYTES,
    HEADER_BYTES,
    SEALED_CHUNK_BYTES,
    SealBroken,
    Sealer,
    open_all,
    seal_all,
    sealed_size,
)

KEY = AESGCM(AESGCM.generate_key(256))


@pytest.mark.parametrize(
    "size", [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 17]
)
def test_any_size_round_trips_and_the_size_is_known_in_advance(size: int) -> None:
    data = os.urandom(size)
    sealed = seal_all(KEY, "ev-1/original", data)
    assert len(sealed) == sealed_size(size)
    assert open_all(KEY, "ev-1/original", sealed) == data


def test_pieces_pushed_in_any_sizes_seal_the_same_stream() -> None:
    data = os.urandom(5 * CHUNK_BYTES + 123)
    sealer = Sealer(KEY, "ev-1/original")
    out = sealer.header()
    for start in range(0, len(data), 10_000):
        out += sealer.push(data[start : start + 10_000])
    out += sealer.finish()
    assert open_all(KEY, "ev-1/original", out) == data


def _two_chunk_object() -> bytes:
    return seal_all(KEY, "ev-1/original", os.urandom(2 * CHUNK_BYTES + 5))


def test_a_flipped_byte_is_refused() -> None:
    sealed = bytearray(_two_chunk_object())
    sealed[HEADER_BYTES + 100] ^= 1
    with pytest.raises(SealBroken):
        open_all(KEY, "ev-1/original", bytes(sealed))


def test_an_object_cut_at_a_chunk_boundary_is_refused() -> None:
    sealed = _two_chunk_object()
    with pytest.raises(SealBroken):
        open_all(KEY, "ev-1/original", sealed[: HEADER_BYTES + 2 * SEALED_CHUNK_BYTES])
    with pytest.raises(SealBroken):
        open_all(KEY, "ev-1/original", sealed[: HEADER_BYTES + SEALED_CHUNK_BYTES])


def test_chunks_cannot_be_reordered() -> None:
    sealed = _two_chunk_object()
    first = sealed[HEADER_BYTES : HEADER_BYTES + SEALED_CHUNK_BYTES]
    second = sealed[HEADER_BYTES + SEALED_CHUNK_BYTES : HEADER_BYTES + 2 * SEALED_CHUNK_BYTES]
    swapped = (
        sealed[:HEADER_BYTES] + second + first + sealed[HEADER_BYTES + 2 * SEALED_CHUNK_BYTES :]
    )
    with pytest.raises(SealBroken):
        open_all(KEY, "ev-1/original", swapped)


def test_an_object_opens_only_as_its_own_evidence_and_copy() -> None:
    sealed = _two_chunk_object()
    for other in ("ev-2/original", "ev-1/export"):
        with pytest.raises(SealBroken):
            open_all(KEY, other, sealed)
    with pytest.raises(SealBroken):
        open_all(AESGCM(AESGCM.generate_key(256)), "ev-1/original", sealed)


def test_a_chunk_cannot_be_swapped_in_from_another_object() -> None:
    one, two = _two_chunk_object(), _two_chunk_object()
    mixed = one[: HEADER_BYTES + SEALED_CHUNK_BYTES] + two[HEADER_BYTES + SEALED_CHUNK_BYTES :]
    with pytest.raises(SealBroken):
        open_all(KEY, "ev-1/original", mixed)
