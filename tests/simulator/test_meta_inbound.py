"""Young people writing to the helpline: Meta's exact webhooks, signed with the app
secret, posted to Relais' configured paths, retried until Relais answers 200."""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Any

from meta_support import (
    MESSENGER_SECRET,
    PAGE_ID,
    PHONE_NUMBER_ID,
    PSID,
    WA_ID,
    WHATSAPP_SECRET,
    Meta,
    MetaReceiver,
    expected_signature,
)
from sim_support import StartSim, eventually


async def _arrived(receiver: MetaReceiver, channel: str, count: int = 1) -> None:
    async def enough() -> bool:
        return len(receiver.of(channel)) >= count

    await eventually(enough)


async def test_a_whatsapp_text_arrives_as_meta_posts_it(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    written = await meta.write("whatsapp", text="on m'a piraté mon compte", name="Léa")

    await _arrived(meta_receiver, "whatsapp")
    [delivery] = meta_receiver.of("whatsapp")
    assert delivery.headers["x-hub-signature-256"] == expected_signature(
        WHATSAPP_SECRET, delivery.body
    )
    sha1 = hmac.new(WHATSAPP_SECRET.encode(), delivery.body, hashlib.sha1).hexdigest()
    assert delivery.headers["x-hub-signature"] == f"sha1={sha1}"
    assert delivery.headers["content-type"] == "application/json"
    payload = delivery.payload
    assert payload == written["payload"]
    assert payload["object"] == "whatsapp_business_account"
    [entry] = payload["entry"]
    [change] = entry["changes"]
    assert change["field"] == "messages"
    value = change["value"]
    assert value["messaging_product"] == "whatsapp"
    assert value["metadata"] == {
        "display_phone_number": "33700003018",
        "phone_number_id": PHONE_NUMBER_ID,
    }
    assert value["contacts"] == [{"profile": {"name": "Léa"}, "wa_id": WA_ID}]
    [message] = value["messages"]
    assert message["from"] == WA_ID
    assert message["id"] == written["message_id"] and message["id"].startswith("wamid.")
    assert message["type"] == "text"
    assert message["text"] == {"body": "on m'a piraté mon compte"}
    assert abs(int(message["timestamp"]) - datetime.now(UTC).timestamp()) < 5


async def test_a_messenger_text_arrives_as_meta_posts_it(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    written = await meta.write("messenger", text="quelqu'un publie mes photos")

    await _arrived(meta_receiver, "messenger")
    [delivery] = meta_receiver.of("messenger")
    assert delivery.headers["x-hub-signature-256"] == expected_signature(
        MESSENGER_SECRET, delivery.body
    )
    payload = delivery.payload
    assert payload["object"] == "page"
    [entry] = payload["entry"]
    assert entry["id"] == PAGE_ID
    [event] = entry["messaging"]
    assert event["sender"] == {"id": PSID}
    assert event["recipient"] == {"id": PAGE_ID}
    assert event["message"] == {"mid": written["message_id"], "text": "quelqu'un publie mes photos"}
    assert written["message_id"].startswith("m_")
    assert entry["time"] == event["timestamp"]


async def test_each_channel_posts_to_its_own_configured_path_with_its_secret(
    start_meta: Any, meta_receiver: MetaReceiver
) -> None:
    meta_receiver.secrets["whatsapp"] = "rotated-secret"
    meta = await start_meta(whatsapp={"app_secret": "rotated-secret"})
    await meta.write("whatsapp", text="salut")
    await _arrived(meta_receiver, "whatsapp")
    await meta.configure("messenger", webhook_path="/elsewhere")
    await meta.write("messenger", text="salut")

    async def attempted() -> bool:
        return bool(await meta.get("/_control/meta/webhooks", channel="messenger"))

    await eventually(attempted)
    [attempt, *_] = await meta.get("/_control/meta/webhooks", channel="messenger")
    assert attempt["url"] == f"{meta_receiver.base_url}/elsewhere"
    assert attempt["status_code"] == 404 and not attempt["delivered"]
    assert meta_receiver.bad_signatures == 0


async def test_a_wrong_secret_is_what_relais_must_refuse(
    start_meta: Any, meta_receiver: MetaReceiver
) -> None:
    meta = await start_meta(whatsapp={"app_secret": "not-the-one-relais-has"})
    await meta.write("whatsapp", text="salut")

    async def refused_every_time() -> bool:
        return len(await meta.get("/_control/meta/webhooks", channel="whatsapp")) == 4

    await eventually(refused_every_time)
    assert meta_receiver.bad_signatures == 4  # 1 + 3 retries, never accepted
    assert meta_receiver.received == []


async def test_meta_retries_until_relais_answers_200(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    meta_receiver.answer_first = [500, 202]  # only a 200 counts, as at Meta
    written = await meta.write("whatsapp", text="tu es là ?")

    await _arrived(meta_receiver, "whatsapp")
    attempts = await meta.get("/_control/meta/webhooks", message_id=written["message_id"])
    assert [(a["attempt"], a["status_code"], a["delivered"]) for a in attempts] == [
        (1, 500, False),
        (2, 202, False),
        (3, 200, True),
    ]
    assert meta_receiver.bad_signatures == 0  # each retry carried a valid signature


async def test_the_duplicate_knob_delivers_the_same_message_twice(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    written = await meta.write("messenger", text="allo", duplicate=True)

    await _arrived(meta_receiver, "messenger", 2)
    first, second = meta_receiver.of("messenger")
    assert first.body == second.body
    assert first.payload["entry"][0]["messaging"][0]["message"]["mid"] == written["message_id"]
    assert len(written["webhooks"]) == 2


async def test_a_replay_is_the_captured_request_byte_for_byte(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    written = await meta.write("whatsapp", text="premier message")
    await _arrived(meta_receiver, "whatsapp")

    response = await meta.http.post(
        "/_control/meta/whatsapp/replay", json={"message_id": written["message_id"]}
    )

    assert response.status_code == 202
    await _arrived(meta_receiver, "whatsapp", 2)
    original, replayed = meta_receiver.of("whatsapp")
    assert replayed.body == original.body
    assert replayed.headers["x-hub-signature-256"] == original.headers["x-hub-signature-256"]
    unknown = await meta.http.post("/_control/meta/whatsapp/replay", json={"message_id": "x"})
    assert unknown.status_code == 404


async def test_an_old_message_carries_its_old_timestamp(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    two_days_ago = datetime.now(UTC) - timedelta(days=2)

    await meta.write("whatsapp", text="vieux", sent_at=two_days_ago.isoformat())
    await meta.write("messenger", text="vieux", sent_at=two_days_ago.isoformat())

    await _arrived(meta_receiver, "whatsapp")
    await _arrived(meta_receiver, "messenger")
    whatsapp = meta_receiver.of("whatsapp")[0].payload["entry"][0]["changes"][0]["value"]
    assert whatsapp["messages"][0]["timestamp"] == str(int(two_days_ago.timestamp()))
    messenger = meta_receiver.of("messenger")[0].payload["entry"][0]["messaging"][0]
    assert messenger["timestamp"] == int(two_days_ago.timestamp() * 1000)


async def test_a_message_to_an_unknown_business_number_is_sent_as_asked(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    await meta.write("whatsapp", text="salut", to="999000111")

    await _arrived(meta_receiver, "whatsapp")
    value = meta_receiver.of("whatsapp")[0].payload["entry"][0]["changes"][0]["value"]
    assert value["metadata"]["phone_number_id"] == "999000111"


async def test_unsupported_kinds_arrive_as_meta_shapes_them(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    for kind in ("sticker", "location", "contacts"):
        await meta.write("whatsapp", type=kind)
    await meta.write("whatsapp", type="unsupported", unsupported_type="call")
    await meta.write("messenger", type="sticker")
    await meta.write("messenger", type="location")

    await _arrived(meta_receiver, "whatsapp", 4)
    await _arrived(meta_receiver, "messenger", 2)
    whatsapp = {
        m["type"]: m
        for d in meta_receiver.of("whatsapp")
        for m in d.payload["entry"][0]["changes"][0]["value"]["messages"]
    }
    assert whatsapp["sticker"]["sticker"]["mime_type"] == "image/webp"
    assert set(whatsapp["location"]["location"]) >= {"latitude", "longitude"}
    assert whatsapp["contacts"]["contacts"][0]["name"]["formatted_name"]
    assert whatsapp["unsupported"]["errors"][0]["code"] == 131051
    assert whatsapp["unsupported"]["unsupported"] == {"type": "call"}
    sticker, location = (
        d.payload["entry"][0]["messaging"][0]["message"] for d in meta_receiver.of("messenger")
    )
    assert "sticker_id" in sticker and sticker["attachments"][0]["type"] == "image"
    assert location["attachments"][0]["type"] == "location"


async def test_a_kind_the_channel_does_not_have_names_the_field(meta: Meta) -> None:
    contacts = await meta.http.post(
        "/_control/meta/messenger/inbound", json={"from": PSID, "type": "contacts"}
    )
    no_text = await meta.http.post("/_control/meta/whatsapp/inbound", json={"from": WA_ID})
    bad_from = await meta.http.post(
        "/_control/meta/whatsapp/inbound", json={"from": "+33 6", "text": "x"}
    )

    assert contacts.status_code == 422 and contacts.json()["detail"][0]["field"] == "type"
    assert no_text.status_code == 422 and no_text.json()["detail"][0]["field"] == "text"
    assert bad_from.status_code == 422 and bad_from.json()["detail"][0]["field"] == "from"


async def test_the_verification_handshake(start_sim: StartSim, meta_receiver: MetaReceiver) -> None:
    from meta_support import fast_meta

    sim = await start_sim(webhook_base_url=meta_receiver.base_url, meta=fast_meta())

    good = await sim.http.post("/_control/meta/whatsapp/verify", json={})
    wrong = await sim.http.post("/_control/meta/messenger/verify", json={"verify_token": "guessed"})

    assert good.json()["verified"] is True
    assert good.json()["body"] == good.json()["challenge"]
    assert good.json()["url"] == f"{meta_receiver.base_url}/inbound/channels/whatsapp"
    assert (wrong.json()["verified"], wrong.json()["status_code"]) == (False, 403)
    attempts = await sim.get_json("/_control/meta/webhooks", kind="verification")
    assert [a["delivered"] for a in attempts] == [True, False]
    assert all("hub.verify_token" not in a["payload"] for a in attempts)


async def test_a_batch_puts_several_messages_in_one_signed_webhook(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    response = await meta.http.post(
        "/_control/meta/messenger/inbound-batch",
        json={
            "messages": [
                {"from": PSID, "text": "un"},
                {"from": "7100000000000099", "text": "deux"},
                {"from": PSID, "type": "image"},
            ]
        },
    )

    assert response.status_code == 202
    await _arrived(meta_receiver, "messenger")
    [delivery] = meta_receiver.of("messenger")
    assert delivery.headers["x-hub-signature-256"] == expected_signature(
        MESSENGER_SECRET, delivery.body
    )
    events = [entry["messaging"][0] for entry in delivery.payload["entry"]]
    assert [e["message"]["mid"] for e in events] == response.json()["message_ids"]
    assert [e["sender"]["id"] for e in events] == [PSID, "7100000000000099", PSID]
    assert events[2]["message"]["attachments"][0]["type"] == "image"
    wrong = await meta.http.post(
        "/_control/meta/whatsapp/inbound-batch",
        json={"messages": [{"from": WA_ID, "text": "ok"}, {"from": WA_ID, "type": "fax"}]},
    )
    assert wrong.json()["detail"][0]["field"] == "messages.1.type"
