"""The counsellor's side of conversations (``application.conversations.counsellor``):
their desk (presence, capacity, offers), an offer accepted or passed, a conversation
read (audited), answered, closed and wrapped up. Thin doors: the rules, the audit
line and the contract call are the services'."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from api.doors import CaseId, HelplineDep, permitted
from api.idempotency import ActionKey
from api.routes.evidence import refused
from api.schemas.cases import CaseLinks, CaseRead
from application.acting import Permit
from application.conversations import (
    case_link,
    channel_media,
    channel_window,
    news_question,
    transfer,
)
from application.conversations import counsellor as desk
from application.conversations.counsellor import ConversationRead
from application.evidence import EvidenceLine
from application.requests.opening import CaseCreate
from domain.conversation import CONVERSATION_ID_PATTERN, MAX_MESSAGE_CHARS, MessageAccepted
from domain.conversation_desk import ConversationOutcome, CounsellorView, OfferPassed, TransferTo
from domain.conversation_queue import CounsellorDesk, Presence
from domain.evidence import EvidenceRefused
from relais.clock import utc_now

router = APIRouter(prefix="/conversations", tags=["conversations"])
on_case = APIRouter(prefix="/cases/{case_id}", tags=["conversations"])

ConversationId = Annotated[
    str, Path(pattern=CONVERSATION_ID_PATTERN, description="The conversation's id")
]


def _message(description: str) -> dict[str, Any]:
    return {"description": description}


Answers = dict[int | str, dict[str, Any]]
LATE: Answers = {503: _message("Temporal did not answer in time; send it again (it is done once)")}
OVER: Answers = {409: _message("The conversation is over, or the offer was taken or has lapsed")}
NO_QUEUE: Answers = {
    404: _message("Nobody of the helpline has set a presence yet: set yours first")
}
NOT_YOURS: Answers = {422: _message("The conversation is with another counsellor (`not_with_you`)")}


class PresenceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    presence: Presence
    capacity: int | None = Field(
        default=None, ge=1, le=20, description="Conversations at once; none: keep (default 2)"
    )
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] | None = Field(
        default=None, max_length=10, description="ISO 639-1 codes; none: keep; []: any"
    )


class OfferAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    offer_id: str = Field(min_length=1, max_length=128)


class ReplyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS, pattern=r"\S")


class WrapUpCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: ConversationOutcome


@router.get("/desk", responses={**NO_QUEUE, **LATE})
async def my_desk(
    permit: Annotated[Permit, permitted(desk.my_desk)], helpline: HelplineDep
) -> CounsellorDesk:
    """Their presence, the conversations with them and the offers made to them (404
    until someone of the helpline has set a presence today)."""
    return await desk.my_desk(helpline, permit)


@router.post("/desk/presence", responses={**LATE})
async def set_presence(
    permit: Annotated[Permit, permitted(desk.set_presence)],
    body: PresenceUpdate,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> CounsellorDesk:
    """Available, busy or away, and how many conversations at once."""
    return await desk.set_presence(
        helpline, permit, body.presence, capacity=body.capacity, languages=body.languages
    )


@router.post(
    "/desk/heartbeat", status_code=status.HTTP_204_NO_CONTENT, responses={**NO_QUEUE, **LATE}
)
async def still_here(
    permit: Annotated[Permit, permitted(desk.still_here)],
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> Response:
    """The console is still open: their presence holds (sent every few seconds)."""
    await desk.still_here(helpline, permit)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{conversation_id}/accept", responses={**OVER, **LATE})
async def accept_offer(
    conversation_id: ConversationId,
    permit: Annotated[Permit, permitted(desk.accept_offer)],
    body: OfferAnswer,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> CounsellorView:
    """Take the conversation offered to them."""
    return await desk.accept_offer(helpline, permit, conversation_id, body.offer_id)


@router.post("/{conversation_id}/pass", responses={**OVER, **LATE})
async def pass_offer(
    conversation_id: ConversationId,
    permit: Annotated[Permit, permitted(desk.pass_offer)],
    body: OfferAnswer,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> OfferPassed:
    """Not now: the offer goes to the next counsellor at once."""
    return await desk.pass_offer(helpline, permit, conversation_id, body.offer_id)


@router.get("/{conversation_id}", responses={**NOT_YOURS, **OVER, **LATE})
async def read_conversation(
    conversation_id: ConversationId,
    permit: Annotated[Permit, permitted(desk.read_conversation)],
    helpline: HelplineDep,
    since_seq: Annotated[int, Query(ge=0, le=1_000_000, description="Lines after this")] = 0,
) -> ConversationRead:
    """Where it stands and its lines (personal data: an audited read)."""
    return await desk.read_conversation(helpline, permit, conversation_id, since_seq)


@router.get("/{conversation_id}/reply-options", responses={**OVER, **LATE})
async def reply_options(
    conversation_id: ConversationId,
    permit: Annotated[Permit, permitted(channel_window.reply_options)],
    helpline: HelplineDep,
) -> channel_window.ReplyOptions:
    """Whether the channel's window is open (WhatsApp: 24 h after they last wrote) and
    the approved templates: outside the window, reply with a template's ``text``."""
    return await channel_window.reply_options(helpline, permit, conversation_id, utc_now())


