"""The case directory: one projection row per case, for supervisors' lists and counts."""

from sqlalchemy import ColumnElement, delete, exists, func, insert, select

from domain.audit import AuditEntry
from domain.records import CaseFilter, CaseRecord
from relais.db.repositories._sql import SessionSource, sessions_of, upsert_unless_older
from relais.db.repositories.access import readable_by
from relais.db.repositories.audit import write_in
from relais.db.tables import CaseLabelRow, CaseRow

# (label kind, CaseRecord list field) pairs mirrored into ``case_labels``.
_LABELS = (("category", "categories"), ("platform", "platforms"), ("partner", "partners"))
CaseRecords = list[CaseRecord]


class CaseDirectory:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def upsert(self, record: CaseRecord, *, audited: AuditEntry | None = None) -> bool:
        """Store ``record`` unless a newer version is stored; True when it was written.
        ``audited``: an audit line stored in the same transaction (the case's opening,
        with its first row), once under its idempotency key, whatever the row did."""
        values = record.model_dump()
        for _, field in _LABELS:
            values[field] = [str(slug) for slug in values[field]]
        async with self._sessions.begin() as session:
            if audited is not None:
                await write_in(session, audited)
            statement = upsert_unless_older(session, CaseRow, "case_id", values)
            if (await session.execute(statement)).first() is None:
                return False
            await session.execute(
                delete(CaseLabelRow).where(CaseLabelRow.case_id == record.case_id)
            )
            labels = [
                {"case_id": record.case_id, "kind": kind, "slug": slug}
                for kind, field in _LABELS
                for slug in dict.fromkeys(values[field])
            ]
            if labels:
                await session.execute(insert(CaseLabelRow), labels)
        return True

    async def get(self, case_id: str) -> CaseRecord | None:
        async with self._sessions() as session:
            row = await session.get(CaseRow, case_id)
            return None if row is None else CaseRecord.model_validate(row, from_attributes=True)

    async def list(self, where: CaseFilter) -> CaseRecords:
        """Cases matching every given filter, newest first (by opening time)."""
        statement = (
            select(CaseRow)
            .where(*_conditions(where))
            .order_by(CaseRow.opened_at.desc(), CaseRow.case_id.desc())
            .limit(where.limit)
            .offset(where.offset)
        )
        async with self._sessions() as session:
            rows = (await session.scalars(statement)).all()
            return [CaseRecord.model_validate(row, from_attributes=True) for row in rows]

    async def count(self, where: CaseFilter) -> int:
        """How many cases match (``limit`` and ``offset`` are ignored)."""
        statement = select(func.count()).select_from(CaseRow).where(*_conditions(where))
        async with self._sessions() as session:
            return int((await session.execute(statement)).scalar_one())


def _conditions(where: CaseFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.status is not None:
        conditions.append(CaseRow.status == where.status)
    if where.urgency is not None:
        conditions.append(CaseRow.urgency == where.urgency)
    if where.sla_breached is not None:
        conditions.append(CaseRow.sla_breached == where.sla_breached)
    if where.opened_by is not None:
        conditions.append(CaseRow.opened_by == where.opened_by)
    if where.owner is not None:
        conditions.append(func.coalesce(CaseRow.owner, CaseRow.opened_by) == where.owner)
    if where.open_only:
        conditions.append(CaseRow.status != "closed")
    if where.readable_by is not None:
        conditions.append(readable_by(where.readable_by))
    for kind, slug in (
        ("category", where.category),
        ("platform", where.platform),
        ("partner", where.partner),
    ):
        if slug is not None:
            conditions.append(
                exists().where(
                    CaseLabelRow.case_id == CaseRow.case_id,
                    CaseLabelRow.kind == kind,
                    CaseLabelRow.slug == str(slug),
                )
            )
    return conditions
