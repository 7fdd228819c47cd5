"""The chat page at ``/chat``: one address whatever the conversation's state (nothing
personal in a URL), drawn by the server, working without its script; the script
makes it live and sends the same forms to the JSON endpoints instead.

- no session: the pre-chat form, or, outside opening hours, when the helpline opens
  and the emergency numbers (nothing queues);
- a session, the conversation going on: where it stands and its messages;
- a session whose conversation is over: a sentence saying so (never its messages:
  someone else may be looking at this browser later), and the session ends.
"""

import re
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from application.conversations import young_person as acts
from application.conversations.absence import page_in_touch
from application.conversations.callback_request import CallbackNotOffered, ask_for_callback
from application.conversations.commands import ConversationOver
from application.conversations.requests import CallbackCreate, MessageCreate, PreChatForm
from application.conversations.starting import helpline_hours, start_conversation
from application.conversations.young_person_reads import young_person_reads
from application.errors import NotFound, RateLimited, RequestRejected, Unavailable
from chat.forms import GENERAL, SENTENCES, Refusal, general, parse, validated
from chat.i18n import LANGUAGE_COOKIE, LANGUAGES
from chat.session import PATH, NoSession
from chat.web import AnyPage, ChatPage, keep_or_forget, same_site_form
from chat.words import AGE_WORDS, WRITERS
from domain.conversation import LeaveReason
from domain.intake import AgeBand

router = APIRouter(prefix=PATH)

UPLOAD_PAGE = re.compile(rf"{PATH}/upload/[A-Za-z0-9_-]{{20,100}}")  # its language switch
AGE_BANDS = [band for band in AgeBand if band is not AgeBand.UNKNOWN]
HOURS = list(range(0, 25))


def back_to_the_chat(p: ChatPage) -> RedirectResponse:
    return RedirectResponse(PATH, status_code=303)


async def draw(
    p: ChatPage,
    *,
    refusal: Refusal | None = None,
    typed: dict[str, Any] | None = None,
    form: str | None = None,
    status_code: int = 200,
) -> Response:
    """The page as the session's conversation stands."""
    who = p.young_person
    context: dict[str, Any] = {
        "refusal": refusal or Refusal(),
        "typed": typed or {},
        "form": form,
        "age_bands": AGE_BANDS,
        "hours": HOURS,
        "key": uuid.uuid4().hex,
        "writers": WRITERS,
        "age_words": AGE_WORDS,
        "sentences": SENTENCES,
        "general_sentences": GENERAL,
    }
    if who is not None:
        try:
            update = await young_person_reads(p.helpline, who, 0, p.at)
        except NotFound:
            who = None
        except Unavailable:
            return p.render("chat.html", 503, state="unavailable", **context)
        else:
            if update.over:
                response = p.render(
                    "chat.html", status_code, state="ended", update=update, **context
                )
                p.sessions.clear(response)
                return response
            await page_in_touch(p.helpline, who, p.at)
            response = p.render("chat.html", status_code, state="chat", update=update, **context)
            p.sessions.write(response, who.conversation_id, p.at)  # the session slides on
            return response
    hours = helpline_hours(p.helpline, p.at)
    notice = p.session.refused in (NoSession.EXPIRED, NoSession.INVALID) or (
        p.session.conversation_id is not None
    )
    state = "prechat" if hours.open_now else "closed"
    response = p.render(
        "chat.html", status_code, state=state, opens_at=hours.opens_at, notice=notice, **context
    )
    if p.session.refused is not NoSession.MISSING:
        p.sessions.clear(response)
    return response


@router.get("", include_in_schema=False)
async def chat(p: AnyPage) -> Response:
    return await draw(p)


async def _form(request: Request) -> dict[str, str]:
    """The form posted, once it comes from a page of this site (:class:`CrossSite`)."""
    same_site_form(request)
    return parse(await request.body())


@router.post("/start", include_in_schema=False)
async def start(request: Request, p: AnyPage) -> Response:
    form = await _form(request)
    values = {
        "writer": form.get("writer") or None,
        "age_band": form.get("age_band") or None,
        "privacy_notice_accepted": form.get("privacy_notice_accepted") == "1" or None,
        "language": p.language,
    }
    body, refusal = validated(PreChatForm, {k: v for k, v in values.items() if v is not None})
    if body is None:
        return await draw(p, refusal=refusal, typed=form, form="prechat", status_code=422)
    started = await start_conversation(p.helpline, body, p.at)
    response = back_to_the_chat(p)
    cid = started.young_person.conversation_id
    p.sessions.write(response, cid, p.at)
    await keep_or_forget(request, response, p.helpline, cid, form.get("keep_me") == "1", p.at)
    return response


@router.post("/write", include_in_schema=False)
async def write(request: Request, p: AnyPage) -> Response:
    form = await _form(request)
    who = p.young_person
    if who is None:
        return back_to_the_chat(p)
    message, refusal = validated(MessageCreate, {"body": form.get("body", "")})
    key = (form.get("key") or uuid.uuid4().hex)[:200]
    status = 422
    if message is not None:
        try:
            await acts.young_person_writes(p.helpline, who, message, key, p.at)
        except ConversationOver:
            return back_to_the_chat(p)
        except RateLimited:
            refusal, status = general("rate_limited"), 429
        except RequestRejected:
            refusal = general("key_reused")
        except Unavailable:
            refusal, status = general("unavailable"), 503
        else:
            return back_to_the_chat(p)
    return await draw(p, refusal=refusal, typed=form, form="composer", status_code=status)


@router.post("/leave", include_in_schema=False)
async def leave(request: Request, p: AnyPage) -> Response:
    await _form(request)
    who = p.young_person
    response = back_to_the_chat(p)
    if who is not None:
        await acts.young_person_leaves(p.helpline, who, LeaveReason.LEFT, p.at)
    return response  # the page then says they left, and ends the session


@router.post("/callback", include_in_schema=False)
async def callback(request: Request, p: AnyPage) -> Response:
    form = await _form(request)
    who = p.young_person
    if who is None:
        return back_to_the_chat(p)
    values: dict[str, Any] = {
        name: form[name]
        for name in ("phone", "first_name", "earliest_hour", "latest_hour", "instructions")
        if form.get(name, "").strip()
    }
    values["weekdays_only"] = form.get("weekdays_only") == "1"
    body, refusal = validated(CallbackCreate, values)
    status = 422
    if body is not None:
        try:
            await ask_for_callback(p.helpline, who, body, p.at)
        except ConversationOver:
            return back_to_the_chat(p)
        except CallbackNotOffered:
            refusal, status = general("not_offered"), 409
        except Unavailable:
            refusal, status = general("unavailable"), 503
        else:
            return back_to_the_chat(p)  # the page then says they will be called back
    return await draw(p, refusal=refusal, typed=form, form="callback", status_code=status)


@router.post("/language", include_in_schema=False)
async def language(request: Request, p: AnyPage) -> Response:
    form = await _form(request)
    chosen = form.get("language", "")
    back = form.get("back", "")
    response = (
        RedirectResponse(back, status_code=303)
        if UPLOAD_PAGE.fullmatch(back)
        else back_to_the_chat(p)
    )
    if chosen in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE,
            chosen,
            path=PATH,
            httponly=True,
            samesite="strict",
            secure=p.sessions.secure,
        )
    return response
