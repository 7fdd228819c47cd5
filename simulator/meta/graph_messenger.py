"""``POST /{version}/me/messages`` (or ``/{page-id}/messages``): the Messenger Platform's
Send API receiving Relais' messages to young people.

Checks after the channel's faults: the page access token (``Authorization: Bearer`` or
``access_token``; 400, code 190), the page, the body (400, code 100 naming the field:
``recipient.id``, ``messaging_type`` RESPONSE | UPDATE | MESSAGE_TAG with ``tag``,
``message`` with one of ``text`` (2,000 characters at most) or ``attachment``, optional
``message.metadata`` (1,000) and ``message.quick_replies`` (1 to 13, titles of 20
characters at most)), a recipient who wrote to the page (100/2018001), the
24-hour window for RESPONSE/UPDATE and the 7 days of the HUMAN_AGENT tag (10/2018278),
and an unavailable recipient (551/1545041). Accepted: ``200 {"recipient_id",
"message_id"}``, then delivery and read events (and an echo if ``echoes``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.responses import JSONResponse

from simulator.basics import now_utc
from simulator.meta import errors, outbox
from simulator.meta.calls import GraphCall
from simulator.meta.config import Channel, MessengerConfig, Page
from simulator.meta.errors import GraphError
from simulator.meta.state import SentMessage

MESSAGING_TYPES = frozenset({"RESPONSE", "UPDATE", "MESSAGE_TAG"})
TAGS = frozenset(
    {"CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE", "ACCOUNT_UPDATE", "HUMAN_AGENT"}
)
ATTACHMENT_TYPES = frozenset({"image", "video", "audio", "file", "template"})
SENDER_ACTIONS = frozenset({"typing_on", "typing_off", "mark_seen"})
MAX_TEXT = 2000
MAX_METADATA = 1000
MAX_QUICK_REPLIES = 13
MAX_QUICK_TITLE = 20
MAX_PAYLOAD = 1000


class Invalid(Exception):
    def __init__(self, error: GraphError) -> None:
        self.error = error


def _bad(details: str) -> Invalid:
    return Invalid(GraphError(400, 100, f"Invalid parameter: {details}"))


def parse(body: Any) -> dict[str, Any]:
    """The send request's meaning, or ``Invalid`` naming the field."""
    if not isinstance(body, dict):
        raise _bad("the request body must be a JSON object")
    recipient = body.get("recipient")
    psid = recipient.get("id") if isinstance(recipient, dict) else None
    if not isinstance(psid, str) or not re.fullmatch(r"\d{1,30}", psid):
        raise _bad("recipient.id is required (the person's page-scoped id)")
    action = body.get("sender_action")
    if action is not None:
        if action not in SENDER_ACTIONS or "message" in body:
            raise _bad(f"sender_action must be one of {sorted(SENDER_ACTIONS)}, alone")
        return {"psid": psid, "sender_action": action}
    messaging_type = body.get("messaging_type")
    if messaging_type not in MESSAGING_TYPES:
        raise _bad(f"messaging_type must be one of {sorted(MESSAGING_TYPES)}")
    tag = body.get("tag")
    if messaging_type == "MESSAGE_TAG" and tag not in TAGS:
        raise _bad(f"tag must be one of {sorted(TAGS)} with MESSAGE_TAG")
    message = body.get("message")
    if not isinstance(message, dict):
        raise _bad("message is required")
    text, attachment = message.get("text"), message.get("attachment")
    if (text is None) == (attachment is None):
        raise _bad("message must have exactly one of text and attachment")
    if text is not None and (not isinstance(text, str) or not 0 < len(text) <= MAX_TEXT):
        raise _bad("message.text must be 1 to 2000 characters")
    metadata = message.get("metadata")
    if metadata is not None and (not isinstance(metadata, str) or len(metadata) > MAX_METADATA):
        raise _bad("message.metadata must be a string of 1000 characters at most")
    parsed = {"psid": psid, "messaging_type": messaging_type, "tag": tag, "text": text}
    parsed |= {"reference": metadata, "media": _attachment(attachment)}
    parsed["choices"] = _quick_replies(message.get("quick_replies"))
    return parsed


