"""Streamed AES-256-GCM for evidence files, chunk by chunk (the STREAM construction).

An object is a header then sealed chunks::

    header   = b"RLSEVID1" || prefix            (8 + 7 bytes; prefix random per object)
    chunk i  = AES-GCM(case key, nonce_i, plaintext_i, aad_i)  (64 KiB; the last 0-64 KiB)
    nonce_i  = prefix || i as 4 bytes big-endian || 1 if last else 0
    aad_i    = b"relais/evidence/v1" || 0 || stream id || 0 || i as 8 bytes

So a chunk cannot be moved (its index is in its nonce and associated data), dropped
at the end (only the last chunk opens with the "last" flag: an object cut at a chunk
boundary fails), or swapped with a chunk of another object (another prefix, another
stream id: ``<evidence id>/<copy>``). Memory stays at one chunk whatever the file's
size, and a range of the plaintext is a range of chunks (the offsets are fixed).
"""

import os
from collections.abc import Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"RLSEVID1"
PREFIX_BYTES = 7
HEADER_BYTES = len(MAGIC) + PREFIX_BYTES
CHUNK_BYTES = 64 * 1024
TAG_BYTES = 16
SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES
MAX_CHUNKS = 2**32


class SealBroken(Exception):
    """The object does not open: tampered with, truncated, or not this evidence's."""


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    if index >= MAX_CHUNKS:
        raise ValueError("evidence object too large for one stream")
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _aad(stream_id: str, index: int) -> bytes:
    return b"relais/evidence/v1\x00" + stream_id.encode() + b"\x00" + index.to_bytes(8, "big")


def sealed_size(plaintext_bytes: int) -> int:
    """Bytes of the object that ``plaintext_bytes`` of plaintext become."""
    chunks = max(1, -(-plaintext_bytes // CHUNK_BYTES))
    return HEADER_BYTES + plaintext_bytes + chunks * TAG_BYTES


def chunk_count(object_bytes: int) -> int:
    """How many sealed chunks an object of ``object_bytes`` holds."""
    body = object_bytes - HEADER_BYTES
    if body < TAG_BYTES:
        raise SealBroken("evidence object shorter than one sealed chunk")
    return -(-body // SEALED_CHUNK_BYTES)


class Sealer:
    """Seals a stream pushed piece by piece; ``finish`` seals the last chunk."""

    def __init__(self, aead: AESGCM, stream_id: str) -> None:
        self._aead = aead
        self._stream_id = stream_id
        self._prefix = os.urandom(PREFIX_BYTES)
        self._index = 0
        self._pending = bytearray()
        self._finished = False

    def header(self) -> bytes:
        return MAGIC + self._prefix

    def push(self, data: bytes | bytearray | memoryview) -> bytes:
        """Seals every chunk that is surely not the last; returns the sealed bytes."""
        if self._finished:
            raise ValueError("sealer already finished")
        self._pending += data
        out = bytearray()
        # Keep at least one byte back: only finish() knows which chunk is the last.
        while len(self._pending) > CHUNK_BYTES:
            out += self._seal(bytes(self._pending[:CHUNK_BYTES]), last=False)
            del self._pending[:CHUNK_BYTES]
        return bytes(out)

    def finish(self) -> bytes:
        if self._finished:
            raise ValueError("sealer already finished")
        self._finished = True
        last = self._seal(bytes(self._pending), last=True)
        self._pending.clear()
        return last

    def _seal(self, plaintext: bytes, *, last: bool) -> bytes:
        nonce = _nonce(self._prefix, self._index, last)
        sealed = self._aead.encrypt(nonce, plaintext, _aad(self._stream_id, self._index))
        self._index += 1
        return sealed


def seal_all(aead: AESGCM, stream_id: str, data: bytes | memoryview) -> bytes:
    """A whole object from plaintext held in memory (files up to the policy's limit)."""
    sealer = Sealer(aead, stream_id)
    return sealer.header() + sealer.push(data) + sealer.finish()


class Opener:
    """Opens the chunks of one object, given its header."""

    def __init__(self, aead: AESGCM, stream_id: str, header: bytes) -> None:
        if len(header) != HEADER_BYTES or not header.startswith(MAGIC):
            raise SealBroken("not an evidence object (bad header)")
        self._aead = aead
        self._stream_id = stream_id
        self._prefix = header[len(MAGIC) :]

    def open_chunk(self, index: int, sealed: bytes, *, last: bool) -> bytes:
        try:
            return self._aead.decrypt(
                _nonce(self._prefix, index, last), sealed, _aad(self._stream_id, index)
            )
        except InvalidTag:
            raise SealBroken(f"evidence chunk {index} does not open") from None


def chunk_ranges(object_bytes: int) -> Iterator[tuple[int, int, int, bool]]:
    """(index, start, end, last) of each sealed chunk of an object, in order."""
    count = chunk_count(object_bytes)
    for index in range(count):
        start = HEADER_BYTES + index * SEALED_CHUNK_BYTES
        end = min(start + SEALED_CHUNK_BYTES, object_bytes)
        yield index, start, end, index == count - 1


def open_all(aead: AESGCM, stream_id: str, sealed: bytes) -> bytes:
    """A whole object opened in memory (tests, small files)."""
    opener = Opener(aead, stream_id, sealed[:HEADER_BYTES])
    return b"".join(
        opener.open_chunk(index, sealed[start:end], last=last)
        for index, start, end, last in chunk_ranges(len(sealed))
    )
