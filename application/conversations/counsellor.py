"""The counsellor's acts in conversations, as ``workflows/conversation/counsellor.py``
and the helpline's queue handle them: at their desk (presence, capacity, the
console's heartbeat), the offers they are made (accept, pass), and a conversation
they answer (read its transcript, reply, close the chat, wrap up).

Each is one service: who may act (counsellors and supervisors), the contract call,
its audit line. A reply is stored sealed in the transcript vault first, then the
workflow is told its reference (nothing of its text in a history, a log or an audit
line); the same idempotency key with the same text is the same reply, with another
text it is refused. Reading a transcript is audited (personal data), once per read.

Linking a conversation to a case is :mod:`application.conversations.case_link`;
handing it over to a colleague is :mod:`application.conversations.transfer`.
"""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from temporalio.client import WithStartWorkflowOperation, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError

from application.acting import Permit, service
from application.conversations.channel_window import refuse_outside_window
from application.conversations.commands import ConversationCommands, ConversationOver, over
from application.errors import Problem, RequestRejected, Unavailable
from application.errors import temporal_unavailable as _late
from application.helpline import Helpline
from application.rejections import problems_from
from domain import contract
from domain.audit_actions import AuditAction
from domain.channel_messages import ChannelDeliveryState
from domain.conversation import AuthorKind, Delivery, MessageAccepted, ViewRequest
from domain.conversation_desk import (
    AcceptRequest,
    ConversationOutcome,
    CounsellorReplies,
    CounsellorView,
    EndChatRequest,
    OfferPassed,
    PassRequest,
    WrapUpRequest,
)
from domain.conversation_queue import (
    CounsellorDesk,
    DeskRequest,
    Presence,
    PresenceHeartbeat,
    QueueOpening,
    SetPresenceRequest,
)
from relais.crypto.key_store import KeyDestroyed
from relais.crypto.transcripts import ConversationClosed, KeyReused
from relais.settings import Role

ANSWERING = (Role.COUNSELLOR, Role.SUPERVISOR)  # supervisors answer too, and take transfers
KEY_FIELD = ("header", "Idempotency-Key")


class TranscriptLine(BaseModel):
    """One line of a transcript as the counsellor's screen shows it."""

    seq: int
    author: AuthorKind
    at: datetime
    body: str | None = Field(description="None: no longer readable (purged, or moved away)")
    internal: bool = Field(description="A note between counsellors: never sent")
    delivery: Delivery | None = Field(default=None, description="For messages to them")
    channel_status: ChannelDeliveryState | None = Field(
        default=None, description="WhatsApp, Messenger: sent, delivered, read or failed"
    )


class ConversationRead(BaseModel):
    """Where a conversation stands, and its lines after ``since_seq``."""

    conversation: CounsellorView
    lines: list[TranscriptLine]


def _commands(helpline: Helpline) -> ConversationCommands:
    return ConversationCommands(helpline.client, helpline.settings.task_queue)


@service(*ANSWERING)
async def set_presence(
    helpline: Helpline,
    permit: Permit,
    presence: Presence,
    capacity: int | None = None,
    languages: list[str] | None = None,
) -> CounsellorDesk:
    """Available, busy or away, and how many conversations at once (default 2). The
    first counsellor of the day starts the helpline's queue (update-with-start)."""
    settings = helpline.settings
    start: WithStartWorkflowOperation[Any, Any] = WithStartWorkflowOperation(
        contract.HELPLINE_QUEUE.name,
        QueueOpening(helpline=settings.helpline, policy=settings.conversation_policy()),
        id=contract.HELPLINE_QUEUE.workflow_id(settings.helpline),
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        task_queue=settings.task_queue,
    )
    request = SetPresenceRequest(
        actor=permit.actor.subject, presence=presence, capacity=capacity, languages=languages
    )
    try:
        desk: CounsellorDesk = await helpline.client.execute_update_with_start_workflow(
            contract.SET_PRESENCE.name,
            request,
            start_workflow_operation=start,
            result_type=CounsellorDesk,
        )
    except WorkflowUpdateFailedError as err:  # refused: a capacity over the policy's limit
        raise RequestRejected(problems_from(err.cause)) from err
    except RPCError as err:
        if _late(err):
            raise Unavailable("the helpline's queue did not answer in time; retry") from err
        raise
    await helpline.audit(permit).record(
        AuditAction.COUNSELLOR_PRESENCE, None, f"presence={presence.value} capacity={desk.capacity}"
    )
    return desk


