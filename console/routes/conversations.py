"""The counsellor's conversations screen, beside the worklist: their presence, the
offers waiting for them (accept, pass), the conversations with them as tabs, the one
open with its live transcript and reply box, and from it a case opened or attached,
the chat closed and wrapped up. Thin doors over ``application.conversations``: the
rules, the audit lines and the workflow calls are the services'.

Its live parts (the desk, the held transcript, the heartbeat) are in
``console.routes.conversation_live``."""

import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from application.conversations import case_link, channel_window, transfer
from application.conversations import counsellor as desk
from application.conversations.counsellor import ConversationRead
from application.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    RequestRejected,
    Unavailable,
)
from console.forms import Drawn, FieldErrors, FormData, first, from_problems, refused
from console.i18n import N_
from console.refusal_words import FIELD_ERRORS, REFUSALS
from console.routes.contact_search import earlier_contact
from console.routes.conversation_news_state import news_of
from console.web import Page, Posted, SignedIn, idempotency_key
from console.web_rules import CaseRefused, permit
from domain.conversation import CONVERSATION_ID_PATTERN, MAX_MESSAGE_CHARS
from domain.conversation_desk import ConversationOutcome, CounsellorView, TransferTo
from domain.conversation_queue import CounsellorDesk, CounsellorPresenceView, Presence
from domain.intake import Channel
from relais.clock import utc_now

router = APIRouter(prefix="/console/conversations")

ConversationId = Annotated[str, Path(pattern=CONVERSATION_ID_PATTERN)]
Chosen = Annotated[str | None, Query(alias="c", pattern=CONVERSATION_ID_PATTERN)]
DONE = {
    "presence": N_("Presence saved."),
    "accepted": N_("Conversation taken: the young person is told."),
    "passed": N_("Offer passed to a colleague."),
    "ended": N_("Chat closed: write the wrap-up."),
    "wrapped": N_("Wrap-up recorded: the conversation has ended."),
    "attached": N_("The conversation joined the case."),
    "news": N_("Their answer is recorded: news of the case follow it, here."),
    "news_asked": N_("Question sent: their answer will appear in the conversation."),
    "transferred": N_("Handed over: it stays with you until your colleague takes it."),
    "media_added": N_("File added to the case's evidence."),
    "media_hashes": N_("Intimate image: only its fingerprints were kept, not the image."),
}
NEWS_CHANNELS = (Channel.WHATSAPP, Channel.MESSENGER)  # the web chat cannot reach them later
OVER = N_("This conversation has ended, or the offer was taken or has lapsed.")


async def desk_of(p: Page) -> CounsellorDesk | None:
    try:
        return await desk.my_desk(p.helpline, await permit(p, desk.my_desk))
    except NotFound:  # nobody of the helpline has set a presence yet today
        return None


async def read_of(
    p: Page, cid: str, since: int = 0, seen: CounsellorView | None = None
) -> ConversationRead | None:
    try:
        return await desk.read_conversation(
            p.helpline, await permit(p, desk.read_conversation), cid, since, seen=seen
        )
    except (NotFound, RequestRejected):
        return None


async def _who_can_take(
    p: Page, read: ConversationRead | None
) -> list[CounsellorPresenceView] | None:
    """Whom the open conversation may be handed to (None: the queue did not say)."""
    if read is None or read.conversation.status.value != "active":
        return []
    try:
        return await transfer.who_can_take(p.helpline, await permit(p, transfer.who_can_take))
    except Unavailable:
        return None


async def _reply_options(
    p: Page, read: ConversationRead | None
) -> channel_window.ReplyOptions | None:
    """The channel's window and its approved templates (None: nothing to offer)."""
    if read is None or read.conversation.status.value != "active":
        return None
    service = channel_window.reply_options
    try:
        found = await service(
            p.helpline, await permit(p, service), read.conversation.conversation_id, utc_now()
        )
    except Unavailable:
        return None
    return found if found.templates else None


