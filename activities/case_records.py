"""Activities that write the app database: projections, ledgers and tasks.

Each write is idempotent (upsert by id, ignored when older than what is stored), so
Temporal may retry them freely.
"""

from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain import contract
from domain.records import (
    CaseOpenedRecord,
    CaseRecord,
    NoticeRecord,
    ReferralRecord,
    TaskRecord,
)
from domain.tasks import CloseTasksRequest, CounsellorTask
from relais.db import CaseDirectory, Database, NoticeLedger, ReferralLedger, TaskBoard


class CaseRecordActivities:
    def __init__(self, database: Database) -> None:
        self._cases = CaseDirectory(database)
        self._notices = NoticeLedger(database)
        self._referrals = ReferralLedger(database)
        self._tasks = TaskBoard(database)

    @activity.defn(name=contract.RECORD_CASE.name)
    async def record_case(self, record: CaseRecord) -> None:
        await self._cases.upsert(record)

    @activity.defn(name=contract.RECORD_CASE_OPENED.name)
    async def record_case_opened(self, opened: CaseOpenedRecord) -> None:
        """The case's first row and the audit line of its opening, in one transaction;
        the line's idempotency key (its door sets one) keeps it once across retries."""
        if opened.opening_line.idempotency_key is None:  # a door's mistake: retrying won't mend it
            raise ApplicationError(
                "the line of an opening needs its idempotency key", non_retryable=True
            )
        await self._cases.upsert(opened.record, audited=opened.opening_line)

    @activity.defn(name=contract.RECORD_NOTICE.name)
    async def record_notice(self, record: NoticeRecord) -> None:
        await self._notices.upsert(record)

    @activity.defn(name=contract.RECORD_REFERRAL.name)
    async def record_referral(self, record: ReferralRecord) -> None:
        await self._referrals.upsert(record)

    @activity.defn(name=contract.OPEN_TASK.name)
    async def open_task(self, task: CounsellorTask) -> bool:
        """Returns False when the task already existed (a retried creation)."""
        info = activity.info()
        return await self._tasks.create(
            TaskRecord(
                task_id=task.task_id,
                case_id=task.case_id,
                kind=task.kind,
                for_role=task.for_role,
                summary=task.summary,
                due_at=task.due_at,
                created_at=info.current_attempt_scheduled_time,
            )
        )

    @activity.defn(name=contract.CLOSE_TASKS.name)
    async def close_tasks(self, request: CloseTasksRequest) -> None:
        at = activity.info().current_attempt_scheduled_time
        if request.task_id is not None:
            await self._tasks.complete(request.task_id, at)
        else:
            await self._tasks.complete_for_case(request.case_id, request.kind, at)
