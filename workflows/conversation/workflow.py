"""ConversationWorkflow: one durable workflow per conversation (``conversation-<id>``),
from the pre-chat form until its transcript belongs to a case or is purged.

The journey, as it reads below:

1. **Opening** (``__init__``, pure): inside opening hours it waits in its helpline's
   queue; outside them it is missed (never queued: the young person is told when the
   helpline opens and whom to call now).
2. **Waiting**: the queue (:class:`HelplineQueueWorkflow`) offers it to a counsellor
   (signals ``offered`` / ``offer_withdrawn``); the counsellor accepts or passes here,
   so the conversation alone decides whom it is with. After a long wait the young
   person may ask to be called back instead.
3. **The chat**: messages both ways, by reference (bodies are sealed in the store);
   transfers to a colleague; closed by the counsellor or left by the young person.
4. **Wrap-up**: the counsellor's outcome category (or "not recorded" in time).
5. **Afterwards**: its transcript is filed in order; linked to a case, it moves under
   the case's key and the conversation's key is destroyed; never linked, it is
   purged after the retention policy. Then the workflow ends.

Handlers (:mod:`workflows.conversation.young_person`, :mod:`workflows.conversation.counsellor`)
change the state through named transitions and answer at once; this main loop sleeps
until the next deadline or change, acts on deadlines, publishes what changed (the
queue, the directory row, the search attributes), settles the transcript, and
continues as new when the history grows long.
"""

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    import workflows.conversation.projections as project
    from domain import contract
    from domain.conversation_queue import OfferMade, OfferWithdrawn
    from domain.conversation_records import ConversationResult
    from workflows.conversation.counsellor import CounsellorHandlers
    from workflows.conversation.courier import Courier
    from workflows.conversation.effects import ConversationEffects
    from workflows.conversation.state import ConversationInput, ConversationState
    from workflows.conversation.young_person import YoungPersonHandlers


@workflow.defn(name=contract.CONVERSATION.name)
class ConversationWorkflow(YoungPersonHandlers, CounsellorHandlers):
    @workflow.init
    def __init__(self, input: ConversationInput) -> None:
        self._input = input
        if input.carried is not None:
            self.state = input.carried.model_copy(update={"runs": input.carried.runs + 1})
        else:
            self.state = ConversationState.opened(input, workflow.now())
        self._effects = ConversationEffects(input, self.state)
        self._courier = Courier(input, self.state)
        self._lock = asyncio.Lock()

    @workflow.run
    async def run(self, input: ConversationInput) -> ConversationResult:
        courier = asyncio.create_task(self._courier.run()) if self._courier.pushes else None
        while not (self.state.done and self._courier.idle):
            await self._sleep_until_needed()
            async with self._lock:
                self.state.on_deadline(workflow.now(), input.policy)
                await self._effects.publish()
                await self._settle_transcript()
                await self._effects.publish()
            if self._history_too_long():
                await self._continue_as_new()
        await self._courier.stop()
        if courier is not None:
            await courier
        await workflow.wait_condition(workflow.all_handlers_finished)
        return project.result(self.state, input)

    async def _sleep_until_needed(self) -> None:
        """Until the next deadline, or until it moves, something is to publish or to
        settle, or the history grows too long."""
        policy = self._input.policy
        deadline = self.state.next_deadline(policy)
        if deadline is not None and deadline <= workflow.now():
            return
        try:
            await workflow.wait_condition(
                lambda: (
                    self.state.next_deadline(policy) != deadline
                    or self._effects.unpublished()
                    or self._to_file()
                    or (self.state.done and self._courier.idle)
                    or self._history_too_long()
                ),
                timeout=_until(deadline),
            )
        except TimeoutError:
            pass

    def _to_file(self) -> bool:
        return self.state.final and not self.state.filed and self.state.purged_at is None

    async def _settle_transcript(self) -> None:
        """Over: the transcript is filed (and, linked, retired under the case's key);
        never linked by the end of retention, it is purged."""
        state, policy, now = self.state, self._input.policy, workflow.now()
        if not state.final:
            return
        if self._to_file():
            filed = await self._effects.file_transcript()
            state.filed = True
            state.conversation_key_destroyed = filed.conversation_key_destroyed
        if state.linked_case_id is not None and not state.conversation_key_destroyed:
            # linked while the transcript was being filed: retire the key now
            linked = await self._effects.link_transcript(state.linked_case_id, retire=True)
            state.conversation_key_destroyed = linked.conversation_key_destroyed
        purge_at = state.purge_after(policy)
        if purge_at is not None and now >= purge_at:
            await self._effects.purge_transcript()
            state.purged_at = now

    def _history_too_long(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() >= self._input.policy.history_event_budget
        )

    async def _continue_as_new(self) -> None:
        """Carry the whole state into a fresh history; a delivery in flight is sent
        again by the next run (under its message id: once)."""
        await workflow.wait_condition(
            lambda: workflow.all_handlers_finished() and not self._lock.locked()
        )
        await self._courier.stop()
        workflow.continue_as_new(self._input.model_copy(update={"carried": self.state}))

    # ---- from the helpline's queue ---------------------------------------------------------

    @workflow.signal(name=contract.OFFERED.name)
    def offered(self, offer: OfferMade) -> None:
        self.state.offered(offer)

    @workflow.signal(name=contract.OFFER_WITHDRAWN.name)
    def offer_withdrawn(self, withdrawn: OfferWithdrawn) -> None:
        self.state.offer_withdrawn(withdrawn)


def _until(deadline: datetime | None) -> timedelta | None:
    return max(deadline - workflow.now(), timedelta(0)) if deadline else None
