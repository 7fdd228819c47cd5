"""What a conversation does outside itself, for the workflow: it tells its queue where
it stands, writes its directory row, shows supervisors its search attributes and
details, and files, links or purges its transcript in the store. Workflow code: runs
inside the conversation, through activities declared in the contract."""

from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    import workflows.conversation.projections as project
    from domain import contract
    from domain.contract import Activity
    from domain.conversation import ConversationOpening
    from domain.conversation_queue import QueueOpening, TellQueueRequest
    from domain.conversation_records import (
        FileTranscriptRequest,
        LinkTranscriptRequest,
        PurgeTranscriptRequest,
        TranscriptFiled,
        TranscriptLinked,
        TranscriptPurged,
    )
    from workflows.calls import call
    from workflows.conversation.state import ConversationState

RequestT = TypeVar("RequestT")
ResultT = TypeVar("ResultT")

# The queue must hear every change, however long Temporal takes to answer: retried
# without end, quickly (a young person is waiting on the offer it leads to).
TELL_QUEUE_OPTIONS: dict[str, Any] = {
    "start_to_close_timeout": timedelta(seconds=10),
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(milliseconds=200), maximum_interval=timedelta(seconds=10)
    ),
}


class ConversationEffects:
    def __init__(self, opening: ConversationOpening, state: ConversationState) -> None:
        self._opening = opening
        self._state = state
        self._attributes: object = None
        self._standing: object = None
        self._record: object = None

    def _now(self) -> tuple[object, object, object]:
        state, opening = self._state, self._opening
        attributes = [
            (u.key.name, getattr(u, "value", None))
            for u in project.search_attributes(state, opening)
        ]
        return (
            attributes,
            project.published_standing(state, opening),
            project.published_record(state, opening),
        )

    def unpublished(self) -> bool:
        return self._now() != (self._attributes, self._standing, self._record)

    async def publish(self) -> None:
        """The queue first (an offer may hang on it), then the directory row; search
        attributes and details follow the state."""
        state, opening = self._state, self._opening
        attributes, standing, record = self._now()
        if attributes != self._attributes:
            workflow.upsert_search_attributes(project.search_attributes(state, opening))
            self._attributes = attributes
        workflow.set_current_details(project.details_markdown(state, opening))
        if standing == self._standing and record == self._record:
            return
        state.version += 1
        if standing != self._standing:
            found = project.standing(state, opening)
            if found is not None:
                request = TellQueueRequest(
                    queue=QueueOpening(helpline=opening.helpline, policy=opening.policy),
                    standing=found,
                )
                await call(
                    contract.TELL_QUEUE,
                    request,
                    summary=f"tell the queue: {found.stage.value}",
                    **TELL_QUEUE_OPTIONS,
                )
            self._standing = standing
        if record != self._record:
            await self._record_call(
                contract.RECORD_CONVERSATION, project.record(state, opening, workflow.now())
            )
            self._record = record

    async def file_transcript(self) -> TranscriptFiled:
        state = self._state
        return await self._record_call(
            contract.FILE_TRANSCRIPT,
            FileTranscriptRequest(
                conversation_id=self._opening.conversation_id,
                lines=state.ledger.transcript(),
                case_id=state.linked_case_id,
            ),
        )

    async def link_transcript(self, case_id: str, retire: bool) -> TranscriptLinked:
        return await self._record_call(
            contract.LINK_TRANSCRIPT,
            LinkTranscriptRequest(
                conversation_id=self._opening.conversation_id,
                case_id=case_id,
                retire_conversation_key=retire,
            ),
        )

    async def purge_transcript(self) -> TranscriptPurged:
        return await self._record_call(
            contract.PURGE_TRANSCRIPT,
            PurgeTranscriptRequest(
                conversation_id=self._opening.conversation_id, at=workflow.now()
            ),
        )

    async def _record_call(
        self, activity: Activity[RequestT, ResultT], argument: RequestT
    ) -> ResultT:
        policy = self._opening.policy
        return await call(
            activity,
            argument,
            summary=activity.name.replace("_", " "),
            start_to_close_timeout=policy.record_timeout,
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=1),
                maximum_interval=policy.record_retry_max_interval,
            ),
        )