OUTSIDE_WINDOW: Answers = {
    422: _message(
        "Free text outside the channel's window (`outside_window`): reply with an approved "
        "template's text (see reply-options)"
    )
}


@router.post(
    "/{conversation_id}/replies",
    status_code=status.HTTP_201_CREATED,
    responses={**OVER, **LATE, **OUTSIDE_WINDOW},
)
async def reply(
    conversation_id: ConversationId,
    permit: Annotated[Permit, permitted(desk.reply)],
    body: ReplyCreate,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> MessageAccepted:
    """Answer the young person (sent on their channel). Send an Idempotency-Key: a
    retry under it is the same reply."""
    key = idempotency_key or uuid.uuid4().hex
    return await desk.reply(helpline, permit, conversation_id, body.body, key, utc_now())


@router.post(
    "/{conversation_id}/news-question",
    status_code=status.HTTP_201_CREATED,
    responses={
        **OVER,
        **LATE,
        422: _message(
            "Not linked to a case (`not_linked`), not on WhatsApp or Messenger "
            "(`no_news_channel`), or they last wrote more than 24 hours ago "
            "(`question_outside_window`)"
        ),
    },
)
async def ask_news_question(
    conversation_id: ConversationId,
    permit: Annotated[Permit, permitted(news_question.ask_news_question)],
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> MessageAccepted:
    """Send the young person the question about news of their case with two buttons
    ("Oui, prévenez-moi" / "Non merci", in their language); their tap is recorded as
    their answer. Send an Idempotency-Key: a retry under it sends it once."""
    key = idempotency_key or uuid.uuid4().hex
    return await news_question.ask_news_question(helpline, permit, conversation_id, key, utc_now())


@router.post("/{conversation_id}/end", responses={**NOT_YOURS, **OVER, **LATE})
async def end_chat(
    conversation_id: ConversationId,
    permit: Annotated[Permit, permitted(desk.end_chat)],
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> CounsellorView:
    """Close the chat (the young person is told); the wrap-up follows."""
    return await desk.end_chat(helpline, permit, conversation_id)


@router.post("/{conversation_id}/wrap-up", responses={**OVER, **LATE})
async def wrap_up(
    conversation_id: ConversationId,
    permit: Annotated[Permit, permitted(desk.wrap_up)],
    body: WrapUpCreate,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> CounsellorView:
    """The wrap-up's category; the conversation ends."""
    return await desk.wrap_up(helpline, permit, conversation_id, body.outcome)


class TransferCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: str = Field(
        min_length=1, max_length=128, pattern=r"^\S+$", description="The colleague's id"
    )
    to_role: TransferTo = TransferTo.COLLEAGUE
    note: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_MESSAGE_CHARS,
        pattern=r"\S",
        description="For the colleague only: an internal line of the transcript, never sent",
    )


@router.post("/{conversation_id}/transfer", responses={**NOT_YOURS, **OVER, **LATE})
async def transfer_conversation(
    conversation_id: ConversationId,
    permit: Annotated[Permit, permitted(transfer.transfer_conversation)],
    body: TransferCreate,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> CounsellorView:
    """Hand the conversation over to a colleague or a supervisor, with a note for
    them: it stays with you until they accept it from their desk (the transfer is an
    offer there), and stays with you if they do not. Only the counsellor it is with,
    or a supervisor. A retry under the same Idempotency-Key is the same transfer."""
    return await transfer.transfer_conversation(
        helpline,
        permit,
        conversation_id,
        body.to,
        body.to_role,
        body.note,
        idempotency_key,
        utc_now(),
    )


@router.post(
    "/{conversation_id}/case",
    status_code=status.HTTP_201_CREATED,
    responses={**NOT_YOURS, **OVER, **LATE},
)
async def open_case_from_conversation(
    conversation_id: ConversationId,
    permit: Annotated[Permit, permitted(case_link.open_case_from_conversation)],
    body: CaseCreate,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> CaseRead:
    """Open a case for the young person in the conversation (the case's channel is the
    conversation's) and link the conversation to it: its transcript moves under the
    case's key. A retry under the same Idempotency-Key is the same case."""
    opened = await case_link.open_case_from_conversation(
        helpline, permit, conversation_id, body, idempotency_key
    )
    return CaseRead(
        case_id=opened.case_id,
        workflow_id=opened.workflow_id,
        status=opened.status,
        urgency=opened.urgency,
        opened_at=opened.opened_at,
        links=CaseLinks.for_case(opened.case_id),
    )


class AttachCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: str = Field(pattern=CONVERSATION_ID_PATTERN)


@on_case.post("/conversations", responses={**NOT_YOURS, **OVER, **LATE})
async def attach_conversation(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(case_link.attach_conversation)],
    body: AttachCreate,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> CounsellorView:
    """The conversation (with you) joins this case as one more contact of it."""
    return await case_link.attach_conversation(helpline, permit, body.conversation_id)


@router.post(
    "/{conversation_id}/lines/{seq}/evidence",
    status_code=status.HTTP_201_CREATED,
    responses={
        **LATE,
        404: _message("No such line in the conversation"),
        410: _message(
            "WhatsApp or Messenger no longer has the file (`media_gone`): ask the young "
            "person to send it again, or send them an upload link"
        ),
        413: _message("The file is over the policy's limit (`evidence_too_large`)"),
        415: _message("A file type not taken (`evidence_unsupported_type`)"),
        422: _message(
            "Not a file the young person sent on WhatsApp or Messenger (`not_a_media`), "
            "the conversation not linked to a case yet (`no_case_yet`), with another "
            "counsellor (`not_with_you`), or an empty, truncated or corrupt file"
        ),
    },
)
async def add_media_to_evidence(
    conversation_id: ConversationId,
    seq: Annotated[int, Path(ge=1, le=1_000_000, description="The line of the file")],
    permit: Annotated[Permit, permitted(channel_media.add_media_to_evidence)],
    helpline: HelplineDep,
    intimate: Annotated[
        bool,
        Query(
            description="Is it an intimate image? If so only its hashes are kept, its "
            "bytes never written anywhere"
        ),
    ],
) -> EvidenceLine:
    """A file the young person sent on WhatsApp or Messenger (line ``seq``), fetched
    from Meta now and added to the linked case's evidence (audited `evidence.add`).
    Done once per line: a second call answers the same evidence, fetching nothing."""
    try:
        return await channel_media.add_media_to_evidence(
            helpline, permit, conversation_id, seq, intimate=intimate, at=utc_now()
        )
    except EvidenceRefused as err:
        raise refused(err) from None
