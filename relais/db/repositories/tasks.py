"""The task board: work a workflow hands to a counsellor or a supervisor.

Workflows create tasks with deterministic ids (creating twice is a no-op) and close
them when the situation resolves itself; people claim and complete them. Every
state change is one conditional UPDATE, so two people racing for a task cannot
both win.
"""

from datetime import datetime

from sqlalchemy import select, update

from domain.records import TaskRecord
from domain.tasks import TaskKind
from relais.db.errors import NotFound, TaskAlreadyClaimed, TaskAlreadyDone
from relais.db.repositories._sql import SessionSource, insert_unless_present, sessions_of
from relais.db.tables import TaskRow


class TaskBoard:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def create(self, task: TaskRecord) -> bool:
        """Insert the task; False (and nothing changes) when its id already exists."""
        async with self._sessions.begin() as session:
            statement = insert_unless_present(
                session,
                TaskRow,
                "task_id",
                task.model_dump(),
            )
            return (await session.execute(statement)).first() is not None

    async def get(self, task_id: str) -> TaskRecord | None:
        async with self._sessions() as session:
            row = await session.get(TaskRow, task_id)
            return None if row is None else TaskRecord.model_validate(row, from_attributes=True)

    async def list_open(
        self, for_role: str | None = None, case_id: str | None = None
    ) -> list[TaskRecord]:
        """Tasks not done yet: soonest due first, undated ones last, then oldest first."""
        statement = select(TaskRow).where(TaskRow.done_at.is_(None))
        if for_role is not None:
            statement = statement.where(TaskRow.for_role == for_role)
        if case_id is not None:
            statement = statement.where(TaskRow.case_id == case_id)
        statement = statement.order_by(
            TaskRow.due_at.asc().nulls_last(), TaskRow.created_at, TaskRow.task_id
        )
        async with self._sessions() as session:
            rows = (await session.scalars(statement)).all()
            return [TaskRecord.model_validate(row, from_attributes=True) for row in rows]

    async def claim(self, task_id: str, who: str, at: datetime) -> TaskRecord:
        """Give the task to ``who``. Claiming again by the same person is a no-op.

        Raises ``NotFound``, ``TaskAlreadyDone``, or ``TaskAlreadyClaimed`` when
        someone else holds it.
        """
        async with self._sessions.begin() as session:
            await session.execute(
                update(TaskRow)
                .where(
                    TaskRow.task_id == task_id,
                    TaskRow.done_at.is_(None),
                    TaskRow.claimed_by.is_(None),
                )
                .values(claimed_by=who, claimed_at=at)
            )
            row = await session.get(TaskRow, task_id, populate_existing=True)
            if row is None:
                raise NotFound("task", task_id)
            if row.claimed_by is not None and row.claimed_by != who:
                raise TaskAlreadyClaimed(task_id, row.claimed_by)
            if row.done_at is not None:
                raise TaskAlreadyDone(task_id)
            return TaskRecord.model_validate(row, from_attributes=True)

    async def reassign(self, case_id: str, previous: str, owner: str, at: datetime) -> int:
        """The case's open tasks claimed by ``previous`` follow the case to ``owner``;
        returns how many moved."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(TaskRow)
                .where(
                    TaskRow.case_id == case_id,
                    TaskRow.claimed_by == previous,
                    TaskRow.done_at.is_(None),
                )
                .values(claimed_by=owner, claimed_at=at)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def complete(self, task_id: str, at: datetime) -> TaskRecord:
        """Mark the task done; completing it again keeps the first completion time."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(TaskRow)
                .where(TaskRow.task_id == task_id, TaskRow.done_at.is_(None))
                .values(done_at=at)
            )
            row = await session.get(TaskRow, task_id, populate_existing=True)
            if row is None:
                raise NotFound("task", task_id)
            return TaskRecord.model_validate(row, from_attributes=True)

    async def complete_for_case(self, case_id: str, kind: TaskKind, at: datetime) -> int:
        """Close every open task of this kind on the case (the workflow resolved it);
        returns how many were still open."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(TaskRow)
                .where(
                    TaskRow.case_id == case_id,
                    TaskRow.kind == kind,
                    TaskRow.done_at.is_(None),
                )
                .values(done_at=at)
                .returning(TaskRow.task_id)
            )
            return len(result.all())
