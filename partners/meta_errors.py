"""Meta's Graph API errors, classified on ``error.code`` (and ``error_subcode``), not
on the HTTP status, as Meta advises: some of its rate limits come back as 400.

The same classification serves a refused send (an HTTP answer) and a WhatsApp
``failed`` status webhook (``errors[].code``), so "outside the window" means one thing
whichever way Meta says it. The table is docs/simulator-meta.md's, with Meta's other
documented throttling codes (17, 32) added.
"""

from datetime import timedelta
from typing import Any

import httpx

from domain.channel_messages import ChannelFailure, ChannelFailureKind
from partners.channel_errors import (
    MediaGoneError,
    OutcomeUnknownError,
    OutsideWindowError,
    RateLimitedError,
)
from partners.errors import AdapterError, PermanentAdapterError, TransientAdapterError, scrub
from partners.http_support import retry_after

WHATSAPP_REENGAGEMENT = 131047
MESSENGER_OUTSIDE_WINDOW = (10, 2018278)
RATE_LIMIT_CODES = frozenset({130429, 131056, 80007, 4, 613, 17, 32})
TRANSIENT_CODES = frozenset({1, 2, 1200, 131000, 131016})
UNDELIVERABLE_CODES = frozenset({131026, 551})
UNKNOWN_OBJECT = (100, 33)  # "Object with ID ... does not exist": a media id no longer known
GONE_STATUSES = frozenset({403, 404, 410})  # a CDN's answer to an expired or deleted file
# Known permanent codes: malformed requests, tokens and permissions, unknown objects,
# templates (missing, paused, parameters), media Meta cannot take.
REFUSED_CODES = frozenset(
    {10, 100, 190, 200, 2500, 131008, 131009, 131021, 131051, 131052, 131053}
    | {132000, 132001, 132005, 132007, 132012, 132015, 132016}
)


def failure_kind(
    code: int | None, subcode: int | None, *, transient: bool = False, http_status: int = 400
) -> ChannelFailureKind:
    if code == WHATSAPP_REENGAGEMENT or (code, subcode) == MESSENGER_OUTSIDE_WINDOW:
        return ChannelFailureKind.OUTSIDE_WINDOW
    if code in RATE_LIMIT_CODES:
        return ChannelFailureKind.RATE_LIMITED
    if code in UNDELIVERABLE_CODES:
        return ChannelFailureKind.UNDELIVERABLE
    if code in TRANSIENT_CODES or transient:
        return ChannelFailureKind.TRANSIENT
    if code in REFUSED_CODES:
        return ChannelFailureKind.REFUSED
    # A code this table does not know (or none: a proxy's page): the status decides.
    if http_status == 429:
        return ChannelFailureKind.RATE_LIMITED
    if http_status >= 500 or http_status == 408:
        return ChannelFailureKind.TRANSIENT
    return ChannelFailureKind.REFUSED


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def failure_of(error: Any, http_status: int = 400) -> ChannelFailure:
    """A Graph ``error`` object (or a status webhook's ``errors[]`` entry) as a failure
    holding the code and Meta's generic title only (its details may quote what was
    sent, so they are dropped; the title is scrubbed)."""
    if not isinstance(error, dict):
        return ChannelFailure(kind=failure_kind(None, None, http_status=http_status))
    code, subcode = _int(error.get("code")), _int(error.get("error_subcode"))
    title = error.get("title") or error.get("message") or ""
    kind = failure_kind(
        code, subcode, transient=error.get("is_transient") is True, http_status=http_status
    )
    return ChannelFailure(kind=kind, code=code, subcode=subcode, title=scrub(str(title), limit=200))


def graph_error(
    response: httpx.Response, what: str, slug: str, *, sent: bool, media: bool = False
) -> AdapterError:
    """The error to raise for a Graph answer of 400 or more. ``sent``: the request
    could have created something (a message): a transient failure then means the
    outcome is unknown. ``media``: a media lookup or download, where an unknown object
    (100/33) or a CDN's 403/404/410 without a Graph code means the media is gone."""
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    failure = failure_of(error, response.status_code)
    if media and (
        (failure.code, failure.subcode) == UNKNOWN_OBJECT
        or (failure.code is None and response.status_code in GONE_STATUSES)
    ):
        return MediaGoneError(f"{what}: {slug} no longer has this media", status=None)
    return error_for(failure, what, slug, retry_after(response), sent=sent)


def error_for(
    failure: ChannelFailure,
    what: str,
    slug: str,
    wait: timedelta | None = None,
    *,
    sent: bool = False,
) -> AdapterError:
    code = "" if failure.code is None else f"#{failure.code}"
    if failure.subcode is not None:
        code += f"/{failure.subcode}"
    text = f"{what}: {slug} refused ({code or 'no code'}) {failure.title}".strip()
    match failure.kind:
        case ChannelFailureKind.OUTSIDE_WINDOW:
            return OutsideWindowError(
                f"{what}: outside {slug}'s customer-service window ({code}): "
                "only an approved template can be sent",
                code=failure.code,
            )
        case ChannelFailureKind.RATE_LIMITED:
            return RateLimitedError(f"{what}: {slug} rate limit ({code or 'no code'})", wait)
        case ChannelFailureKind.TRANSIENT if sent:
            return OutcomeUnknownError(
                f"{what}: {slug} failed ({code or 'no code'}); it may have taken the message",
                wait,
            )
        case ChannelFailureKind.TRANSIENT:
            return TransientAdapterError(f"{what}: {slug} failed ({code or 'no code'})", wait)
    return PermanentAdapterError(text, status=None)
