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
from application.conversations.deliveries import with_deliveries
from application.conversations.files import added_media, is_file_line
from application.errors import Problem, RequestRejected, Unavailable, key_reused
from application.errors import temporal_unavailable as _late
from application.helpline import Helpline
from application.rejections import problems_from
from domain import contract
from domain.audit_actions import AuditAction
from domain.channel_messages import ChannelDeliveryState
from domain.conversation import AuthorKind, Delivery, MessageAccepted, MessageRef, ViewRequest
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
    file_sent: bool = Field(
        default=False,
        description="The young person sent a file from the chat, or on WhatsApp or "
        "Messenger and the counsellor added it: it is in the linked case's evidence (the "
        "line says its type and size, never shows it)",
    )
    media_added: bool = Field(
        default=False,
        description="A file sent on WhatsApp or Messenger that the counsellor added to the "
        "case's evidence (file_sent is true too)",
    )
    channel_media: bool = Field(
        default=False,
        description="A file the young person sent on WhatsApp or Messenger, still at the "
        "channel: the counsellor may add it to the case's evidence (saying whether it is "
        "an intimate image)",
    )


class ConversationRead(BaseModel):
    """Where a conversation stands, and its lines after ``since_seq``."""

    conversation: CounsellorView
    lines: list[TranscriptLine]


def _commands(helpline: Helpline) -> ConversationCommands:
    return ConversationCommands(helpline.client, helpline.settings.task_queue)


async def counsellor_line(
    helpline: Helpline, conversation_id: str, me: str, message: MessageRef
) -> MessageAccepted:
    """A counsellor's line, sealed in the store already, told to the conversation under
    an update id of its key (the same line again runs once); the conversation over:
    :class:`ConversationOver`."""
    try:
        return await _commands(helpline).update(
            conversation_id,
            contract.COUNSELLOR_REPLIES,
            CounsellorReplies(actor=me, message=message),
            update_id=f"{contract.COUNSELLOR_REPLIES.name}:{message.key_digest}",
        )
    except RequestRejected as rejected:
        if over(rejected):
            raise ConversationOver(f"conversation {conversation_id} is over") from None
        raise


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
async def conversation_now(
    helpline: Helpline, permit: Permit, conversation_id: str
) -> CounsellorView:
    """Where it stands and which lines it holds, by id (no text: nothing read, nothing
    audited), for a screen that waits on a change; :func:`read_conversation` with
    ``seen`` opens its lines without asking the workflow again. Only the counsellor it
    is with, or offered to, or a supervisor."""
    view = await _commands(helpline).query(
        conversation_id, contract.COUNSELLOR_VIEW, ViewRequest(since_seq=0)
    )
    if not _may_read(permit, view):
        raise not_with_you()
    return await with_deliveries(helpline, view)


@service(*ANSWERING)
async def read_conversation(
    helpline: Helpline,
    permit: Permit,
    conversation_id: str,
    since_seq: int = 0,
    *,
    seen: CounsellorView | None = None,
) -> ConversationRead:
    """Where it stands and its lines after ``since_seq`` (an audited read: only the
    counsellor it is with, or offered to, or a supervisor, reads its lines);
    ``seen``: its view just read by :func:`conversation_now` (every line), opened as
    it is: one query to the workflow per change a screen shows, not two."""
    if seen is not None and seen.conversation_id == conversation_id:
        view = seen.model_copy(update={"messages": [m for m in seen.messages if m.seq > since_seq]})
    else:
        view = await _commands(helpline).query(
            conversation_id, contract.COUNSELLOR_VIEW, ViewRequest(since_seq=since_seq)
        )
        view = await with_deliveries(helpline, view)
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
    theirs = [m.message_id for m in view.messages if m.author_kind is AuthorKind.YOUNG_PERSON]
    media = await helpline.transcripts.with_media(conversation_id, theirs) if theirs else set()
    added = await added_media(helpline, view, sorted(media))
    lines = [
        TranscriptLine(
            seq=m.seq,
            author=m.author_kind,
            at=m.at,
            body=bodies.get(m.message_id),
            internal=m.internal,
            delivery=m.delivery,
            channel_status=m.channel_status,
            file_sent=m.message_id in added
            or (
                m.author_kind is AuthorKind.YOUNG_PERSON and is_file_line(bodies.get(m.message_id))
            ),
            media_added=m.message_id in added,
            channel_media=m.message_id in media and m.message_id not in added,
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
    async with helpline.pulses.line_in_flight(conversation_id):
        try:
            stored = await helpline.transcripts.store_message(
                conversation_id, key, body, AuthorKind.COUNSELLOR, now, author=me
            )
        except KeyReused:
            raise key_reused("message") from None
        except ConversationClosed:
            raise ConversationOver(f"conversation {conversation_id} is over") from None
        accepted = await counsellor_line(helpline, conversation_id, me, stored.ref)
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
    return await with_deliveries(helpline, view)


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
    return await with_deliveries(helpline, view)
