"""What the web chat's tests share: a helpline of its own per test (its own queue, so
counsellors of one test never take another's conversations), and a counsellor who
answers through the conversation's contract directly (the console's screen is built
apart): at their desk, accepting the offer, writing, replying, closing the chat."""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio.client import WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy

from application.helpline import Helpline
from domain import contract
from domain.conversation import AuthorKind, MessageAccepted, ViewRequest
from domain.conversation_desk import (
    AcceptRequest,
    CounsellorReplies,
    CounsellorView,
    EndChatRequest,
)
from domain.conversation_queue import (
    CounsellorDesk,
    DeskOffer,
    DeskRequest,
    Presence,
    QueueOpening,
    SetPresenceRequest,
)
from relais.clock import utc_now
from tests.support.stack import Stack
from tests.support.waiting import eventually


def helpline_of(stack: Stack, **changes: Any) -> Helpline:
    """The stack's services, with a queue of their own (and settings ``changes``)."""
    name = f"test-{uuid.uuid4().hex[:10]}"
    settings = stack.settings.model_copy(update={"helpline": name, **changes})
    return Helpline(stack.client, stack.database, stack.registry, settings)


@dataclass
class Counsellor:
    helpline: Helpline
    name: str = field(default_factory=lambda: f"counsellor-{uuid.uuid4().hex[:6]}")

    @property
    def _queue(self) -> Any:
        queue_id = contract.HELPLINE_QUEUE.workflow_id(self.helpline.settings.helpline)
        return self.helpline.client.get_workflow_handle(queue_id)

    def _conversation(self, conversation_id: str) -> Any:
        workflow_id = contract.CONVERSATION.workflow_id(conversation_id)
        return self.helpline.client.get_workflow_handle(workflow_id)

    async def at_desk(self) -> CounsellorDesk:
        settings = self.helpline.settings
        start = WithStartWorkflowOperation(
            contract.HELPLINE_QUEUE.name,
            QueueOpening(helpline=settings.helpline, policy=settings.conversation_policy()),
            id=contract.HELPLINE_QUEUE.workflow_id(settings.helpline),
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            task_queue=settings.task_queue,
        )
        desk: CounsellorDesk = await self.helpline.client.execute_update_with_start_workflow(
            contract.SET_PRESENCE.name,
            SetPresenceRequest(actor=self.name, presence=Presence.AVAILABLE),
            start_workflow_operation=start,
            result_type=CounsellorDesk,
        )
        return desk

    async def desk(self) -> CounsellorDesk:
        desk: CounsellorDesk = await self._queue.query(
            contract.COUNSELLOR_DESK.name,
            DeskRequest(counsellor_id=self.name),
            result_type=CounsellorDesk,
        )
        return desk

    async def view(self, conversation_id: str) -> CounsellorView:
        view: CounsellorView = await self._conversation(conversation_id).query(
            contract.COUNSELLOR_VIEW.name, ViewRequest(), result_type=CounsellorView
        )
        return view

    async def accepts(self, conversation_id: str) -> CounsellorView:
        """Takes the conversation once the queue offers it to them."""

        def offered(desk: CounsellorDesk) -> bool:
            return any(o.conversation_id == conversation_id for o in desk.offers)

        desk = await eventually(self.desk, offered, what=f"an offer of {conversation_id}")
        offer: DeskOffer = next(o for o in desk.offers if o.conversation_id == conversation_id)
        await eventually(
            lambda: self.view(conversation_id),
            lambda v: v.offer is not None and v.offer.offer_id == offer.offer_id,
            what="the offer received by the conversation",
        )
        view: CounsellorView = await self._conversation(conversation_id).execute_update(
            contract.ACCEPT_CONVERSATION.name,
            AcceptRequest(actor=self.name, offer_id=offer.offer_id),
            result_type=CounsellorView,
        )
        return view

    async def replies(self, conversation_id: str, body: str) -> MessageAccepted:
        stored = await self.helpline.transcripts.store_message(
            conversation_id,
            uuid.uuid4().hex,
            body,
            AuthorKind.COUNSELLOR,
            utc_now(),
            author=self.name,
        )
        accepted: MessageAccepted = await self._conversation(conversation_id).execute_update(
            contract.COUNSELLOR_REPLIES.name,
            CounsellorReplies(actor=self.name, message=stored.ref),
            result_type=MessageAccepted,
        )
        await self.helpline.typing.stopped(conversation_id, AuthorKind.COUNSELLOR)  # sent
        return accepted

    async def writes(self, conversation_id: str, seconds: float = 6.0) -> None:
        now = utc_now()
        await self.helpline.typing.writing(
            conversation_id, AuthorKind.COUNSELLOR, now + timedelta(seconds=seconds), now
        )

    async def ends_the_chat(self, conversation_id: str) -> CounsellorView:
        view: CounsellorView = await self._conversation(conversation_id).execute_update(
            contract.END_CHAT.name, EndChatRequest(actor=self.name), result_type=CounsellorView
        )
        return view
