"""Relais sending to young people through the Messenger Platform's Send API: Meta's
answers and errors, the 24-hour window and the HUMAN_AGENT tag, delivery and read
events, and echoes carrying Relais' metadata."""

from typing import Any

import pytest
from meta_support import (
    MESSENGER_SECRET,
    PAGE_ID,
    PAGE_TOKEN,
    PSID,
    Meta,
    MetaReceiver,
    expected_signature,
    messenger_text,
)
from sim_support import eventually


async def _wrote(meta: Meta, receiver: MetaReceiver) -> None:
    await meta.write("messenger", text="bonjour")

    async def arrived() -> bool:
        return bool(receiver.of("messenger", "message"))

    await eventually(arrived)


def _error(response: Any) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    assert error["message"].startswith(f"(#{error['code']}) ")
    assert error["type"] == "OAuthException" and error["fbtrace_id"]
    return error


def _events(receiver: MetaReceiver, kind: str) -> list[dict[str, Any]]:
    return [d.payload["entry"][0]["messaging"][0] for d in receiver.of("messenger", kind)]


async def test_a_response_in_the_window_is_delivered_then_read(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    await _wrote(meta, meta_receiver)

    response = await meta.send_messenger(messenger_text("Je suis là.", reference="msg-1"))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"recipient_id", "message_id"}
    assert body["recipient_id"] == PSID and body["message_id"].startswith("m_")

    async def read() -> bool:
        return bool(_events(meta_receiver, "read"))

    await eventually(read)
    [delivery] = _events(meta_receiver, "delivery")
    assert delivery["sender"] == {"id": PSID} and delivery["recipient"] == {"id": PAGE_ID}
    assert delivery["delivery"]["mids"] == [body["message_id"]]
    assert isinstance(delivery["delivery"]["watermark"], int)
    [read_event] = _events(meta_receiver, "read")
    assert read_event["read"]["watermark"] >= delivery["delivery"]["watermark"]
    for webhook in meta_receiver.of("messenger"):
        signature = expected_signature(MESSENGER_SECRET, webhook.body)
        assert webhook.headers["x-hub-signature-256"] == signature
    [received] = await meta.received("messenger", PSID)
    assert (received["text"], received["reference"], received["messaging_type"]) == (
        "Je suis là.",
        "msg-1",
        "RESPONSE",
    )
    assert received["status"] == "read"


async def test_echoes_carry_relais_metadata(start_meta: Any, meta_receiver: MetaReceiver) -> None:
    meta = await start_meta(messenger={"echoes": True})
    await _wrote(meta, meta_receiver)

    await meta.send_messenger(messenger_text("Bien reçu.", reference="msg-7"))

    async def echoed() -> bool:
        return any(e["message"].get("is_echo") for e in _events(meta_receiver, "message"))

    await eventually(echoed)
    [echo] = [e for e in _events(meta_receiver, "message") if e["message"].get("is_echo")]
    assert echo["sender"] == {"id": PAGE_ID} and echo["recipient"] == {"id": PSID}
    assert echo["message"]["metadata"] == "msg-7"
    assert echo["message"]["text"] == "Bien reçu."


