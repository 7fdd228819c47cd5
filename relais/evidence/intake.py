"""Taking a file into a case: the one entry the application layer calls.

    record = await intake.receive(case_id, stream, intimate=False, added_by=...,
                                  channel=EvidenceChannel.CONSOLE, at=now)

1. The first bytes say what the file is (:mod:`~relais.evidence.sniffing`); the
   policy's limit for that kind applies from then on.
2. **Declared intimate**: the file is read into memory only, hashed (SHA-256, and
   PDQ for an image) and dropped; the hashes are recorded, no byte is written
   anywhere (:class:`~domain.evidence.HashesOnly`).
3. **An image, a PDF, a text** (at most ``max_bytes``): read into memory, checked
   in full, hashed, a sanitised copy made, both sealed with the case's data key
   and each put whole (one atomic write), then recorded.
4. **A video** (at most ``max_video_bytes``): streamed, hashed and sealed chunk by
   chunk into a temporary object, moved under its id once complete, then recorded
   (SHA-256 only: see docs/evidence.md on vPDQ).

Whatever fails (a refusal, the store, the database), the objects already written
are deleted: nothing is left half-stored. CPU work runs in threads so the event
loop keeps serving while a photo is decoded.
"""

import asyncio
import hashlib
import secrets
from collections.abc import AsyncIterable
from dataclasses import dataclass
from datetime import datetime

from domain.audit import AuditEntry
from domain.evidence import (
    EvidenceChannel,
    EvidenceHashes,
    EvidenceKind,
    EvidenceRecord,
    HashesOnly,
)
from domain.policy import EvidencePolicy
from relais.crypto.key_store import KeyStore
from relais.db.repositories.evidence import EvidenceBook, EvidenceConflict, hashes_only_of
from relais.evidence.arrival import Arrival
from relais.evidence.documents import ExaminedDocument, examine_pdf, examine_text
from relais.evidence.images import examine_image
from relais.evidence.sealing import Sealer, seal_all
from relais.evidence.sniffing import SNIFF_BYTES, sniff
from relais.evidence.store import EvidenceStore, new_object_id


def new_evidence_id() -> str:
    return "ev-" + secrets.token_hex(12)


@dataclass(frozen=True)
class Examined:
    hashes: EvidenceHashes
    sanitised: bytes | None
    sanitised_kind: EvidenceKind | None


def examine(
    data: bytes | bytearray, kind: EvidenceKind, policy: EvidencePolicy, *, keep: bool
) -> Examined:
    """Hashes of a file held in memory, and (``keep``) its sanitised copy."""
    sha256 = hashlib.sha256(data).hexdigest()
    pdq = None
    if kind.is_image:
        image = examine_image(data, kind, policy, sanitise=keep)
        pdq, embedded = image.pdq, image.embedded_metadata
        sanitised, sanitised_kind = image.sanitised, image.sanitised_kind
    elif kind in (EvidenceKind.PDF, EvidenceKind.TEXT):
        document: ExaminedDocument = (
            examine_pdf(data) if kind is EvidenceKind.PDF else examine_text(data)
        )
        embedded, sanitised, sanitised_kind = document.embedded_metadata, document.sanitised, kind
    else:
        embedded, sanitised, sanitised_kind = False, b"", kind
    hashes = EvidenceHashes(
        kind=kind, size=len(data), sha256=sha256, pdq=pdq, embedded_metadata=embedded
    )
    return Examined(hashes, sanitised if keep else None, sanitised_kind if keep else None)


