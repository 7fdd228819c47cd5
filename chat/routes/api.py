"""The chat's JSON endpoints, called by its page's script (``/chat/api``, in the
OpenAPI description under "web chat"). The session cookie says which conversation;
a missing, forged or expired one is a 401 naming the cookie. Every other refusal
comes from the service as it is (422 naming the field, 409 over, 429 with
``Retry-After``, 503 Temporal late), answered by the API's error handlers in the
API's shapes."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response, status
from pydantic import BaseModel, Field

from application.conversations import young_person as acts
from application.conversations.absence import page_closed, page_in_touch
from application.conversations.acting import YoungPerson
from application.conversations.callback_request import ask_for_callback
from application.conversations.requests import (
    CallbackCreate,
    LeaveCreate,
    MessageCreate,
    PreChatForm,
)
from application.conversations.starting import start_conversation
from application.conversations.young_person_reads import YoungPersonUpdate, young_person_reads
from application.errors import DomainError
from application.permits import Callers
from chat.web import (
    YoungPersonDep,
    callers,
    helpline_of,
    keep_or_forget,
    now,
    session_of,
    sessions_of,
)
from domain.conversation import ConversationStatus, LeaveReason, MessageAccepted

router = APIRouter(prefix="/chat/api", tags=["web chat"])

KEY_HEADER = "Idempotency-Key"


def _message(description: str) -> dict[str, Any]:
    return {"description": description}


NO_SESSION: dict[int | str, dict[str, Any]] = {
    401: _message("No chat session, or a forged or expired one (the cookie is named)"),
}
SESSION: dict[int | str, dict[str, Any]] = {
    **NO_SESSION,
    404: _message("The session names a conversation that is not there (any more)"),
}
LATE: dict[int | str, dict[str, Any]] = {
    503: _message("Temporal did not answer in time; send it again (it is done once)")
}


class ChatStarted(BaseModel):
    status: ConversationStatus = Field(description="waiting; missed outside opening hours")
    opens_at: datetime | None = Field(default=None, description="Missed: the next opening")


class Left(BaseModel):
    status: ConversationStatus


class CallbackArrangedView(BaseModel):
    status: Literal[ConversationStatus.CALLBACK_REQUESTED] = ConversationStatus.CALLBACK_REQUESTED


class ChatStart(PreChatForm):
    keep_me: bool = Field(
        default=False, description="Recognise me next time (a returning token, HttpOnly cookie)"
    )


@router.post(
    "/conversations",
    status_code=status.HTTP_201_CREATED,
    dependencies=[callers(Callers.PUBLIC)],
    responses={**LATE},
)
async def start(form: ChatStart, request: Request, response: Response) -> ChatStarted:
    """The pre-chat form: who is writing, the age band, the privacy notice accepted.
    Starts a conversation and sets the session cookie (HttpOnly): its id is never
    shown. Outside opening hours it is missed at once (``opens_at``). ``keep_me``:
    recognised next time (a returning token in an HttpOnly cookie; its keyed hash
    only in the database); without it, that cookie goes."""
    at = now()
    helpline = helpline_of(request)
    earlier = session_of(request, at).conversation_id
    if earlier is not None:  # a new conversation replaces the one this page had
        try:
            await acts.young_person_leaves(helpline, YoungPerson(earlier), LeaveReason.LEFT, at)
        except DomainError:
            pass  # long over, or never started: nothing to leave
    pre_chat = PreChatForm.model_validate(form.model_dump(exclude={"keep_me"}))
    started = await start_conversation(helpline, pre_chat, at)
    sessions_of(request).write(response, started.young_person.conversation_id, at)
    cid = started.young_person.conversation_id
    await keep_or_forget(request, response, helpline, cid, form.keep_me, at)
    return ChatStarted(status=started.status, opens_at=started.opens_at)


@router.get("/updates", responses={**SESSION, **LATE})
async def updates(
    who: YoungPersonDep,
    request: Request,
    after: Annotated[int, Query(ge=0, le=1_000_000, description="The last seq shown")] = 0,
) -> YoungPersonUpdate:
    """Where the conversation stands and the lines after ``after`` (the page's poll,
    when its live stream cannot stay open)."""
    at = now()
    helpline = helpline_of(request)
    await page_in_touch(helpline, who, at)
    return await young_person_reads(helpline, who, after, at)


@router.post(
    "/messages",
    status_code=status.HTTP_201_CREATED,
    responses={
        **SESSION,
        409: _message("The conversation is over: nothing more can be written"),
        422: {
            "description": "The body is empty or over 4,096 characters, or the "
            "Idempotency-Key was already used for another message "
            "(`code: idempotency_key_reused`; nothing was done)"
        },
        429: _message("Too many messages at once: send it again after `Retry-After` seconds"),
        **LATE,
    },
)
async def write(
    message: MessageCreate,
    who: YoungPersonDep,
    request: Request,
    key: Annotated[
        str,
        Header(
            alias=KEY_HEADER,
            min_length=1,
            max_length=200,
            description="One per message (a UUID): sent again with the same text, the "
            "message is recorded once; with another text it is refused",
        ),
    ],
) -> MessageAccepted:
    """The young person writes (while waiting, or with a counsellor)."""
    return await acts.young_person_writes(helpline_of(request), who, message, key, now())


@router.post("/typing", status_code=status.HTTP_204_NO_CONTENT, responses={**NO_SESSION})
async def typing(who: YoungPersonDep, request: Request) -> Response:
    """A keystroke: "is writing" on the counsellor's screen for a few seconds."""
    await acts.young_person_is_writing(helpline_of(request), who, now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/leave", responses={**SESSION, **LATE})
async def leave(
    who: YoungPersonDep,
    request: Request,
    response: Response,
    body: LeaveCreate | None = None,
) -> Left:
    """They leave (the leave button; the quick exit sends it as a beacon): out of the
    queue (counted as abandoned) or, with a counsellor, the chat closes. The session
    ends: a quick exit clears the cookie at once; otherwise the page, drawn once more
    to say they left, clears it."""
    reason = LeaveReason((body or LeaveCreate()).reason)
    helpline = helpline_of(request)
    left = await acts.young_person_leaves(helpline, who, reason, now())
    if reason is LeaveReason.QUICK_EXIT:
        sessions_of(request).clear(response)
    return Left(status=left)


@router.post("/away", status_code=status.HTTP_204_NO_CONTENT, responses={**NO_SESSION})
async def away(who: YoungPersonDep, request: Request) -> Response:
    """The page's ``pagehide`` beacon: closed, or reloading. Not back within
    ``RELAIS_CHAT__AWAY_GRACE_SECONDS`` while waiting, it has left the queue."""
    await page_closed(helpline_of(request), who, now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/callback",
    status_code=status.HTTP_201_CREATED,
    responses={
        **SESSION,
        409: _message(
            "Not waiting any more, or not offered yet (a callback is offered after a long wait)"
        ),
        **LATE,
    },
)
async def callback(
    body: CallbackCreate, who: YoungPersonDep, request: Request, response: Response
) -> CallbackArrangedView:
    """Rather than wait on: a number and a safe time to be called back. A case opens
    with the callback owed; the conversation ends (the page, drawn once more to say
    they will be called back, ends the session)."""
    await ask_for_callback(helpline_of(request), who, body, now())
    return CallbackArrangedView()