def _quick_replies(quick: Any) -> list[dict[str, str]] | None:
    """``message.quick_replies``: 1 to 13 ``text`` ones, each a title of 20 characters at
    most and a payload of 1,000."""
    if quick is None:
        return None
    if not isinstance(quick, list) or not 0 < len(quick) <= MAX_QUICK_REPLIES:
        raise _bad("message.quick_replies must hold 1 to 13 quick replies")
    choices: list[dict[str, str]] = []
    for n, reply in enumerate(quick):
        if not isinstance(reply, dict) or reply.get("content_type") != "text":
            raise _bad(f"message.quick_replies[{n}].content_type must be 'text' here")
        title, payload = reply.get("title"), reply.get("payload")
        if not isinstance(title, str) or not 0 < len(title) <= MAX_QUICK_TITLE:
            raise _bad(f"message.quick_replies[{n}].title must be 1 to 20 characters")
        if not isinstance(payload, str | int) or not 0 < len(str(payload)) <= MAX_PAYLOAD:
            raise _bad(f"message.quick_replies[{n}].payload must be 1 to 1000 characters")
        choices.append({"id": str(payload), "title": title})
    return choices


def _attachment(attachment: Any) -> dict[str, Any] | None:
    if attachment is None:
        return None
    if not isinstance(attachment, dict) or attachment.get("type") not in ATTACHMENT_TYPES:
        raise _bad(f"message.attachment.type must be one of {sorted(ATTACHMENT_TYPES)}")
    payload = attachment.get("payload")
    if not isinstance(payload, dict) or not (
        attachment["type"] == "template" or payload.get("url") or payload.get("attachment_id")
    ):
        raise _bad("message.attachment.payload needs a url or an attachment_id")
    return {"type": attachment["type"], "payload": payload}


def page_of(config: MessengerConfig, node: str, token: str | None) -> Page | None:
    """``me`` is the page the token belongs to; a page id must be one of ours."""
    if node != "me":
        return config.page(node)
    for page in config.pages:
        if token is not None and token == config.token_of(page):
            return page
    return config.pages[0]


async def send(call: GraphCall, node: str, raw: bytes) -> JSONResponse:
    state = call.state
    config = state.meta.live.messenger
    page = page_of(config, node, call.bearer())
    if page is None:
        return call.error(errors.unknown_node(node), fault="unknown_page")
    if refused := call.token_refused(config.token_of(page)):
        return refused
    try:
        parsed = parse(json.loads(raw))
    except ValueError:
        return call.error(_bad("the request body is not valid JSON").error, fault="bad_request")
    except Invalid as invalid:
        return call.error(invalid.error, fault="bad_request")
    psid = parsed["psid"]
    if psid not in _known(call, page.page_id):
        return call.error(errors.no_matching_user(), fault="unknown_user")
    if "sender_action" in parsed:
        return call.answer(200, {"recipient_id": psid})
    if refusal := _refusal(call, config, page, parsed):
        return call.error(refusal, fault="refused")
    sent = outbox.accept(
        state,
        SentMessage(
            channel=Channel.MESSENGER,
            user=psid,
            business=page.page_id,
            message_id=outbox.mid(),
            type="text" if parsed["text"] is not None else parsed["media"]["type"],
            text=parsed["text"],
            media=parsed["media"],
            choices=parsed["choices"],
            reference=parsed["reference"],
            messaging_type=parsed["messaging_type"],
            tag=parsed["tag"],
            received_at=now_utc(),
            duplicate=False,
            body=json.loads(raw),
        ),
    )
    outbox.plan_messenger(state, sent)
    if lost := await call.lost(sent):
        return lost
    content = {"recipient_id": psid, "message_id": sent.message_id}
    return call.answer(200, content, message_id=sent.message_id, reference=sent.reference)


def _known(call: GraphCall, page_id: str) -> set[str]:
    """People who wrote to the page: the only PSIDs the page can message."""
    return {
        user
        for (channel, user), settings in call.state.meta.users.items()
        if channel is Channel.MESSENGER and page_id in settings.last_inbound
    }


def _refusal(
    call: GraphCall, config: MessengerConfig, page: Page, parsed: dict[str, Any]
) -> GraphError | None:
    psid, state = parsed["psid"], call.state
    if parsed["messaging_type"] in {"RESPONSE", "UPDATE"}:
        open_ = outbox.window_open(
            state, Channel.MESSENGER, psid, page.page_id, config.window_seconds
        )
        if config.window_expired or not open_:
            return errors.outside_window()
    elif parsed["tag"] == "HUMAN_AGENT" and not outbox.window_open(
        state, Channel.MESSENGER, psid, page.page_id, config.human_agent_window_seconds
    ):
        return errors.outside_window()
    if psid in config.undeliverable or state.meta.peek_user(Channel.MESSENGER, psid).undeliverable:
        return errors.user_unavailable()
    return None
