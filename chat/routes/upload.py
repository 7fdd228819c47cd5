"""The young person's upload page at ``/chat/upload/{token}``: the one-time link a
counsellor sent them (``application.upload_links``). Phone-sized, French first, the
chat's quick exit and headers (nothing cached, no referrer), working without script:
one question (is it an intimate image?) and the file. Refusals are said in their
language, in plain words: the link expired or took all its files (410), too many at
once (429, with when to try again), a file too large (413), a type not taken (415),
an empty or damaged file (422); nothing of a refused file is kept.

The token is a capability in the path: never logged (no access log; the traces and
metrics name the route's template, ``/chat/upload/{token}``)."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from application.errors import Gone, NotFound, RateLimited
from application.upload_links import (
    LinkClosed,
    UploadLinkState,
    send_through_link,
    upload_link_state,
)
from chat.forms import SENTENCES
from chat.i18n import N_
from chat.session import PATH
from chat.web import AnyPage, ChatPage, same_site_form
from domain.evidence import EvidenceRefused
from relais.db.repositories.upload_links import Refused
from relais.multipart_file import fields_then_file

router = APIRouter(prefix=f"{PATH}/upload")

Token = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{20,100}$")]

CLOSED = {
    "unknown": N_("This link does not work. Ask the helpline for a new one."),
    Refused.EXPIRED: N_("This link has expired. Ask the helpline for a new one."),
    Refused.USED_UP: N_(
        "This link has already received all the files it can take. Ask the helpline for "
        "a new one if you have more."
    ),
    "purged": N_("This link no longer works."),
}
ANSWER = SENTENCES["intimate"][""]
TOO_FAST = N_("You are sending files very fast. Wait a minute, then send this one again.")


def _closed(p: ChatPage, why: str, status: int) -> Response:
    return p.render("upload.html", status_code=status, state="closed", closed=CLOSED[why])


def _page(p: ChatPage, token: str, uses_left: int, status: int = 200, **said: object) -> Response:
    context: dict[str, object] = {
        "token": token,
        "uses_left": uses_left,
        "field_error": None,
        "general_error": None,
        "sent": None,
        "answer": None,
        "back": f"{PATH}/upload/{token}",
    }
    return p.render("upload.html", status_code=status, state="upload", **{**context, **said})


async def _link_state(p: ChatPage, token: str) -> UploadLinkState | Response:
    """The link's state, or the page saying why it no longer works."""
    try:
        return await upload_link_state(p.helpline, token, p.at)
    except LinkClosed as closed:
        return _closed(p, closed.why, 410)
    except NotFound:
        return _closed(p, "unknown", 404)


@router.get("/{token}", include_in_schema=False)
async def upload_page(p: AnyPage, token: Token) -> Response:
    state = await _link_state(p, token)
    return state if isinstance(state, Response) else _page(p, token, state.uses_left)


@router.post("/{token}", include_in_schema=False)
async def send_file(request: Request, p: AnyPage, token: Token) -> Response:
    same_site_form(request)
    state = await _link_state(p, token)
    if isinstance(state, Response):
        return state
    fields, chunks = await fields_then_file(request)
    answer = fields.get("intimate")
    if answer not in ("yes", "no"):
        return _page(p, token, state.uses_left, 422, field_error=("intimate", ANSWER))
    try:
        sent = await send_through_link(
            p.helpline, token, chunks, intimate=answer == "yes", now=p.at
        )
    except EvidenceRefused as err:
        policy = p.settings.evidence_policy
        words = p.gettext(SENTENCES["file"][err.reason.value]) % policy.limits_in_mb()
        status = err.reason.status
        return _page(p, token, state.uses_left, status, field_error=("file", words), answer=answer)
    except RateLimited as limited:
        response = _page(p, token, state.uses_left, 429, general_error=TOO_FAST, answer=answer)
        response.headers["Retry-After"] = str(limited.retry_after_seconds)
        return response
    except LinkClosed as closed:
        return _closed(p, closed.why, 410)
    except Gone:
        return _closed(p, "purged", 410)
    return _page(p, token, sent.uses_left, sent=sent)
