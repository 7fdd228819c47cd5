"""Who may read a case besides supervisors: its counsellor, those it was shared with,
and those who claimed one of its tasks (see docs/privacy.md, "Who may do what")."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit import AuditEntry
from relais.db.repositories._sql import (
    SessionSource,
    inserted_unless_present,
    sessions_of,
)
from relais.db.repositories.audit import append
from relais.db.tables import CaseAccessRow, CaseRow


class AccessReason(StrEnum):
    OWNER = "owner"
    SHARED = "shared"
    TASK = "task"


class CaseAccessBook:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def grant(
        self,
        case_id: str,
        subject: str,
        reason: AccessReason,
        granted_by: str,
        at: datetime,
        *,
        audited: AuditEntry | None = None,
    ) -> bool:
        """Idempotent: True when the subject had no access before. ``audited``: the
        audit line stored in the same transaction (the access and what the audit
        trail says of it are stored together or not at all)."""
        async with self._sessions.begin() as session:
            granted = await grant_in(session, case_id, subject, reason, granted_by, at)
            if audited is not None:
                await append(session, audited)
            return granted

    async def transfer(
        self, case_id: str, previous: str, owner: str, by: str, at: datetime
    ) -> None:
        """The case passes from ``previous`` to ``owner``: the new owner gets access
        (a share they had stays a share), the previous one keeps it only when the case
        is shared with them (their owner's and task access go)."""
        await self.grant(case_id, owner, AccessReason.OWNER, by, at)
        if previous == owner:
            return
        async with self._sessions.begin() as session:
            await session.execute(
                delete(CaseAccessRow).where(
                    CaseAccessRow.case_id == case_id,
                    CaseAccessRow.subject == previous,
                    CaseAccessRow.reason.in_([AccessReason.OWNER.value, AccessReason.TASK.value]),
                )
            )

    async def subjects(self, case_id: str) -> dict[str, AccessReason]:
        """Everyone with access to the case (empty: the case is unknown here)."""
        statement = select(CaseAccessRow.subject, CaseAccessRow.reason).where(
            CaseAccessRow.case_id == case_id
        )
        async with self._sessions() as session:
            rows = (await session.execute(statement)).all()
            return {subject: AccessReason(reason) for subject, reason in rows}

    async def grants(self, case_id: str) -> list[CaseAccessRow]:
        statement = (
            select(CaseAccessRow)
            .where(CaseAccessRow.case_id == case_id)
            .order_by(CaseAccessRow.granted_at, CaseAccessRow.subject)
        )
        async with self._sessions() as session:
            return list((await session.scalars(statement)).all())

    async def owner_in_directory(self, case_id: str) -> str | None:
        """Who opened the case, as the case directory has it (cases from before access
        was recorded); None when the directory does not know the case (yet)."""
        async with self._sessions() as session:
            return await session.scalar(select(CaseRow.opened_by).where(CaseRow.case_id == case_id))


async def grant_in(
    session: AsyncSession,
    case_id: str,
    subject: str,
    reason: AccessReason,
    granted_by: str,
    at: datetime,
) -> bool:
    """:meth:`CaseAccessBook.grant` inside the caller's transaction (True: new access)."""
    values = {
        "case_id": case_id,
        "subject": subject,
        "reason": reason.value,
        "granted_by": granted_by,
        "granted_at": at,
    }
    # The count of rows written, not RETURNING: one round trip fewer on SQLite.
    return await inserted_unless_present(session, CaseAccessRow, ("case_id", "subject"), values)


def readable_by(subject: str) -> ColumnElement[bool]:
    """Directory condition: cases the counsellor was given access to (as owner, by a
    share, by a claimed task); a case recorded before access was, by its opener."""
    return or_(
        exists().where(CaseAccessRow.case_id == CaseRow.case_id, CaseAccessRow.subject == subject),
        and_(
            CaseRow.opened_by == subject,
            ~exists().where(CaseAccessRow.case_id == CaseRow.case_id),
        ),
    )
