"""One-time upload links (``upload_links``): made for a case, found by the SHA-256 of
their token, and one use taken at a time by compare-and-set, so two uploads racing on
the last use (or on the minute's limit) cannot both pass, whichever API replica they
reach."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update

from relais.db.repositories._sql import SessionSource, insert_ignoring_conflicts, sessions_of
from relais.db.tables import UploadLinkRow

WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class UploadLink:
    link_id: str
    case_id: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    max_uses: int
    used: int
    window_start: datetime | None
    window_count: int

    @property
    def uses_left(self) -> int:
        return max(0, self.max_uses - self.used)


class Refused(StrEnum):
    EXPIRED = "expired"
    USED_UP = "used_up"
    TOO_FAST = "too_fast"


@dataclass(frozen=True)
class TakeRefused:
    why: Refused
    retry_after: timedelta | None = None


def _link(row: UploadLinkRow) -> UploadLink:
    return UploadLink(
        link_id=row.link_id,
        case_id=row.case_id,
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        max_uses=row.max_uses,
        used=row.used,
        window_start=row.window_start,
        window_count=row.window_count,
    )


class UploadLinks:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def add(self, link: UploadLink, token_digest: str) -> bool:
        """Record ``link``; False when a link with its id is there already (a retry)."""
        values = {
            "link_id": link.link_id,
            "token_digest": token_digest,
            "case_id": link.case_id,
            "created_by": link.created_by,
            "created_at": link.created_at,
            "expires_at": link.expires_at,
            "max_uses": link.max_uses,
            "used": 0,
            "window_start": None,
            "window_count": 0,
        }
        async with self._sessions.begin() as session:
            added = await session.execute(insert_ignoring_conflicts(session, UploadLinkRow, values))
            return added.first() is not None

    async def get(self, link_id: str) -> UploadLink | None:
        async with self._sessions() as session:
            row = await session.get(UploadLinkRow, link_id)
        return _link(row) if row is not None else None

    async def find(self, token_digest: str) -> UploadLink | None:
        statement = select(UploadLinkRow).where(UploadLinkRow.token_digest == token_digest)
        async with self._sessions() as session:
            row = await session.scalar(statement)
        return _link(row) if row is not None else None

    async def take_use(self, link: UploadLink, now: datetime, burst: int) -> TakeRefused | None:
        """One use of ``link`` (as read), or why not: expired, used up, or ``burst`` files
        within the minute already (with when the next may go). Compare-and-set on the
        uses read: a race lost is read again."""
        while True:
            if now >= link.expires_at:
                return TakeRefused(Refused.EXPIRED)
            if link.used >= link.max_uses:
                return TakeRefused(Refused.USED_UP)
            fresh = link.window_start is None or now - link.window_start >= WINDOW
            if not fresh and link.window_count >= burst:
                assert link.window_start is not None
                return TakeRefused(Refused.TOO_FAST, link.window_start + WINDOW - now)
            row = UploadLinkRow
            statement = (
                update(row)
                .where(row.link_id == link.link_id, row.used == link.used)
                .where(row.window_count == link.window_count)
                .values(
                    used=link.used + 1,
                    window_start=now if fresh else link.window_start,
                    window_count=1 if fresh else link.window_count + 1,
                )
            )
            async with self._sessions.begin() as session:
                taken = (await session.execute(statement)).rowcount  # type: ignore[attr-defined]
                if taken == 1:
                    return None
                current = await session.scalar(select(row).where(row.link_id == link.link_id))
            if current is None:
                return TakeRefused(Refused.EXPIRED)
            link = _link(current)

    async def give_back(self, link_id: str) -> None:
        """A use whose file was not taken (refused, or the upload broke off)."""
        row = UploadLinkRow
        async with self._sessions.begin() as session:
            await session.execute(
                update(row).where(row.link_id == link_id, row.used > 0).values(used=row.used - 1)
            )

    async def of_case(self, case_id: str) -> list[UploadLink]:
        statement = (
            select(UploadLinkRow)
            .where(UploadLinkRow.case_id == case_id)
            .order_by(UploadLinkRow.created_at)
        )
        async with self._sessions() as session:
            return [_link(row) for row in await session.scalars(statement)]