async def screen(
    p: Page, chosen: str | None, failed: Drawn | None = None, status_code: int = 200
) -> Response:
    mine = await desk_of(p)
    open_one = await read_of(p, chosen) if chosen else None
    takers = await _who_can_take(p, open_one)
    earlier = await earlier_contact(p, open_one)
    options = await _reply_options(p, open_one)
    done = DONE.get(p.request.query_params.get("done") or "")
    return p.render(
        "conversations.html",
        status_code=status_code,
        title=N_("Conversations"),
        back="/console/conversations",
        failed=failed,
        desk=mine,
        chosen=chosen,
        read=open_one,
        state=state_of(open_one) if open_one else "",
        done=done,
        refusals=_not_drawn(failed, open_one),
        presences=list(Presence),
        outcomes=list(ConversationOutcome),
        takers=takers,
        earlier=earlier,
        reply_options=options,
        taker_choices=lambda found: [(c.counsellor_id, _taker(p, c)) for c in found],
        transfer_roles=list(TransferTo),
        heartbeat_seconds=int(p.settings.conversation_policy().presence_ttl.total_seconds() // 3),
        max_chars=MAX_MESSAGE_CHARS,
        news_channels=NEWS_CHANNELS,
        news=await news_of(p, open_one),
    )


TAKER = N_("%(name)s (%(n)s of %(capacity)s conversations)")


def _taker(p: Page, colleague: CounsellorPresenceView) -> str:
    return p.gettext(TAKER) % {
        "name": colleague.counsellor_id,
        "n": colleague.conversations,
        "capacity": colleague.capacity,
    }


def _not_drawn(failed: Drawn | None, read: ConversationRead | None) -> list[str]:
    """A refusal of a form the screen no longer draws (an offer gone, a conversation
    over), said at the top of the screen."""
    if failed is None:
        return []
    drawn = {"presence"}
    if read is not None:
        view = read.conversation
        status = view.status.value
        drawn |= {"active": {"reply", "end", "transfer"}, "wrapping_up": {"wrap-up"}}.get(
            status, set()
        )
        if status in ("active", "wrapping_up") and view.linked_case_id is None:
            drawn.add("attach")
        elif status in ("active", "wrapping_up") and view.channel in NEWS_CHANNELS:
            drawn |= {"news", "news-ask"}
        drawn |= {f"media-{line.seq}" for line in read.lines if line.channel_media}
    return [] if failed.id in drawn else failed.errors.general


@router.get("")
async def conversations(p: SignedIn, c: Chosen = None) -> Response:
    return await screen(p, c)


Run = Callable[[], Awaitable[object]]


async def _act(fields: list[str], run: Run) -> tuple[FieldErrors, int] | None:
    """Run the action; None when done, else what to say beside which field."""
    errors = FieldErrors()
    try:
        await run()
    except CaseRefused:
        errors.by_field["case_id"] = [REFUSALS["forbidden"]]
        return errors, 403
    except RequestRejected as rejection:
        return from_problems(rejection.problems, fields), 422
    except Conflict:
        errors.general.append(OVER)
        return errors, 409
    except NotFound:
        if "case_id" in fields:
            errors.by_field["case_id"] = [REFUSALS["not_found"]]
        else:
            errors.general.append(REFUSALS["not_found"])
        return errors, 404
    except Forbidden:
        errors.general.append(REFUSALS["forbidden"])
        return errors, 403
    except DomainError:
        errors.general.append(REFUSALS["unavailable"])
        return errors, 503
    return None


async def answer_form(
    p: Page,
    chosen: str | None,
    form_id: str,
    form: FormData,
    fields: list[str],
    run: Run,
    done: str,
) -> Response:
    refusal = await _act(fields, run)
    if refusal is None:
        query = {"done": done, **({"c": chosen} if chosen else {})}
        return p.redirect("/conversations", **query)
    errors, status = refusal
    return await screen(p, chosen, refused(form_id, form, errors), status)


@router.post("/presence")
async def set_presence(p: SignedIn, form: Posted) -> Response:
    allowed = await permit(p, desk.set_presence)
    chosen = first(form, "c") or None
    errors = FieldErrors()
    presence = first(form, "presence")
    capacity = first(form, "capacity").strip() or "2"
    if presence not in {v.value for v in Presence}:
        errors.by_field["presence"] = [FIELD_ERRORS["enum"]]
    if not capacity.isdigit() or not 1 <= int(capacity) <= 20:
        errors.by_field["capacity"] = [FIELD_ERRORS["int_parsing"]]
    if errors:
        return await screen(p, chosen, refused("presence", form, errors), 422)

    async def run() -> None:
        await desk.set_presence(p.helpline, allowed, Presence(presence), capacity=int(capacity))

    return await answer_form(p, chosen, "presence", form, ["capacity"], run, "presence")


@router.post("/{cid}/accept")
async def accept(p: SignedIn, cid: ConversationId, form: Posted) -> Response:
    allowed = await permit(p, desk.accept_offer)

    async def run() -> None:
        await desk.accept_offer(p.helpline, allowed, cid, first(form, "offer_id"))

    refusal = await _act([], run)
    if refusal is None:
        return p.redirect("/conversations", c=cid, done="accepted")
    return await screen(p, None, refused(f"offer-{cid}", form, refusal[0]), refusal[1])


@router.post("/{cid}/pass")
async def pass_offer(p: SignedIn, cid: ConversationId, form: Posted) -> Response:
    allowed = await permit(p, desk.pass_offer)

    async def run() -> None:
        await desk.pass_offer(p.helpline, allowed, cid, first(form, "offer_id"))

    return await answer_form(p, None, f"offer-{cid}", form, [], run, "passed")


@router.post("/{cid}/replies")
async def reply(p: SignedIn, cid: ConversationId, form: Posted) -> Response:
    allowed = await permit(p, desk.reply)
    text = first(form, "body")
    if not text.strip() or len(text) > MAX_MESSAGE_CHARS:
        errors = FieldErrors()
        kind = "missing" if not text.strip() else "string_too_long"
        errors.by_field["body"] = [FIELD_ERRORS[kind]]
        return await screen(p, cid, refused("reply", form, errors), 422)
    key = idempotency_key(form) or f"console-{utc_now().timestamp()}"

    async def run() -> None:
        await desk.reply(p.helpline, allowed, cid, text, key, utc_now())

    refusal = await _act(["body"], run)
    if refusal is None:
        return p.redirect("/conversations", c=cid)
    return await screen(p, cid, refused("reply", form, refusal[0]), refusal[1])


@router.post("/{cid}/end")
async def end_chat(p: SignedIn, cid: ConversationId, form: Posted) -> Response:
    allowed = await permit(p, desk.end_chat)

    async def run() -> None:
        await desk.end_chat(p.helpline, allowed, cid)

    return await answer_form(p, cid, "end", form, [], run, "ended")


@router.post("/{cid}/wrap-up")
async def wrap_up(p: SignedIn, cid: ConversationId, form: Posted) -> Response:
    allowed = await permit(p, desk.wrap_up)
    outcome = first(form, "outcome")
    if outcome not in {v.value for v in ConversationOutcome}:
        errors = FieldErrors()
        errors.by_field["outcome"] = [FIELD_ERRORS["enum"]]
        return await screen(p, cid, refused("wrap-up", form, errors), 422)

    async def run() -> None:
        await desk.wrap_up(p.helpline, allowed, cid, ConversationOutcome(outcome))

    return await answer_form(p, cid, "wrap-up", form, [], run, "wrapped")


TRANSFER_FIELDS = ["to", "to_role", "note"]


@router.post("/{cid}/transfer")
async def hand_over(p: SignedIn, cid: ConversationId, form: Posted) -> Response:
    """To a colleague or a supervisor available now, with a note the young person
    never sees; it stays with this counsellor until the colleague takes it."""
    allowed = await permit(p, transfer.transfer_conversation)
    to, role, note = first(form, "to").strip(), first(form, "to_role"), first(form, "note")
    errors = FieldErrors()
    if not to:
        errors.by_field["to"] = [FIELD_ERRORS["missing"]]
    elif not re.fullmatch(r"\S{1,128}", to):
        errors.by_field["to"] = [FIELD_ERRORS["string_pattern_mismatch"]]
    if role not in {v.value for v in TransferTo}:
        errors.by_field["to_role"] = [FIELD_ERRORS["enum"]]
    if len(note) > MAX_MESSAGE_CHARS:
        errors.by_field["note"] = [FIELD_ERRORS["string_too_long"]]
    if errors:
        return await screen(p, cid, refused("transfer", form, errors), 422)
    key = idempotency_key(form)

    async def run() -> None:
        await transfer.transfer_conversation(
            p.helpline, allowed, cid, to, TransferTo(role), note.strip() or None, key, utc_now()
        )

    return await answer_form(p, cid, "transfer", form, TRANSFER_FIELDS, run, "transferred")


CASE_ID = r"^[A-Za-z0-9_-]{1,64}$"


@router.post("/{cid}/attach")
async def attach(p: SignedIn, cid: ConversationId, form: Posted) -> Response:
    case_id = first(form, "case_id").strip()
    errors = FieldErrors()
    if not case_id:
        errors.by_field["case_id"] = [FIELD_ERRORS["missing"]]
    elif not _case_id_ok(case_id):
        errors.by_field["case_id"] = [FIELD_ERRORS["string_pattern_mismatch"]]
    if errors:
        return await screen(p, cid, refused("attach", form, errors), 422)

    async def run() -> None:
        allowed = await permit(p, case_link.attach_conversation, case_id)
        await case_link.attach_conversation(p.helpline, allowed, cid)

    return await answer_form(p, cid, "attach", form, ["case_id"], run, "attached")


def _case_id_ok(case_id: str) -> bool:
    return re.fullmatch(CASE_ID, case_id) is not None


def context_of(read: ConversationRead | None) -> dict[str, Any]:
    """What the new case form takes from the pre-chat form (empty when not readable)."""
    if read is None:
        return {}
    channel, caller_role, age_band = case_link.prefilled(read.conversation)
    return {
        "channel": [channel.value],
        "caller_role": [caller_role.value],
        "age_band": [age_band.value],
    }


async def prefill(p: Page, cid: str) -> dict[str, Any]:
    """The new case form's values for a case opened from conversation ``cid``."""
    return context_of(await read_of(p, cid, case_link.NO_MESSAGES.since_seq))


def state_of(read: ConversationRead) -> str:
    return screen_state(read.conversation)


def screen_state(view: CounsellorView) -> str:
    # What the channel said of the answers (counts only): a change redraws the transcript.
    marks = view.deliveries
    return f"{view.status.value}-{int(view.young_person_left)}-{view.linked_case_id or ''}-{marks}"
