"""A bare worker for the conversation and queue workflows: the real workflows, the real
``tell_queue`` activity (it starts the queue with the worker's own client, so the
queue in these tests is the real one), and fakes under the real names for the app
database, the transcript store and the channels. ``Helpline`` drives one helpline's
queue the way the doors will: start a conversation, set presence (update-with-start
on the queue), answer offers, read the views."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio import activity
from temporalio.client import Client, WithStartWorkflowOperation, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.conversation_queue import QueueActivities
from domain import contract
from domain.callback_window import ALWAYS_OPEN
from domain.conversation import (
    ConversationStatus,
    MessageAccepted,
    ViewRequest,
    YoungPersonView,
    YoungPersonWrites,
)
from domain.conversation_desk import AcceptRequest, CounsellorReplies, CounsellorView
from domain.conversation_queue import (
    CounsellorDesk,
    DeskOffer,
    DeskRequest,
    PlaceRequest,
    Presence,
    PresenceHeartbeat,
    QueueOpening,
    QueueSnapshot,
    SetPresenceRequest,
    WaitingPlace,
)
from domain.conversation_records import (
    ConversationRecord,
    ConversationResult,
    DeliveryReceipt,
    DeliveryRequest,
    FileTranscriptRequest,
    LinkTranscriptRequest,
    PurgeTranscriptRequest,
    TranscriptFiled,
    TranscriptLinked,
    TranscriptPurged,
)
from domain.policy import ConversationPolicy
from tests.support import builders
from tests.support.waiting import eventually
from worker import WORKFLOWS

# Production durations, open at any hour (tests run at any time of day).
POLICY = ConversationPolicy(opening_hours=ALWAYS_OPEN)

Deliver = Callable[[DeliveryRequest, int], DeliveryReceipt]


@dataclass
class ConversationFakes:
    records: dict[str, ConversationRecord] = field(default_factory=dict)
    filed: dict[str, FileTranscriptRequest] = field(default_factory=dict)
    linked: list[LinkTranscriptRequest] = field(default_factory=list)
    purged: list[PurgeTranscriptRequest] = field(default_factory=list)
    deliveries: list[DeliveryRequest] = field(default_factory=list)
    deliver: Deliver = lambda request, attempt: DeliveryReceipt(channel_reference="sent")

    @activity.defn(name=contract.RECORD_CONVERSATION.name)
    async def record_conversation(self, record: ConversationRecord) -> None:
        stored = self.records.get(record.conversation_id)
        if stored is None or stored.version <= record.version:
            self.records[record.conversation_id] = record

    @activity.defn(name=contract.FILE_TRANSCRIPT.name)
    async def file_transcript(self, request: FileTranscriptRequest) -> TranscriptFiled:
        self.filed[request.conversation_id] = request
        return TranscriptFiled(
            filed=len(request.lines), dropped=0, conversation_key_destroyed=bool(request.case_id)
        )

    @activity.defn(name=contract.LINK_TRANSCRIPT.name)
    async def link_transcript(self, request: LinkTranscriptRequest) -> TranscriptLinked:
        self.linked.append(request)
        return TranscriptLinked(moved=0, conversation_key_destroyed=request.retire_conversation_key)

    @activity.defn(name=contract.PURGE_TRANSCRIPT.name)
    async def purge_transcript(self, request: PurgeTranscriptRequest) -> TranscriptPurged:
        self.purged.append(request)
        return TranscriptPurged(deleted=0, conversation_key_destroyed=True)

    @activity.defn(name=contract.DELIVER_MESSAGE.name)
    async def deliver_message(self, request: DeliveryRequest) -> DeliveryReceipt:
        self.deliveries.append(request)
        return self.deliver(request, activity.info().attempt)

    def all(self) -> list[object]:
        return [
            self.record_conversation,
            self.file_transcript,
            self.link_transcript,
            self.purge_transcript,
            self.deliver_message,
            QueueActivities().tell_queue,
        ]


def conversation_worker(
    client: Client, fakes: ConversationFakes, task_queue: str, **options: Any
) -> Worker:
    return Worker(
        client,
        task_queue=task_queue,
        workflows=list(WORKFLOWS),
        activities=fakes.all(),
        graceful_shutdown_timeout=timedelta(seconds=1),
        **options,
    )


@asynccontextmanager
async def bare_conversation_worker(client: Client, fakes: ConversationFakes) -> AsyncIterator[str]:
    task_queue = f"conversation-tests-{uuid.uuid4().hex[:8]}"
    async with conversation_worker(client, fakes, task_queue):
        yield task_queue


Handle = WorkflowHandle[Any, Any]


class Helpline:
    """One helpline's queue and its conversations, as the doors will drive them."""

    def __init__(
        self,
        env: WorkflowEnvironment,
        task_queue: str,
        policy: ConversationPolicy = POLICY,
        client: Client | None = None,
    ) -> None:
        self.env = env
        self.client = client or env.client
        self.task_queue = task_queue
        self.name = f"helpline-{uuid.uuid4().hex[:8]}"
        self.policy = policy

    @property
    def queue(self) -> Handle:
        return self.client.get_workflow_handle(contract.HELPLINE_QUEUE.workflow_id(self.name))

    # ---- the young person ------------------------------------------------------------------

    async def open(self, **changes: Any) -> Handle:
        opening = builders.conversation_opening(self.name, **{"policy": self.policy, **changes})
        return await self.client.start_workflow(
            contract.CONVERSATION.name,
            opening,
            id=contract.CONVERSATION.workflow_id(opening.conversation_id),
            task_queue=self.task_queue,
        )

    async def young_person_view(self, handle: Handle, since_seq: int = 0) -> YoungPersonView:
        view: YoungPersonView = await handle.query(
            contract.YOUNG_PERSON_VIEW.name,
            ViewRequest(since_seq=since_seq),
            result_type=YoungPersonView,
        )
        return view

    async def writes(
        self, handle: Handle, key: str | None = None, body: str = "bonjour"
    ) -> MessageAccepted:
        ref = builders.message_ref(_id(handle), key=key, body=body)
        accepted: MessageAccepted = await handle.execute_update(
            contract.YOUNG_PERSON_WRITES.name,
            YoungPersonWrites(message=ref),
            result_type=MessageAccepted,
        )
        return accepted

    # ---- counsellors -----------------------------------------------------------------------

    async def presence(
        self,
        counsellor: str,
        presence: Presence = Presence.AVAILABLE,
        capacity: int | None = None,
        languages: list[str] | None = None,
    ) -> CounsellorDesk:
        """Update-with-start: the queue starts with the first counsellor who signs in."""
        start = WithStartWorkflowOperation(
            contract.HELPLINE_QUEUE.name,
            QueueOpening(helpline=self.name, policy=self.policy),
            id=contract.HELPLINE_QUEUE.workflow_id(self.name),
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            task_queue=self.task_queue,
        )
        desk: CounsellorDesk = await self.client.execute_update_with_start_workflow(
            contract.SET_PRESENCE.name,
            SetPresenceRequest(
                actor=counsellor, presence=presence, capacity=capacity, languages=languages
            ),
            start_workflow_operation=start,
            result_type=CounsellorDesk,
        )
        return desk

    async def heartbeat(self, counsellor: str) -> None:
        await self.queue.signal(
            contract.PRESENCE_HEARTBEAT.name, PresenceHeartbeat(actor=counsellor)
        )

    async def desk(self, counsellor: str) -> CounsellorDesk:
        desk: CounsellorDesk = await self.queue.query(
            contract.COUNSELLOR_DESK.name,
            DeskRequest(counsellor_id=counsellor),
            result_type=CounsellorDesk,
        )
        return desk

    async def offer_to(self, counsellor: str, conversation: Handle | None = None) -> DeskOffer:
        """The offer on the counsellor's screen (for ``conversation`` if given), once
        the conversation has it too (its accept would be refused before)."""

        def found(desk: CounsellorDesk) -> bool:
            return any(
                conversation is None or offer.conversation_id == _id(conversation)
                for offer in desk.offers
            )

        desk = await eventually(
            lambda: self.desk(counsellor), found, what=f"an offer to {counsellor}"
        )
        offer = next(
            o for o in desk.offers if conversation is None or o.conversation_id == _id(conversation)
        )
        handle = self.conversation(offer.conversation_id)
        await eventually(
            lambda: self.counsellor_view(handle),
            lambda v: v.offer is not None and v.offer.offer_id == offer.offer_id,
            what=f"{offer.offer_id} received by {offer.conversation_id}",
        )
        return offer

    async def accept(self, counsellor: str, offer: DeskOffer) -> CounsellorView:
        view: CounsellorView = await self.conversation(offer.conversation_id).execute_update(
            contract.ACCEPT_CONVERSATION.name,
            AcceptRequest(actor=counsellor, offer_id=offer.offer_id),
            result_type=CounsellorView,
        )
        return view

    async def replies(
        self, handle: Handle, counsellor: str, body: str = "bonjour, je suis là"
    ) -> MessageAccepted:
        ref = builders.message_ref(_id(handle), body=body)
        accepted: MessageAccepted = await handle.execute_update(
            contract.COUNSELLOR_REPLIES.name,
            CounsellorReplies(actor=counsellor, message=ref),
            result_type=MessageAccepted,
        )
        return accepted

    async def counsellor_view(self, handle: Handle, since_seq: int = 0) -> CounsellorView:
        view: CounsellorView = await handle.query(
            contract.COUNSELLOR_VIEW.name,
            ViewRequest(since_seq=since_seq),
            result_type=CounsellorView,
        )
        return view

    async def status_is(self, handle: Handle, status: ConversationStatus) -> CounsellorView:
        return await eventually(
            lambda: self.counsellor_view(handle), lambda v: v.status is status, what=str(status)
        )

    async def result(self, handle: Handle) -> ConversationResult:
        ended = self.client.get_workflow_handle(handle.id, result_type=ConversationResult)
        return await asyncio.wait_for(ended.result(), timeout=60)

    def conversation(self, conversation_id: str) -> Handle:
        return self.client.get_workflow_handle(contract.CONVERSATION.workflow_id(conversation_id))

    # ---- the queue -------------------------------------------------------------------------

    async def snapshot(self) -> QueueSnapshot:
        snapshot: QueueSnapshot = await self.queue.query(
            contract.QUEUE_SNAPSHOT.name, result_type=QueueSnapshot
        )
        return snapshot

    async def place(self, handle: Handle) -> WaitingPlace:
        place: WaitingPlace = await self.queue.query(
            contract.WAITING_PLACE.name,
            PlaceRequest(conversation_id=_id(handle)),
            result_type=WaitingPlace,
        )
        return place

    async def queue_shows(self, what: str, test: Callable[[QueueSnapshot], bool]) -> QueueSnapshot:
        """Until the queue's snapshot passes ``test`` (the queue may not be started yet)."""

        async def probe() -> QueueSnapshot | None:
            try:
                return await self.snapshot()
            except RPCError as error:
                if error.status is RPCStatusCode.NOT_FOUND:
                    return None
                raise

        found = await eventually(probe, lambda s: s is not None and test(s), what=what)
        assert found is not None
        return found

    async def waiting(self, *handles: Handle) -> QueueSnapshot:
        """Until the queue lists exactly these conversations, in this order."""
        ids = [_id(h) for h in handles]
        return await self.queue_shows(
            f"waiting {ids}", lambda s: [e.conversation_id for e in s.waiting] == ids
        )

    async def forward_queue(self, by: timedelta) -> None:
        await self.env.fast_forward(self.queue, by)

    async def forward(self, handle: Handle, by: timedelta) -> None:
        await self.env.fast_forward(handle, by)


def _id(handle: Handle) -> str:
    return handle.id.removeprefix(contract.CONVERSATION.id_prefix)
