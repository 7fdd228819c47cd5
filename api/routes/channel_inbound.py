"""A messaging channel's webhook door: ``/inbound/channels/{slug}`` (WhatsApp, Messenger,
a plugin's channel). Meta calls it, unauthenticated but signed.

GET answers the subscription handshake (``hub.mode``, ``hub.verify_token``,
``hub.challenge``: the challenge echoed, 403 for a wrong token). POST reads the body no
further than ``RELAIS_CHANNELS_MAX_WEBHOOK_BYTES`` (413 beyond), hands it with its
headers to the channel (``X-Hub-Signature-256`` checked first: 401 and nothing
stored; a number or page not the helpline's refused), then the verified events to the
service (:mod:`application.conversations.channel_inbound`). 200 once stored: Meta
retries anything else, and a retry is the same messages.
"""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from api.doors import Callers, HelplineDep, callers
from api.routes.webhooks import Slug
from application.conversations.channel_inbound import channel_adapter, receive_channel_batch
from partners.channel_errors import WebhookRefused
from partners.channel_webhooks import read_webhook_body
from relais.clock import utc_now

router = APIRouter(
    prefix="/inbound/channels", tags=["messaging channels"], dependencies=[callers(Callers.CHANNEL)]
)

_NOT_FOUND = {"description": "No messaging channel registered under this slug"}


def _refused(exc: WebhookRefused) -> JSONResponse:
    # The refusal's class says why (never a byte of the body, which is personal data).
    return JSONResponse({"detail": type(exc).__name__}, status_code=exc.status)


@router.get(
    "/{slug}",
    response_class=PlainTextResponse,
    responses={
        200: {"content": {"text/plain": {}}, "description": "The challenge, echoed"},
        400: {"description": "hub.challenge missing or not a plain token"},
        403: {"description": "hub.mode is not subscribe, or hub.verify_token is not ours"},
        404: _NOT_FOUND,
    },
)
async def answer_handshake(slug: Slug, request: Request, helpline: HelplineDep) -> Response:
    """The platform checks the webhook is ours before it sends anything to it."""
    channel = channel_adapter(helpline, slug)
    if channel is None:
        return JSONResponse({"detail": f"no messaging channel '{slug}'"}, status_code=404)
    try:
        challenge = channel.answer_handshake(dict(request.query_params))
    except WebhookRefused as exc:
        return _refused(exc)
    return PlainTextResponse(challenge)


@router.post(
    "/{slug}",
    status_code=200,
    response_class=Response,
    openapi_extra={
        "parameters": [
            {
                "name": "X-Hub-Signature-256",
                "in": "header",
                "required": True,
                "schema": {"type": "string"},
                "description": "sha256=<hex HMAC-SHA256 of the raw body with the app secret>",
            }
        ]
    },
    responses={
        200: {"description": "Stored (a replay: the same messages, stored once)"},
        400: {"description": "Not a webhook of this channel (the body's shape)"},
        401: {"description": "X-Hub-Signature-256 missing or wrong: nothing stored"},
        403: {"description": "Not for the helpline's own number or page: nothing stored"},
        404: _NOT_FOUND,
        413: {"description": "Body over the limit: refused unread"},
        503: {"description": "Temporal or the database late: the platform retries"},
    },
)
async def receive_webhook(slug: Slug, request: Request, helpline: HelplineDep) -> Response:
    """A young person's messages (and news of what the helpline sent them)."""
    channel = channel_adapter(helpline, slug)
    if channel is None:
        return JSONResponse({"detail": f"no messaging channel '{slug}'"}, status_code=404)
    limit = helpline.settings.channels_max_webhook_bytes
    try:
        body = await read_webhook_body(
            request.stream(), limit, request.headers.get("content-length")
        )
        batch = channel.receive(body, request.headers)
    except WebhookRefused as exc:
        return _refused(exc)
    await receive_channel_batch(helpline, slug, batch, utc_now())
    return Response(status_code=200)
