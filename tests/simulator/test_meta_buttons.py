"""Buttons under a message, as Meta takes them and as a young person taps them: WhatsApp
``interactive`` reply buttons (1 to 3, titles of 20 characters at most, ids and titles
unique), Messenger quick replies (titles of 20 characters at most); a tap posts the
signed webhook Meta would (``button_reply`` with its ``context``; a text with
``quick_reply.payload``)."""

from typing import Any

import pytest
from meta_support import PSID, WA_ID, Meta, MetaReceiver, messenger_text
from sim_support import eventually


def buttons(*titles: str, body: str = "Voulez-vous ?") -> dict[str, Any]:
    replies = [
        {"type": "reply", "reply": {"id": f"b{n}", "title": t}} for n, t in enumerate(titles)
    ]
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": WA_ID,
        "type": "interactive",
        "interactive": {"type": "button", "body": {"text": body}, "action": {"buttons": replies}},
    }


def quick(*titles: str) -> dict[str, Any]:
    replies = [
        {"content_type": "text", "title": t, "payload": f"p{n}"} for n, t in enumerate(titles)
    ]
    return messenger_text("Voulez-vous ?", quick_replies=None) | {
        "message": {"text": "Voulez-vous ?", "quick_replies": replies}
    }


async def _wrote(meta: Meta, receiver: MetaReceiver, channel: str) -> None:
    await meta.write(channel, text="bonjour")
    kind = "messages" if channel == "whatsapp" else "message"

    async def arrived() -> bool:
        return bool(receiver.of(channel, kind))

    await eventually(arrived)


@pytest.mark.parametrize(
    ("titles", "names"),
    [
        (("Oui, prévenez-moi ici", "Non merci"), "title"),  # 21 characters
        (("a", "b", "c", "d"), "buttons"),
        ((), "buttons"),
        (("Oui", "Oui"), "unique"),
    ],
)
async def test_whatsapp_refuses_buttons_meta_would_refuse(
    meta: Meta, meta_receiver: MetaReceiver, titles: tuple[str, ...], names: str
) -> None:
    await _wrote(meta, meta_receiver, "whatsapp")

    response = await meta.send_whatsapp(buttons(*titles))

    assert response.status_code == 400, response.text
    assert names in str(response.json()["error"])
    assert await meta.received("whatsapp", WA_ID) == []


async def test_messenger_refuses_a_quick_reply_title_over_20_characters(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    await _wrote(meta, meta_receiver, "messenger")

    response = await meta.send_messenger(quick("Oui, prévenez-moi ici", "Non merci"))

    assert response.status_code == 400, response.text
    assert "quick_replies[0].title" in response.json()["error"]["message"]
    assert await meta.received("messenger", PSID) == []


async def test_a_whatsapp_tap_is_a_signed_button_reply_naming_the_message(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    await _wrote(meta, meta_receiver, "whatsapp")
    sent = await meta.send_whatsapp(buttons("Oui", "Non"))
    assert sent.status_code == 200, sent.text
    [question] = await meta.received("whatsapp", WA_ID)
    assert question["choices"] == [{"id": "b0", "title": "Oui"}, {"id": "b1", "title": "Non"}]

    tapped = await meta.http.post(
        f"/_control/meta/whatsapp/users/{WA_ID}/tap", json={"choice": "Non"}
    )

    assert tapped.status_code == 202, tapped.text
    entry = tapped.json()["payload"]["entry"][0]["changes"][0]["value"]["messages"][0]
    assert entry["type"] == "interactive"
    assert entry["interactive"]["button_reply"] == {"id": "b1", "title": "Non"}
    assert entry["context"]["id"] == question["message_id"]
    missing = await meta.http.post(
        f"/_control/meta/whatsapp/users/{WA_ID}/tap", json={"choice": "Peut-être"}
    )
    assert missing.status_code == 422


async def test_a_messenger_tap_is_the_title_with_its_payload(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    await _wrote(meta, meta_receiver, "messenger")
    sent = await meta.send_messenger(quick("Oui", "Non"))
    assert sent.status_code == 200, sent.text

    tapped = await meta.http.post(f"/_control/meta/messenger/users/{PSID}/tap", json={"choice": 0})

    assert tapped.status_code == 202, tapped.text
    message = tapped.json()["payload"]["entry"][0]["messaging"][0]["message"]
    assert message["text"] == "Oui" and message["quick_reply"] == {"payload": "p0"}
