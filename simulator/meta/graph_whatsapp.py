"""``POST /{version}/{phone-number-id}/messages``: the WhatsApp Cloud API receiving
Relais' messages to young people.

Checks, in Meta's order after the channel's faults: the bearer token (401, code 190),
the business phone number (400, code 100/33), the body (400: 100, 131008 or 131009 naming
the parameter; an ``interactive`` message is a ``button`` one with 1 to 3 reply buttons,
titles of 20 characters at most), an approved template (404, 132001), the
customer-service window for a free-form message (131047: refused, or accepted then
reported ``failed``, per ``window_error``), then an undeliverable recipient (accepted,
then a ``failed`` status with 131026). Accepted: ``200 {"messaging_product":
"whatsapp", "contacts": [{"input", "wa_id"}], "messages": [{"id": "wamid..."}]}`` and
status webhooks later.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.responses import JSONResponse

from simulator.basics import now_utc
from simulator.meta import errors, outbox
from simulator.meta.calls import GraphCall
from simulator.meta.config import Channel, WhatsAppConfig, WindowErrorDelivery
from simulator.meta.errors import GraphError
from simulator.meta.state import SentMessage

MEDIA_TYPES = frozenset({"image", "document", "audio", "video", "sticker"})
OTHER_TYPES = frozenset({"location", "contacts", "interactive", "reaction"})
TYPES = MEDIA_TYPES | OTHER_TYPES | {"text", "template"}
CAPTIONED = frozenset({"image", "document", "video"})
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_REFERENCE = 512
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_BUTTON_ID = 256
MAX_INTERACTIVE_BODY = 1024


class Invalid(Exception):
    def __init__(self, error: GraphError) -> None:
        self.error = error


def _require(body: dict[str, Any], name: str, label: str | None = None) -> Any:
    value = body.get(name)
    if value is None or value == "":
        raise Invalid(errors.missing_parameter(label or name))
    return value


def parse(body: Any, config: WhatsAppConfig, known_media: set[str]) -> dict[str, Any]:
    """The send request's meaning, or ``Invalid`` naming the parameter, as Meta does."""
    if not isinstance(body, dict):
        raise Invalid(errors.invalid_parameter("The request body must be a JSON object."))
    product = _require(body, "messaging_product")
    if product != "whatsapp":
        raise Invalid(errors.invalid_value("messaging_product must be 'whatsapp'."))
    if body.get("recipient_type", "individual") != "individual":
        raise Invalid(errors.invalid_value("recipient_type must be 'individual'."))
    to = _require(body, "to")
    wa_id = re.sub(r"[\s+()\-.]", "", to) if isinstance(to, str) else ""
    if not re.fullmatch(r"\d{6,20}", wa_id):
        raise Invalid(errors.invalid_parameter(f"The parameter to is not a phone number: {to!r}"))
    kind = body.get("type", "text")
    if kind not in TYPES:
        raise Invalid(errors.invalid_parameter(f"Param type must be one of {sorted(TYPES)}."))
    reference = body.get("biz_opaque_callback_data")
    if reference is not None and (not isinstance(reference, str) or len(reference) > MAX_REFERENCE):
        raise Invalid(
            errors.invalid_value("biz_opaque_callback_data: a string of 512 characters at most.")
        )
    parsed: dict[str, Any] = {"to": to, "wa_id": wa_id, "type": kind, "reference": reference}
    content = body.get(kind)
    if not isinstance(content, dict):
        raise Invalid(errors.missing_parameter(kind))
    if kind == "text":
        text = _require(content, "body", "text['body']")
        if not isinstance(text, str) or len(text) > MAX_TEXT:
            raise Invalid(
                errors.invalid_value("text['body']: a string of 4096 characters at most.")
            )
        parsed["text"] = text
    elif kind == "template":
        parsed["template"] = _template(content, config)
    elif kind in MEDIA_TYPES:
        parsed["media"] = _media(kind, content, known_media)
    elif kind == "interactive":
        parsed["text"], parsed["choices"] = _buttons(content)
    return parsed


