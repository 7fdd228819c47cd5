"""A tapped button as the adapters parse it, from Meta's own shapes (pure: no stack):
WhatsApp's reply button, list row and template quick-reply button are choices; another
interactive reply (a flow's answer) is something the helpline cannot read; Messenger's
quick reply is a choice, its text the title."""

import json
from typing import Any

import pytest

from domain.channel_messages import ChoiceContent, UnsupportedContent
from partners import messenger_webhooks, whatsapp_webhooks

NUMBER, PAGE = "110000000003018", "120000000003018"


def whatsapp(message: dict[str, Any]) -> bytes:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "33700003018", "phone_number_id": NUMBER},
        "messages": [{"from": "33612345678", "id": "wamid.1", "timestamp": "1767225600"} | message],
    }
    change = {"field": "messages", "value": value}
    return json.dumps(
        {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [change]}]}
    ).encode()


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            {
                "type": "interactive",
                "interactive": {
                    "type": "button_reply",
                    "button_reply": {"id": "a", "title": "Oui"},
                },
            },
            ChoiceContent(choice_id="a", title="Oui"),
        ),
        (
            {
                "type": "interactive",
                "interactive": {"type": "list_reply", "list_reply": {"id": "r", "title": "Row"}},
            },
            ChoiceContent(choice_id="r", title="Row"),
        ),
        (
            {"type": "button", "button": {"payload": "p", "text": "Stop promotions"}},
            ChoiceContent(choice_id="p", title="Stop promotions"),
        ),
    ],
)
def test_whatsapp_replies_are_choices(message: dict[str, Any], expected: ChoiceContent) -> None:
    [parsed] = whatsapp_webhooks.parse(whatsapp(message), "whatsapp", [NUMBER]).messages
    assert parsed.content == expected


def test_another_interactive_reply_is_unsupported() -> None:
    flow = {"type": "interactive", "interactive": {"type": "nfm_reply", "nfm_reply": {}}}
    [parsed] = whatsapp_webhooks.parse(whatsapp(flow), "whatsapp", [NUMBER]).messages
    assert isinstance(parsed.content, UnsupportedContent)
    assert parsed.content.detail == "interactive"


def test_a_messenger_quick_reply_is_a_choice() -> None:
    message = {"mid": "m_1", "text": "Non merci", "quick_reply": {"payload": "news.x.no"}}
    event = {
        "sender": {"id": "7100000000000042"},
        "recipient": {"id": PAGE},
        "timestamp": 1767225600000,
        "message": message,
    }
    body = json.dumps({"object": "page", "entry": [{"id": PAGE, "messaging": [event]}]})
    [parsed] = messenger_webhooks.parse(body.encode(), "messenger", [PAGE]).messages
    assert parsed.content == ChoiceContent(choice_id="news.x.no", title="Non merci")