async def test_the_page_id_path_and_the_access_token_parameter(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    await _wrote(meta, meta_receiver)

    by_page = await meta.send_messenger(messenger_text("un"), node=PAGE_ID)
    by_parameter = await meta.http.post(
        f"/v21.0/{PAGE_ID}/messages",
        params={"access_token": PAGE_TOKEN},
        json=messenger_text("deux"),
    )
    wrong = await meta.send_messenger(messenger_text("trois"), token="stolen")
    missing = await meta.send_messenger(messenger_text("quatre"), token=None)

    assert (by_page.status_code, by_parameter.status_code) == (200, 200)
    assert (wrong.status_code, _error(wrong)["code"]) == (400, 190)
    assert (missing.status_code, _error(missing)["code"]) == (400, 2500)
    assert [m["text"] for m in await meta.received("messenger", PSID)] == ["un", "deux"]


async def test_someone_who_never_wrote_cannot_be_messaged(meta: Meta) -> None:
    response = await meta.send_messenger(messenger_text("Bonjour ?"))

    error = _error(response)
    assert (response.status_code, error["code"], error["error_subcode"]) == (400, 100, 2018001)


async def test_outside_the_window_only_the_human_agent_tag_goes_for_7_days(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    await _wrote(meta, meta_receiver)
    await meta.http.post(f"/_control/meta/messenger/users/{PSID}/expire-window")

    response = await meta.send_messenger(messenger_text("encore là ?"))
    update = await meta.send_messenger(messenger_text("nouvelles", messaging_type="UPDATE"))
    tagged = await meta.send_messenger(
        messenger_text("Votre dossier avance.", messaging_type="MESSAGE_TAG", tag="HUMAN_AGENT")
    )
    eight_days_ago = "2020-01-01T00:00:00Z"
    await meta.http.put(
        f"/_control/meta/messenger/users/{PSID}",
        json={"last_inbound_at": {PAGE_ID: eight_days_ago}},
    )
    too_late = await meta.send_messenger(
        messenger_text("trop tard", messaging_type="MESSAGE_TAG", tag="HUMAN_AGENT")
    )

    for refused in (response, update, too_late):
        error = _error(refused)
        assert (error["code"], error["error_subcode"]) == (10, 2018278)
    assert tagged.status_code == 200
    assert [m["tag"] for m in await meta.received("messenger", PSID)] == ["HUMAN_AGENT"]


async def test_an_unavailable_young_person(start_meta: Any, meta_receiver: MetaReceiver) -> None:
    meta = await start_meta(messenger={"undeliverable": [PSID]})
    await _wrote(meta, meta_receiver)

    response = await meta.send_messenger(messenger_text("allo"))

    error = _error(response)
    assert (error["code"], error["error_subcode"]) == (551, 1545041)


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"messaging_type": "RESPONSE", "message": {"text": "x"}}, "recipient.id"),
        (messenger_text("x", messaging_type="PROMO"), "messaging_type"),
        (messenger_text("x", messaging_type="MESSAGE_TAG"), "tag"),
        ({"recipient": {"id": PSID}, "messaging_type": "RESPONSE"}, "message is required"),
        (messenger_text("x" * 2001), "message.text"),
        (messenger_text("x", reference="m" * 1001), "message.metadata"),
        (
            {
                "recipient": {"id": PSID},
                "messaging_type": "RESPONSE",
                "message": {"text": "x", "attachment": {"type": "image", "payload": {}}},
            },
            "exactly one of text and attachment",
        ),
        (
            {
                "recipient": {"id": PSID},
                "messaging_type": "RESPONSE",
                "message": {"attachment": {"type": "image", "payload": {}}},
            },
            "payload",
        ),
    ],
)
async def test_a_malformed_body_is_refused_naming_the_field(
    meta: Meta, meta_receiver: MetaReceiver, body: Any, names: str
) -> None:
    await _wrote(meta, meta_receiver)

    response = await meta.send_messenger(body)

    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == 100 and names in error["message"]
    assert await meta.received("messenger", PSID) == []


async def test_an_attachment_by_url_and_a_sender_action(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    await _wrote(meta, meta_receiver)
    attachment = {"type": "file", "payload": {"url": "https://example.org/fiche.pdf"}}

    sent = await meta.send_messenger(
        {
            "recipient": {"id": PSID},
            "messaging_type": "RESPONSE",
            "message": {"attachment": attachment},
        }
    )
    typing = await meta.send_messenger({"recipient": {"id": PSID}, "sender_action": "typing_on"})

    assert sent.status_code == 200
    assert typing.json() == {"recipient_id": PSID}
    [received] = await meta.received("messenger", PSID)
    assert received["media"] == attachment and received["type"] == "file"
