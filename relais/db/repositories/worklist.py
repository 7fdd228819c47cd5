"""What a counsellor has on their plate, read from the directory and the task board:
their open cases (owned, shared with them, or reached through a task they claimed),
most urgent first then soonest due, and the open tasks and callbacks of those cases.
Counted in SQL, one query each."""

from datetime import datetime

from sqlalchemy import case as when
from sqlalchemy import func, select

from domain.records import CaseRecord, TaskRecord
from domain.tasks import TaskKind
from relais.db.repositories._sql import SessionSource, sessions_of
from relais.db.repositories.access import readable_by
from relais.db.tables import CaseRow, TaskRow

# Most urgent first.
URGENCY_ORDER = when(
    {"critical": 0, "high": 1, "normal": 2, "low": 3}, value=CaseRow.urgency, else_=4
)


class WorklistBook:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def cases(self, subject: str, limit: int, offset: int) -> tuple[list[CaseRecord], int]:
        """Open cases the subject works on, most urgent first, then soonest next
        action (none last), then oldest; and how many there are."""
        where = (readable_by(subject), CaseRow.status != "closed")
        page = (
            select(CaseRow)
            .where(*where)
            .order_by(
                URGENCY_ORDER,
                CaseRow.next_action_at.asc().nulls_last(),
                CaseRow.opened_at,
                CaseRow.case_id,
            )
            .limit(limit)
            .offset(offset)
        )
        total = select(func.count()).select_from(CaseRow).where(*where)
        async with self._sessions() as session:
            rows = (await session.scalars(page)).all()
            count = int((await session.execute(total)).scalar_one())
        return [CaseRecord.model_validate(row, from_attributes=True) for row in rows], count

    async def tasks(self, subject: str, limit: int = 200) -> list[tuple[TaskRecord, str]]:
        """Open counsellor tasks on the subject's open cases, with the case's urgency."""
        statement = (
            select(TaskRow, CaseRow.urgency)
            .join(CaseRow, CaseRow.case_id == TaskRow.case_id)
            .where(
                readable_by(subject),
                CaseRow.status != "closed",
                TaskRow.done_at.is_(None),
                TaskRow.for_role == "counsellor",
            )
            .order_by(URGENCY_ORDER, TaskRow.due_at.asc().nulls_last(), TaskRow.task_id)
            .limit(limit)
        )
        async with self._sessions() as session:
            rows = (await session.execute(statement)).all()
        return [(TaskRecord.model_validate(t, from_attributes=True), u) for t, u in rows]

    async def callbacks_soon(self, subject: str, until: datetime) -> list[CaseRecord]:
        """The subject's cases whose callback is planned before ``until``."""
        statement = (
            select(CaseRow)
            .where(
                readable_by(subject),
                CaseRow.status == "callback_scheduled",
                CaseRow.next_action_at.is_not(None),
                CaseRow.next_action_at <= until,
            )
            .order_by(URGENCY_ORDER, CaseRow.next_action_at)
        )
        async with self._sessions() as session:
            rows = (await session.scalars(statement)).all()
        return [CaseRecord.model_validate(row, from_attributes=True) for row in rows]


DUE_CALLBACK = TaskKind.CALLBACK_DUE
