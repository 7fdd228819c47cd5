"""Ledgers of notices (to platforms) and referrals (to partners): one projection row
each, written by activities with the same "older version is ignored" rule as cases.
Both have one shape; only the names differ."""

from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import ColumnElement, func, select

from domain.items import LegalQualification
from domain.notice import Decision, NoticeStatus
from domain.records import NoticeRecord, ReferralRecord
from domain.referral import ReferralStatus
from relais.db.repositories._sql import SessionSource, sessions_of, upsert_unless_older
from relais.db.tables import NoticeRow, ReferralRow

RecordT = TypeVar("RecordT", bound=BaseModel)
NoticeRecords = list[NoticeRecord]


class NoticeCount(BaseModel):
    """How many notices share one platform, qualification, outcome and kind."""

    platform: str
    legal_qualification: LegalQualification | None
    status: NoticeStatus
    decision: Decision | None
    appeal: bool = False  # an appeal of an earlier notice (DSA Art. 20), not a first notice
    notices: int


NoticeCounts = list[NoticeCount]
ReferralRecords = list[ReferralRecord]


class _Ledger(Generic[RecordT]):
    """``row`` is the table, ``key`` its id column, ``party`` the platform/partner column."""

    row: type[NoticeRow] | type[ReferralRow]
    record: type[RecordT]
    key: str
    party: str

    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def upsert(self, record: RecordT) -> bool:
        """Store ``record`` unless a newer version is stored; True when it was written."""
        async with self._sessions.begin() as session:
            statement = upsert_unless_older(session, self.row, self.key, record.model_dump())
            return (await session.execute(statement)).first() is not None

    async def get(self, key: str) -> RecordT | None:
        async with self._sessions() as session:
            row = await session.get(self.row, key)
            return None if row is None else self.record.model_validate(row, from_attributes=True)

    async def list_for_case(self, case_id: str) -> list[RecordT]:
        """Every entry of one case, in id order (stable while they progress)."""
        column = getattr(self.row, self.key)
        return await self._select([self.row.case_id == case_id], [column])

    async def _list(
        self, party: str | None, status: str | None, since: datetime | None
    ) -> list[RecordT]:
        conditions: list[ColumnElement[bool]] = []
        if party is not None:
            conditions.append(getattr(self.row, self.party) == party)
        if status is not None:
            conditions.append(self.row.status == status)
        if since is not None:
            conditions.append(self.row.updated_at >= since)
        order = [self.row.updated_at, getattr(self.row, self.key)]
        return await self._select(conditions, order)

    async def _select(
        self, conditions: list[ColumnElement[bool]], order: list[Any]
    ) -> list[RecordT]:
        statement = select(self.row).where(*conditions).order_by(*order)
        async with self._sessions() as session:
            rows = (await session.scalars(statement)).all()
            return [self.record.model_validate(row, from_attributes=True) for row in rows]


class NoticeLedger(_Ledger[NoticeRecord]):
    row = NoticeRow
    record = NoticeRecord
    key = "notice_id"
    party = "platform"

    async def upsert(self, record: NoticeRecord) -> bool:
        """Store ``record`` unless a newer version is stored; True when it was written.
        Re-notice times go into a JSON column, as ISO 8601 UTC strings."""
        values = record.model_dump()
        values["renoticed_at"] = [at.astimezone(UTC).isoformat() for at in record.renoticed_at]
        async with self._sessions.begin() as session:
            statement = upsert_unless_older(session, self.row, self.key, values)
            return (await session.execute(statement)).first() is not None

    async def list(
        self,
        platform: str | None = None,
        status: NoticeStatus | None = None,
        since: datetime | None = None,
    ) -> NoticeRecords:
        """Notices matching the filters, least recently updated first; ``since`` keeps
        those updated at or after it (incremental reads, yearly DSA reports)."""
        return await self._list(platform, status, since)

    async def outcome_counts(self, since: datetime, until: datetime) -> NoticeCounts:
        """Notices submitted in [since, until), counted by platform, qualification,
        status and decision: the raw figures of the trusted flagger's yearly report,
        grouped in the database (a year holds millions of notices at scale)."""
        row = NoticeRow
        appeal = row.appeal_of.is_not(None).label("appeal")
        groups = (row.platform, row.legal_qualification, row.status, row.decision, appeal)
        statement = (
            select(*groups, func.count())
            .where(row.submitted_at >= since, row.submitted_at < until)
            .group_by(*groups)
            .order_by(*groups)
        )
        async with self._sessions() as session:
            rows = (await session.execute(statement)).all()
        return [
            NoticeCount(
                platform=platform,
                legal_qualification=qualification,
                status=status,
                decision=decision,
                appeal=bool(is_appeal),
                notices=count,
            )
            for platform, qualification, status, decision, is_appeal, count in rows
        ]

    async def undelivered_counts(self, since: datetime, until: datetime) -> dict[str, int]:
        """Notices that never reached their platform (failed before submission), by
        platform, counted when they failed (their last update) within the period."""
        row = NoticeRow
        statement = (
            select(row.platform, func.count())
            .where(
                row.submitted_at.is_(None),
                row.status == NoticeStatus.FAILED.value,
                row.updated_at >= since,
                row.updated_at < until,
            )
            .group_by(row.platform)
        )
        async with self._sessions() as session:
            return {platform: count for platform, count in (await session.execute(statement)).all()}


class ReferralLedger(_Ledger[ReferralRecord]):
    row = ReferralRow
    record = ReferralRecord
    key = "referral_id"
    party = "partner"

    async def list(
        self,
        partner: str | None = None,
        status: ReferralStatus | None = None,
        since: datetime | None = None,
    ) -> ReferralRecords:
        """Referrals matching the filters, least recently updated first; ``since`` keeps
        those updated at or after it."""
        return await self._list(partner, status, since)
