"""The evidence book: what was added to each case, by whom, when and through which
door, with its hashes and the ids of its encrypted objects (the chain of custody).
Rows are never deleted: the purge stamps ``purged_at`` once the bytes are gone."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from domain.audit import AuditEntry
from domain.evidence import (
    EvidenceChannel,
    EvidenceHashes,
    EvidenceKind,
    EvidenceRecord,
    HashesOnly,
    PerceptualHash,
)
from relais.db.repositories._sql import SessionSource, insert_unless_present, sessions_of
from relais.db.repositories.audit import append
from relais.db.tables import EvidenceRow


class EvidenceConflict(Exception):
    """An evidence id already recorded for another file or another case: a retry key
    reused for a different upload is refused, never merged."""


def _values(record: EvidenceRecord) -> dict[str, Any]:
    hashes = record.hashes
    return {
        "evidence_id": record.evidence_id,
        "case_id": record.case_id,
        "item_id": record.item_id,
        "added_by": record.added_by,
        "added_at": record.added_at,
        "channel": record.channel.value,
        "kind": hashes.kind.value,
        "size": hashes.size,
        "sha256": hashes.sha256,
        "pdq": hashes.pdq.hex if hashes.pdq else None,
        "pdq_quality": hashes.pdq.quality if hashes.pdq else None,
        "embedded_metadata": hashes.embedded_metadata,
        "intimate": record.intimate,
        "object_id": record.object_id,
        "export_object_id": record.export_object_id,
        "export_kind": record.export_kind.value if record.export_kind else None,
        "key_id": record.key_id,
        "sanitised": record.sanitised,
        "purged_at": record.purged_at,
    }


def _record(row: EvidenceRow) -> EvidenceRecord:
    pdq = None
    if row.pdq is not None and row.pdq_quality is not None:
        pdq = PerceptualHash(hex=row.pdq, quality=row.pdq_quality)
    return EvidenceRecord(
        evidence_id=row.evidence_id,
        case_id=row.case_id,
        item_id=row.item_id,
        added_by=row.added_by,
        added_at=row.added_at,
        channel=EvidenceChannel(row.channel),
        hashes=EvidenceHashes(
            kind=EvidenceKind(row.kind),
            size=row.size,
            sha256=row.sha256,
            pdq=pdq,
            embedded_metadata=row.embedded_metadata,
        ),
        intimate=row.intimate,
        object_id=row.object_id,
        export_object_id=row.export_object_id,
        export_kind=EvidenceKind(row.export_kind) if row.export_kind else None,
        key_id=row.key_id,
        sanitised=row.sanitised,
        purged_at=row.purged_at,
    )


def hashes_only_of(record: EvidenceRecord) -> HashesOnly:
    return HashesOnly(
        evidence_id=record.evidence_id,
        case_id=record.case_id,
        added_by=record.added_by,
        added_at=record.added_at,
        channel=record.channel,
        hashes=record.hashes,
    )


class EvidenceBook:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def add(self, record: EvidenceRecord, *, audited: AuditEntry | None = None) -> bool:
        """Record a file (and ``audited``, its audit line, in the same transaction).
        True when recorded now; False when this very record was already there (a
        retry); :class:`EvidenceConflict` when its id names another file."""
        async with self._sessions.begin() as session:
            inserted = await session.execute(
                insert_unless_present(session, EvidenceRow, "evidence_id", _values(record))
            )
            if inserted.first() is not None:
                if audited is not None:
                    await append(session, audited)
                return True
            row = await session.scalar(
                select(EvidenceRow).where(EvidenceRow.evidence_id == record.evidence_id)
            )
        assert row is not None
        if (row.case_id, row.sha256) != (record.case_id, record.hashes.sha256):
            raise EvidenceConflict(
                f"evidence id {record.evidence_id} is already recorded for another file"
            )
        return False

    async def get(self, evidence_id: str) -> EvidenceRecord | None:
        async with self._sessions() as session:
            row = await session.scalar(
                select(EvidenceRow).where(EvidenceRow.evidence_id == evidence_id)
            )
            return None if row is None else _record(row)

    async def of_case(self, case_id: str) -> list[EvidenceRecord]:
        """A case's evidence, in the order it arrived."""
        statement = (
            select(EvidenceRow)
            .where(EvidenceRow.case_id == case_id)
            .order_by(EvidenceRow.added_at, EvidenceRow.seq)
        )
        async with self._sessions() as session:
            return [_record(row) for row in (await session.scalars(statement)).all()]

    async def link_item(self, evidence_id: str, case_id: str, item_id: str) -> bool:
        """File a case's evidence under one of its items (its notice id), once the item
        exists: only a file not filed under an item yet (a link is never moved). True
        when the file is filed under ``item_id`` (now or already)."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(EvidenceRow)
                .where(
                    EvidenceRow.evidence_id == evidence_id,
                    EvidenceRow.case_id == case_id,
                    EvidenceRow.item_id.is_(None),
                )
                .values(item_id=item_id)
            )
            filed = await session.scalar(
                select(EvidenceRow.item_id).where(EvidenceRow.evidence_id == evidence_id)
            )
        return filed == item_id

    async def mark_purged(self, case_id: str, at: datetime) -> int:
        """The case's bytes are gone: object ids cleared, ``purged_at`` stamped; the
        hashes and the chain of custody stay. Idempotent; returns the rows stamped."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(EvidenceRow)
                .where(EvidenceRow.case_id == case_id, EvidenceRow.purged_at.is_(None))
                .values(purged_at=at, object_id=None, export_object_id=None)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    # ---- matching --------------------------------------------------------------------------

    async def with_sha256(self, sha256: str) -> list[tuple[str, str]]:
        """(evidence id, case id) of every file with this SHA-256 (an index lookup)."""
        statement = select(EvidenceRow.evidence_id, EvidenceRow.case_id).where(
            EvidenceRow.sha256 == sha256
        )
        async with self._sessions() as session:
            return [(e, c) for e, c in (await session.execute(statement)).all()]

    async def pdq_after(
        self, seq: int, min_quality: int, limit: int = 100_000
    ) -> list[tuple[int, str]]:
        """(seq, PDQ) of the rows after ``seq`` whose hash is good enough to match on."""
        statement = (
            select(EvidenceRow.seq, EvidenceRow.pdq)
            .where(
                EvidenceRow.seq > seq,
                EvidenceRow.pdq.is_not(None),
                EvidenceRow.pdq_quality >= min_quality,
            )
            .order_by(EvidenceRow.seq)
            .limit(limit)
        )
        async with self._sessions() as session:
            return [(s, p) for s, p in (await session.execute(statement)).all() if p]

    async def last_seq(self) -> int:
        async with self._sessions() as session:
            found = await session.scalar(select(EvidenceRow.seq).order_by(EvidenceRow.seq.desc()))
            return int(found or 0)

    async def by_seq(self, seqs: Sequence[int]) -> dict[int, tuple[str, str]]:
        """seq -> (evidence id, case id)."""
        if not seqs:
            return {}
        statement = select(EvidenceRow.seq, EvidenceRow.evidence_id, EvidenceRow.case_id).where(
            EvidenceRow.seq.in_(list(seqs))
        )
        async with self._sessions() as session:
            return {s: (e, c) for s, e, c in (await session.execute(statement)).all()}
