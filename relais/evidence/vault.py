"""Reading evidence back, and destroying a case's evidence at the purge.

    opened = await vault.open(evidence_id)            # the original (chain of custody)
    opened = await vault.open(evidence_id, export=True)  # the sanitised copy
    async for chunk in opened.chunks: ...              # plaintext, 64 KiB at a time

``open`` does every check before the first byte (the record, the copy, the case's
key, the object's header), so a door can still answer 404 or 410; the chunks are
then decrypted as they are read, 16 sealed chunks (about 1 MiB) per store request,
memory bounded whatever the file's size. The decrypted bytes never touch a disk.
Who may read, and the audit line of each read, belong to the application layer.

Purge (:meth:`EvidenceVault.purge_case`): the case's objects are deleted from the
store, its rows stamped purged (hashes and chain of custody stay), and the case's
data key destroyed, so a copy of an object that outlived the deletion (a bucket's
old versions, a backup, a disk block) no longer opens either.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from domain.evidence import EvidenceKind, EvidenceRecord
from relais.crypto.key_store import KeyStore
from relais.db.repositories.evidence import EvidenceBook
from relais.evidence.sealing import (
    HEADER_BYTES,
    TAG_BYTES,
    Opener,
    chunk_count,
    chunk_ranges,
)
from relais.evidence.store import EvidenceStore

CHUNKS_PER_READ = 16


class EvidenceNotFound(LookupError):
    def __init__(self, evidence_id: str) -> None:
        super().__init__(f"no evidence {evidence_id}")


class EvidenceNotKept(LookupError):
    """The record exists but the bytes asked for do not: an intimate image (hashes
    only), a purged case, or a video's export copy (none is made)."""


@dataclass
class OpenedEvidence:
    record: EvidenceRecord
    kind: EvidenceKind  # of the copy opened (an exported HEIC is a JPEG)
    size: int  # plaintext bytes
    chunks: AsyncIterator[bytes]


class EvidenceVault:
    def __init__(self, *, store: EvidenceStore, keys: KeyStore, book: EvidenceBook) -> None:
        self._store = store
        self._keys = keys
        self._book = book

    async def open(self, evidence_id: str, *, export: bool = False) -> OpenedEvidence:
        record = await self._book.get(evidence_id)
        if record is None:
            raise EvidenceNotFound(evidence_id)
        object_id, kind = _copy(record, export)
        assert record.key_id is not None
        key = await self._keys.key_by_id(record.key_id)  # KeyDestroyed once purged
        size = await self._store.size(object_id)
        opener = Opener(
            key.aead,
            f"{evidence_id}/{'export' if export else 'original'}",
            await self._store.read(object_id, 0, HEADER_BYTES),
        )
        plaintext = size - HEADER_BYTES - chunk_count(size) * TAG_BYTES
        return OpenedEvidence(record, kind, plaintext, self._chunks(object_id, size, opener))

    async def read_all(self, evidence_id: str, *, export: bool = False) -> bytes:
        """A whole file in memory (images and documents: at most the policy's limit)."""
        opened = await self.open(evidence_id, export=export)
        return b"".join([chunk async for chunk in opened.chunks])

    async def _chunks(self, object_id: str, size: int, opener: Opener) -> AsyncIterator[bytes]:
        ranges = list(chunk_ranges(size))
        for first in range(0, len(ranges), CHUNKS_PER_READ):
            window = ranges[first : first + CHUNKS_PER_READ]
            start, end = window[0][1], window[-1][2]
            sealed = await self._store.read(object_id, start, end)
            for index, chunk_start, chunk_end, last in window:
                piece = sealed[chunk_start - start : chunk_end - start]
                yield opener.open_chunk(index, piece, last=last)

    async def purge_case(self, case_id: str, at: datetime) -> int:
        """Delete the case's evidence bytes and destroy its key. Idempotent (a purge
        interrupted half-way is finished by the next call); returns how many objects
        were deleted by this call."""
        deleted = 0
        for record in await self._book.of_case(case_id):
            for object_id in (record.object_id, record.export_object_id):
                if object_id is not None:
                    await self._store.delete(object_id)
                    deleted += 1
        await self._book.mark_purged(case_id, at)
        await self._keys.destroy_case_key(case_id)
        return deleted


def _copy(record: EvidenceRecord, export: bool) -> tuple[str, EvidenceKind]:
    if record.purged_at is not None:
        raise EvidenceNotKept(f"evidence {record.evidence_id} was purged with its case")
    if record.intimate:
        raise EvidenceNotKept(
            f"evidence {record.evidence_id} is an intimate image: only its hashes were kept"
        )
    if export:
        if record.export_object_id is None or record.export_kind is None:
            raise EvidenceNotKept(
                f"evidence {record.evidence_id} has no sanitised copy to leave the helpline"
            )
        return record.export_object_id, record.export_kind
    if record.object_id is None:
        raise EvidenceNotKept(f"evidence {record.evidence_id} has no stored bytes")
    return record.object_id, record.hashes.kind