@service(*ANSWERING)
async def still_here(helpline: Helpline, permit: Permit) -> None:
    """The console's heartbeat: their presence holds (not audited: it is no act)."""
    await _commands(helpline).signal_queue(
        helpline.settings.helpline,
        contract.PRESENCE_HEARTBEAT,
        PresenceHeartbeat(actor=permit.actor.subject),
    )


@service(*ANSWERING)
async def my_desk(helpline: Helpline, permit: Permit) -> CounsellorDesk:
    """Their presence, the conversations with them and the offers made to them."""
    return await _commands(helpline).query_queue(
        helpline.settings.helpline,
        contract.COUNSELLOR_DESK,
        DeskRequest(counsellor_id=permit.actor.subject),
    )


@service(*ANSWERING)
async def accept_offer(
    helpline: Helpline, permit: Permit, conversation_id: str, offer_id: str
) -> CounsellorView:
    """Take the conversation offered to them (an offer lapsed or taken: refused)."""
    request = AcceptRequest(actor=permit.actor.subject, offer_id=offer_id)
    view = await _commands(helpline).update(
        conversation_id,
        contract.ACCEPT_CONVERSATION,
        request,
        update_id=f"{contract.ACCEPT_CONVERSATION.name}:{offer_id}:{permit.actor.subject}",
    )
    await helpline.audit(permit).record(
        AuditAction.CONVERSATION_ACCEPT, view.linked_case_id, f"conversation={conversation_id}"
    )
    return view


@service(*ANSWERING)
async def pass_offer(
    helpline: Helpline, permit: Permit, conversation_id: str, offer_id: str
) -> OfferPassed:
    """Not now: the offer goes to the next counsellor at once."""
    request = PassRequest(actor=permit.actor.subject, offer_id=offer_id)
    passed = await _commands(helpline).update(
        conversation_id,
        contract.PASS_CONVERSATION,
        request,
        update_id=f"{contract.PASS_CONVERSATION.name}:{offer_id}:{permit.actor.subject}",
    )
    await helpline.audit(permit).record(
        AuditAction.CONVERSATION_PASS, None, f"conversation={conversation_id}"
    )
    return passed


@service(*ANSWERING)
async def read_conversation(
    helpline: Helpline, permit: Permit, conversation_id: str, since_seq: int = 0
) -> ConversationRead:
    """Where it stands and its lines after ``since_seq`` (an audited read: only the
    counsellor it is with, or offered to, or a supervisor, reads its lines)."""
    view = await _commands(helpline).query(
        conversation_id, contract.COUNSELLOR_VIEW, ViewRequest(since_seq=since_seq)
    )
    if not _may_read(permit, view):
        raise not_with_you()
    lines = await transcript_lines(helpline, conversation_id, view)
    if lines:
        await helpline.audit(permit).record(
            AuditAction.CONVERSATION_TRANSCRIPT_READ,
            view.linked_case_id,
            f"conversation={conversation_id} lines={len(lines)}",
        )
    return ConversationRead(conversation=view, lines=lines)