def _buttons(content: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
    """An interactive ``button`` message: its body text and 1 to 3 reply buttons, each
    with a unique id (256 characters at most) and a unique title (20 at most)."""
    if content.get("type") != "button":
        raise Invalid(errors.invalid_parameter("interactive['type']: only 'button' is simulated."))
    body = content.get("body")
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str) or not 0 < len(text) <= MAX_INTERACTIVE_BODY:
        raise Invalid(errors.missing_parameter("interactive['body']['text']"))
    action = content.get("action")
    buttons = action.get("buttons") if isinstance(action, dict) else None
    if not isinstance(buttons, list) or not 0 < len(buttons) <= MAX_BUTTONS:
        raise Invalid(errors.invalid_value("interactive['action']['buttons']: 1 to 3 buttons."))
    choices: list[dict[str, str]] = []
    for n, button in enumerate(buttons):
        reply = button.get("reply") if isinstance(button, dict) else None
        if (
            not isinstance(button, dict)
            or button.get("type") != "reply"
            or not isinstance(reply, dict)
        ):
            raise Invalid(errors.invalid_value(f"buttons[{n}]: a 'reply' button."))
        choice, title = reply.get("id"), reply.get("title")
        if not isinstance(choice, str) or not 0 < len(choice) <= MAX_BUTTON_ID:
            raise Invalid(errors.invalid_value(f"buttons[{n}]['reply']['id']: 1 to 256 chars."))
        if not isinstance(title, str) or not 0 < len(title) <= MAX_BUTTON_TITLE:
            raise Invalid(errors.invalid_value(f"buttons[{n}]['reply']['title']: 1 to 20 chars."))
        choices.append({"id": choice, "title": title})
    if len({c["id"] for c in choices}) < len(choices) or len({c["title"] for c in choices}) < len(
        choices
    ):
        raise Invalid(errors.invalid_value("buttons: ids and titles must be unique."))
    return text, choices


def _template(content: dict[str, Any], config: WhatsAppConfig) -> dict[str, Any]:
    name = _require(content, "name", "template['name']")
    language = content.get("language")
    code = language.get("code") if isinstance(language, dict) else None
    if not isinstance(code, str) or not code:
        raise Invalid(errors.missing_parameter("template['language']['code']"))
    if not any(t.name == name and t.language == code for t in config.templates):
        raise Invalid(errors.template_missing(str(name), code))
    components = content.get("components", [])
    if not isinstance(components, list):
        raise Invalid(errors.invalid_value("template['components'] must be a list."))
    return {"name": name, "language": code, "components": components}


def _media(kind: str, content: dict[str, Any], known_media: set[str]) -> dict[str, Any]:
    media_id, link = content.get("id"), content.get("link")
    if (media_id is None) == (link is None):
        raise Invalid(errors.invalid_parameter(f"{kind}: give exactly one of id and link."))
    if media_id is not None and str(media_id) not in known_media:
        raise Invalid(errors.invalid_value(f"{kind}['id']: no media with this id."))
    if link is not None and not (isinstance(link, str) and re.match(r"^https?://", link)):
        raise Invalid(errors.invalid_value(f"{kind}['link'] must be an http(s) URL."))
    caption = content.get("caption")
    if caption is not None and (kind not in CAPTIONED or len(str(caption)) > MAX_CAPTION):
        raise Invalid(errors.invalid_value(f"{kind}['caption'] is not valid here."))
    media = {"type": kind, "id": media_id, "link": link, "caption": caption}
    if kind == "document":
        media["filename"] = content.get("filename")
    return media


async def send(call: GraphCall, phone_number_id: str, raw: bytes) -> JSONResponse:
    state = call.state
    config = state.meta.live.whatsapp
    if refused := call.token_refused(config.access_token.get_secret_value()):
        return refused
    if config.number(phone_number_id) is None:
        return call.error(errors.unknown_node(phone_number_id), fault="unknown_number")
    try:
        body = json.loads(raw)
        parsed = parse(body, config, set(state.meta.media))
    except ValueError:
        return call.error(
            errors.invalid_parameter("The request body is not valid JSON."), "bad_request"
        )
    except Invalid as invalid:
        return call.error(invalid.error, fault="bad_request")
    wa_id, kind = parsed["wa_id"], parsed["type"]
    failure: GraphError | None = None
    free_form = kind != "template"
    window = outbox.window_open(
        state, Channel.WHATSAPP, wa_id, phone_number_id, config.window_seconds
    )
    if free_form and (config.window_expired or not window):
        if config.window_error is WindowErrorDelivery.SYNC:
            return call.error(errors.reengagement(), fault="window_closed")
        failure = errors.reengagement()
    if failure is None and (
        wa_id in config.undeliverable or state.meta.peek_user(Channel.WHATSAPP, wa_id).undeliverable
    ):
        failure = errors.undeliverable()
    sent = outbox.accept(
        state,
        SentMessage(
            channel=Channel.WHATSAPP,
            user=wa_id,
            business=phone_number_id,
            message_id=outbox.wamid(),
            type=kind,
            text=parsed.get("text"),
            template=parsed.get("template"),
            media=parsed.get("media"),
            choices=parsed.get("choices"),
            reference=parsed["reference"],
            received_at=now_utc(),
            duplicate=False,
            body=body,
        ),
    )
    outbox.plan_whatsapp(state, sent, failure)
    if lost := await call.lost(sent):
        return lost
    message: dict[str, Any] = {"id": sent.message_id}
    if kind == "template":
        message["message_status"] = "accepted"
    content = {
        "messaging_product": "whatsapp",
        "contacts": [{"input": parsed["to"], "wa_id": wa_id}],
        "messages": [message],
    }
    return call.answer(200, content, message_id=sent.message_id, reference=sent.reference)