class EvidenceIntake:
    def __init__(
        self,
        *,
        store: EvidenceStore,
        keys: KeyStore,
        book: EvidenceBook,
        policy: EvidencePolicy,
    ) -> None:
        self._store = store
        self._keys = keys
        self._book = book
        self._policy = policy

    async def receive(
        self,
        case_id: str,
        stream: AsyncIterable[bytes],
        *,
        intimate: bool,
        added_by: str,
        channel: EvidenceChannel,
        at: datetime,
        item_id: str | None = None,
        evidence_id: str | None = None,
        audited: AuditEntry | None = None,
    ) -> EvidenceRecord | HashesOnly:
        """Take one file; :class:`~domain.evidence.EvidenceRefused` names why not.
        ``evidence_id``: the caller's id for a retried upload (the same file again is
        the same record; another file under it is :class:`EvidenceConflict`).
        ``audited``: the audit line recorded with it, in one transaction."""
        arrival = Arrival(stream)
        kind = sniff(await arrival.head(SNIFF_BYTES))
        limit = self._policy.limit_for(kind.is_video)
        draft = EvidenceRecord(
            evidence_id=evidence_id or new_evidence_id(),
            case_id=case_id,
            item_id=item_id,
            added_by=added_by,
            added_at=at,
            channel=channel,
            intimate=intimate,
            hashes=EvidenceHashes(kind=kind, size=1, sha256="0" * 64),
        )
        if intimate:
            return await self._hashes_only(arrival, draft, limit, audited)
        if kind.is_video:
            return await self._stream_in(arrival, draft, limit, audited)
        return await self._take_whole(arrival, draft, limit, audited)

    async def _hashes_only(
        self, arrival: Arrival, draft: EvidenceRecord, limit: int, audited: AuditEntry | None
    ) -> HashesOnly:
        kind = draft.hashes.kind
        data = await arrival.read_all(limit, video=kind.is_video)
        try:
            examined = await asyncio.to_thread(examine, data, kind, self._policy, keep=False)
        finally:
            data[:] = bytes(len(data))  # best effort: the buffer we own is zeroed
        record = draft.model_copy(update={"hashes": examined.hashes})
        existing = await self._existing(record)
        if existing is None:
            await self._book.add(record, audited=audited)
        return hashes_only_of(existing or record)

    async def _take_whole(
        self, arrival: Arrival, draft: EvidenceRecord, limit: int, audited: AuditEntry | None
    ) -> EvidenceRecord:
        kind = draft.hashes.kind
        data = bytes(await arrival.read_all(limit))
        examined = await asyncio.to_thread(examine, data, kind, self._policy, keep=True)
        record = draft.model_copy(update={"hashes": examined.hashes})
        existing = await self._existing(record)
        if existing is not None:
            return existing
        key = await self._keys.key_for_case(record.case_id)
        original, export = new_object_id(), new_object_id()
        sanitised = examined.sanitised or b""

        def seal_both() -> tuple[bytes, bytes]:
            return (
                seal_all(key.aead, f"{record.evidence_id}/original", data),
                seal_all(key.aead, f"{record.evidence_id}/export", sanitised),
            )

        sealed_original, sealed_export = await asyncio.to_thread(seal_both)
        record = record.model_copy(
            update={
                "object_id": original,
                "export_object_id": export,
                "export_kind": examined.sanitised_kind,
                "key_id": key.key_id,
                "sanitised": True,
            }
        )
        try:
            # Both puts run to their end before anything is judged: a put still
            # running in its thread would otherwise land after the clean-up.
            outcomes = await asyncio.gather(
                self._store.put(original, sealed_original),
                self._store.put(export, sealed_export),
                return_exceptions=True,
            )
            for outcome in outcomes:
                if isinstance(outcome, BaseException):
                    raise outcome
            return await self._record(record, audited)
        except BaseException:
            await self._forget(original, export)
            raise

    async def _stream_in(
        self, arrival: Arrival, draft: EvidenceRecord, limit: int, audited: AuditEntry | None
    ) -> EvidenceRecord:
        key = await self._keys.key_for_case(draft.case_id)
        upload = self._store.upload(new_object_id())
        sealer = Sealer(key.aead, f"{draft.evidence_id}/original")
        digest, size = hashlib.sha256(), 0
        try:
            await upload.write(sealer.header())
            async for piece in arrival.pieces(limit, video=True):
                digest.update(piece)
                size += len(piece)
                await upload.write(await asyncio.to_thread(sealer.push, piece))
            await upload.write(sealer.finish())
            hashes = EvidenceHashes(kind=draft.hashes.kind, size=size, sha256=digest.hexdigest())
            record = draft.model_copy(update={"hashes": hashes})
            existing = await self._existing(record)
            if existing is not None:
                await upload.abort()
                return existing
            await upload.commit()
            record = record.model_copy(
                update={"object_id": upload.object_id, "key_id": key.key_id, "sanitised": False}
            )
            return await self._record(record, audited)
        except BaseException:
            await asyncio.shield(upload.abort())
            raise

    async def _existing(self, record: EvidenceRecord) -> EvidenceRecord | None:
        """The record a retried upload already made, or None; another file under the
        same id is refused."""
        stored = await self._book.get(record.evidence_id)
        if stored is None:
            return None
        if (stored.case_id, stored.hashes.sha256) != (record.case_id, record.hashes.sha256):
            raise EvidenceConflict(
                f"evidence id {record.evidence_id} is already recorded for another file"
            )
        return stored

    async def _record(self, record: EvidenceRecord, audited: AuditEntry | None) -> EvidenceRecord:
        if await self._book.add(record, audited=audited):
            return record
        # A concurrent retry recorded it first: ours are duplicates.
        await self._forget(record.object_id, record.export_object_id)
        stored = await self._book.get(record.evidence_id)
        assert stored is not None
        return stored

    async def _forget(self, *object_ids: str | None) -> None:
        for object_id in object_ids:
            if object_id is not None:
                await asyncio.shield(self._store.delete(object_id))
