"""What a case does outside itself, for the workflow: tasks for people, the purge
schedule, and the projections a supervisor and the directory see (search
attributes, current details, the directory row), published when they changed.
Workflow code: runs inside the case, through activities declared in the contract."""

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import contract
    from domain.contract import Activity
    from domain.intake import CaseOpening
    from domain.records import CaseOpenedRecord
    from domain.retention import SchedulePurgeRequest
    from domain.tasks import CloseTasksRequest, CounsellorTask, TaskKind, task_id
    from workflows.calls import call, record_call
    from workflows.case import projections as project
    from workflows.case.callback import CloseTasks, Effect, OpenTask, SendNews
    from workflows.case.state import CaseState

RequestT = TypeVar("RequestT")
ResultT = TypeVar("ResultT")


class CaseEffects:
    def __init__(
        self,
        opening: CaseOpening,
        state: CaseState,
        send_news: Callable[[SendNews], None] | None = None,
    ) -> None:
        self._opening = opening
        self._state = state
        self._send_news = send_news
        self._published: tuple[object, ...] | None = None

    async def carry_out(self, effects: list[Effect]) -> None:
        """Write a transition's notes to the timeline, then open and close its tasks and
        send its news (in the background: ``workflows.case.news_courier``)."""
        for effect in self._state.apply(effects, workflow.now()):
            if isinstance(effect, OpenTask):
                await self.open_task(effect)
            elif isinstance(effect, CloseTasks):
                await self.close_tasks(effect.kind)
            elif isinstance(effect, SendNews) and self._send_news is not None:
                self._send_news(effect)

    def unpublished(self) -> bool:
        return self._published != project.published(self._state, self._opening)

    async def publish(self) -> None:
        """Search attributes, current details and the directory row follow the state."""
        state, opening = self._state, self._opening
        published = project.published(state, opening)
        if published == self._published:
            return
        state.version += 1
        workflow.upsert_search_attributes(project.search_attributes(state, opening))
        workflow.set_current_details(project.details_markdown(state, opening))
        record = project.record(state, opening, workflow.now())
        line = opening.opening_line
        if state.version == 1 and line is not None:
            # The case's first row goes with the audit line of its opening, handed over
            # by the door that opened it: the trail says so once the case exists,
            # whether or not that request heard back (application.case_opening).
            opened = CaseOpenedRecord(record=record, opening_line=line)
            await self._record(contract.RECORD_CASE_OPENED, opened)
        else:
            await self._record(contract.RECORD_CASE, record)
        self._published = published

    async def open_task(self, task: OpenTask) -> None:
        case_id = self._opening.case_id
        await self._record(
            contract.OPEN_TASK,
            CounsellorTask(
                task_id=task_id(case_id, task.kind, task.suffix),
                case_id=case_id,
                kind=task.kind,
                for_role=task.for_role,
                summary=task.summary,
                due_at=workflow.now(),
            ),
        )

    async def close_tasks(self, kind: TaskKind, one: str | None = None) -> None:
        """Close every open task of ``kind`` on the case, or the ``one`` named."""
        await self._record(
            contract.CLOSE_TASKS,
            CloseTasksRequest(case_id=self._opening.case_id, kind=kind, task_id=one),
        )

    async def schedule_purge(self, purge_after: datetime | None) -> None:
        """When the case's personal data goes (None: never, the case is open)."""
        await self._record(
            contract.SCHEDULE_PURGE,
            SchedulePurgeRequest(case_id=self._opening.case_id, purge_after=purge_after),
        )

    async def _record(self, activity: Activity[RequestT, ResultT], argument: RequestT) -> None:
        await call(
            activity,
            argument,
            summary=activity.name.replace("_", " "),
            **record_call(self._opening.policy),
        )
