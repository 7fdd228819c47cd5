"""HelplineQueueWorkflow: one per helpline (``queue-<helpline>``), running for good by
continuing as new. It knows who is at their desk and with how much room, which
conversations wait and in what order, and makes the offers (:mod:`workflows.queue.offers`).

Why a workflow and not rows the database locks: Temporal runs one workflow task at a
time per workflow, so every offer is decided against everything the queue knows at
that instant, whatever the number of API replicas and workers; its timers (an offer
lapsing after 30 s, a console gone quiet) survive any restart. The conversation, not
the queue, decides whom it is with: an offer stands until the queue withdraws it,
and the first accept of a standing offer wins (see ``workflows/README.md``).

Conversations tell it where they stand (``conversation_standing``, through the
``tell_queue`` activity that also starts it); it answers with ``offered`` and
``offer_withdrawn`` signals. Handlers never await: they change the state and leave
the signals to send in an outbox; the main loop sends them, acts on deadlines and
makes the offers, under the one lock.
"""

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import FailureError

with workflow.unsafe.imports_passed_through():
    import workflows.queue.projections as project
    from domain import contract
    from domain.conversation_queue import (
        ConversationStanding,
        CounsellorDesk,
        DeskRequest,
        MoveUpRequest,
        PlaceRequest,
        PresenceHeartbeat,
        QueueSnapshot,
        SetPresenceRequest,
        WaitingPlace,
    )
    from domain.problems import problem
    from workflows.queue.entries import Offer, Outbound
    from workflows.queue.state import QueueInput, QueueState
    from workflows.rejection import rejection


@workflow.defn(name=contract.HELPLINE_QUEUE.name)
class HelplineQueueWorkflow:
    @workflow.init
    def __init__(self, input: QueueInput) -> None:
        self._input = input
        if input.carried is not None:
            self.state = input.carried.model_copy(update={"runs": input.carried.runs + 1})
        else:
            self.state = QueueState.started(workflow.now(), input.policy)
        self._outbox: list[Outbound] = []
        self._changed = True
        self._lock = asyncio.Lock()

    @workflow.run
    async def run(self, input: QueueInput) -> None:
        while True:
            await self._sleep_until_needed()
            async with self._lock:
                self._changed = False
                now, policy = workflow.now(), input.policy
                self._outbox += self.state.on_deadline(now, policy)
                self._outbox += self.state.plan(now, policy)
                workflow.set_current_details(
                    project.details_markdown(self.state, input.helpline, now)
                )
                await self._send()
            if self._history_too_long():
                await self._continue_as_new()

    async def _sleep_until_needed(self) -> None:
        deadline = self.state.next_deadline()
        if deadline is not None and deadline <= workflow.now():
            return
        try:
            await workflow.wait_condition(
                lambda: (
                    self._changed
                    or bool(self._outbox)
                    or self.state.next_deadline() != deadline
                    or self._history_too_long()
                ),
                timeout=_until(deadline),
            )
        except TimeoutError:
            pass

    async def _send(self) -> None:
        """Offers and withdrawals: to every conversation concerned at once, in order to
        each (a lapsed offer is withdrawn before the next is made); one that no longer
        runs has left the queue."""
        out, self._outbox = self._outbox, []
        by_conversation: dict[str, list[Outbound]] = {}
        for item in out:
            by_conversation.setdefault(item.conversation_id, []).append(item)
        await asyncio.gather(*(self._send_in_order(items) for items in by_conversation.values()))

    async def _send_in_order(self, items: list[Outbound]) -> None:
        conversation_id = items[0].conversation_id
        handle = workflow.get_external_workflow_handle(
            contract.CONVERSATION.workflow_id(conversation_id)
        )
        try:
            for item in items:
                if isinstance(item, Offer):
                    await handle.signal(contract.OFFERED.name, item.made)
                else:
                    await handle.signal(contract.OFFER_WITHDRAWN.name, item.withdrawn)
        except FailureError:
            self.state.forget(conversation_id, workflow.now())
            self._changed = True

    def _history_too_long(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() >= self._input.policy.history_event_budget
        )

    async def _continue_as_new(self) -> None:
        await workflow.wait_condition(
            lambda: workflow.all_handlers_finished() and not self._lock.locked()
        )
        async with self._lock:
            await self._send()
        workflow.continue_as_new(self._input.model_copy(update={"carried": self.state}))

    # ---- conversations ---------------------------------------------------------------------

    @workflow.signal(name=contract.CONVERSATION_STANDING.name)
    def conversation_standing(self, standing: ConversationStanding) -> None:
        if self.state.standing(standing, workflow.now(), self._input.policy):
            self._changed = True

    @workflow.query(name=contract.WAITING_PLACE.name)
    def waiting_place(self, request: PlaceRequest) -> WaitingPlace:
        return project.place(
            self.state, request.conversation_id, workflow.now(), self._input.policy
        )

    @workflow.query(name=contract.QUEUE_SNAPSHOT.name)
    def queue_snapshot(self) -> QueueSnapshot:
        return project.snapshot(self.state, self._input.helpline, workflow.now())

    # ---- counsellors -----------------------------------------------------------------------

    @workflow.update(name=contract.SET_PRESENCE.name)
    def set_presence(self, request: SetPresenceRequest) -> CounsellorDesk:
        self._validate_set_presence(request)
        now, policy = workflow.now(), self._input.policy
        _, withdrawn = self.state.set_presence(request, now, policy)
        self._outbox += withdrawn
        self._changed = True
        return project.desk(self.state, request.actor, now, policy)

    @set_presence.validator
    def _validate_set_presence(self, request: SetPresenceRequest) -> None:
        problems = []
        most = self._input.policy.max_capacity
        if request.capacity is not None and request.capacity > most:
            problems.append(
                problem("capacity_too_high", ("capacity",), f"capacity: at most {most} at once")
            )
        for index, language in enumerate(request.languages or []):
            if len(language) != 2 or not language.isalpha() or not language.islower():
                problems.append(
                    problem(
                        "invalid_language",
                        ("languages", index),
                        "languages: two-letter codes such as fr, en",
                    )
                )
        if problems:
            raise rejection(problems)

    @workflow.signal(name=contract.PRESENCE_HEARTBEAT.name)
    def presence_heartbeat(self, heartbeat: PresenceHeartbeat) -> None:
        if self.state.heartbeat(heartbeat.actor, workflow.now(), self._input.policy):
            self._changed = True

    @workflow.query(name=contract.COUNSELLOR_DESK.name)
    def counsellor_desk(self, request: DeskRequest) -> CounsellorDesk:
        return project.desk(self.state, request.counsellor_id, workflow.now(), self._input.policy)

    # ---- supervisors -----------------------------------------------------------------------

    @workflow.update(name=contract.MOVE_UP.name)
    def move_up(self, request: MoveUpRequest) -> WaitingPlace:
        """First come, first served, but a supervisor may move one up."""
        self._validate_move_up(request)
        self.state.move_up(request)
        self._changed = True
        return project.place(
            self.state, request.conversation_id, workflow.now(), self._input.policy
        )

    @move_up.validator
    def _validate_move_up(self, request: MoveUpRequest) -> None:
        if self.state.queued(request.conversation_id) is None:
            raise rejection(
                [
                    problem(
                        "not_waiting",
                        ("conversation_id",),
                        "conversation_id: this conversation is not waiting in the queue",
                    )
                ]
            )


def _until(deadline: datetime | None) -> timedelta | None:
    return max(deadline - workflow.now(), timedelta(0)) if deadline else None