async def transcript_lines(
    helpline: Helpline, conversation_id: str, view: CounsellorView
) -> list[TranscriptLine]:
    """The view's messages with their bodies opened (none once the key is destroyed)."""
    try:
        bodies = await helpline.transcripts.read_messages(
            conversation_id, [line.message_id for line in view.messages]
        )
    except KeyDestroyed:
        bodies = {}
    lines = [
        TranscriptLine(
            seq=m.seq,
            author=m.author_kind,
            at=m.at,
            body=bodies.get(m.message_id),
            internal=m.internal,
            delivery=m.delivery,
            channel_status=m.channel_status,
        )
        for m in view.messages
    ]
    return lines


def not_with_you() -> RequestRejected:
    return RequestRejected(
        [
            Problem(
                loc=("path", "conversation_id"),
                msg="conversation_id: this conversation is with another counsellor",
                type="not_with_you",
                code="not_with_you",
            )
        ]
    )


def _may_read(permit: Permit, view: CounsellorView) -> bool:
    me = permit.actor.subject
    if permit.actor.role is Role.SUPERVISOR:
        return True
    return view.counsellor_id == me or (view.offer is not None and view.offer.counsellor_id == me)


@service(*ANSWERING)
async def reply(
    helpline: Helpline, permit: Permit, conversation_id: str, body: str, key: str, now: datetime
) -> MessageAccepted:
    """Answer the young person; delivered on their channel, retried as it needs.
    Outside a channel's window only an approved template's text goes."""
    me = permit.actor.subject
    await refuse_outside_window(helpline, conversation_id, body, now)
    try:
        stored = await helpline.transcripts.store_message(
            conversation_id, key, body, AuthorKind.COUNSELLOR, now, author=me
        )
    except KeyReused:
        raise RequestRejected(
            [
                Problem(
                    loc=KEY_FIELD,
                    msg="Idempotency-Key: already used for another message",
                    type="idempotency_key_reused",
                    code="idempotency_key_reused",
                )
            ]
        ) from None
    except ConversationClosed:
        raise ConversationOver(f"conversation {conversation_id} is over") from None
    try:
        accepted = await _commands(helpline).update(
            conversation_id,
            contract.COUNSELLOR_REPLIES,
            CounsellorReplies(actor=me, message=stored.ref),
            update_id=f"{contract.COUNSELLOR_REPLIES.name}:{stored.ref.key_digest}",
        )
    except RequestRejected as rejected:
        if over(rejected):
            raise ConversationOver(f"conversation {conversation_id} is over") from None
        raise
    await helpline.typing.stopped(conversation_id, AuthorKind.COUNSELLOR)
    await helpline.audit(permit).record(
        AuditAction.CONVERSATION_REPLY,
        None,
        f"conversation={conversation_id} seq={accepted.seq}",
        key=key,
    )
    return accepted


@service(*ANSWERING)
async def end_chat(helpline: Helpline, permit: Permit, conversation_id: str) -> CounsellorView:
    """Close the chat (the young person is told); the wrap-up follows."""
    view = await _commands(helpline).update(
        conversation_id,
        contract.END_CHAT,
        EndChatRequest(actor=permit.actor.subject),
        update_id=f"{contract.END_CHAT.name}:{conversation_id}",
    )
    await helpline.audit(permit).record(
        AuditAction.CONVERSATION_END, view.linked_case_id, f"conversation={conversation_id}"
    )
    return view


@service(*ANSWERING)
async def wrap_up(
    helpline: Helpline, permit: Permit, conversation_id: str, outcome: ConversationOutcome
) -> CounsellorView:
    """The wrap-up's category (statistics, no free text); the conversation ends."""
    view = await _commands(helpline).update(
        conversation_id,
        contract.WRAP_UP,
        WrapUpRequest(actor=permit.actor.subject, outcome=outcome),
        update_id=f"{contract.WRAP_UP.name}:{conversation_id}",
    )
    await helpline.audit(permit).record(
        AuditAction.CONVERSATION_WRAP_UP,
        view.linked_case_id,
        f"conversation={conversation_id} outcome={outcome.value}",
    )
    return view
