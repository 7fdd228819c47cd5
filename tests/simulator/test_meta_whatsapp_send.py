"""Relais sending to young people through the WhatsApp Cloud API: Meta's answers,
errors, the 24-hour customer-service window, templates, and the status webhooks."""

from typing import Any

import pytest
from meta_support import (
    PHONE_NUMBER_ID,
    WA_ID,
    WHATSAPP_SECRET,
    Meta,
    MetaReceiver,
    expected_signature,
    whatsapp_template,
    whatsapp_text,
)
from sim_support import eventually


async def _wrote(meta: Meta, receiver: MetaReceiver) -> None:
    """The young person writes first: the window opens."""
    await meta.write("whatsapp", text="bonjour")

    async def arrived() -> bool:
        return bool(receiver.of("whatsapp", "messages"))

    await eventually(arrived)


def _statuses(receiver: MetaReceiver) -> list[dict[str, Any]]:
    return [
        status
        for delivery in receiver.of("whatsapp", "statuses")
        for status in delivery.payload["entry"][0]["changes"][0]["value"]["statuses"]
    ]


def _error(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert error["message"].startswith(f"(#{error['code']}) ")
    assert error["type"] and error["fbtrace_id"]
    return error


async def test_a_reply_in_the_window_is_accepted_then_sent_delivered_read(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    await _wrote(meta, meta_receiver)

    response = await meta.send_whatsapp(whatsapp_text("Je suis là.", reference="msg-1"))

    assert response.status_code == 200
    body = response.json()
    [message] = body["messages"]
    assert message["id"].startswith("wamid.")
    assert body == {
        "messaging_product": "whatsapp",
        "contacts": [{"input": WA_ID, "wa_id": WA_ID}],
        "messages": [{"id": message["id"]}],
    }

    async def read() -> bool:
        return [s["status"] for s in _statuses(meta_receiver)] == ["sent", "delivered", "read"]

    await eventually(read)
    for delivery in meta_receiver.of("whatsapp", "statuses"):
        signature = expected_signature(WHATSAPP_SECRET, delivery.body)
        assert delivery.headers["x-hub-signature-256"] == signature
        value = delivery.payload["entry"][0]["changes"][0]["value"]
        assert value["metadata"]["phone_number_id"] == PHONE_NUMBER_ID
    sent, *_ = _statuses(meta_receiver)
    assert sent["id"] == message["id"]
    assert sent["recipient_id"] == WA_ID
    assert sent["biz_opaque_callback_data"] == "msg-1"
    assert sent["conversation"]["origin"] == {"type": "service"}
    assert "expiration_timestamp" in sent["conversation"]
    [received] = await meta.received("whatsapp", WA_ID)
    assert (received["text"], received["reference"], received["duplicate"]) == (
        "Je suis là.",
        "msg-1",
        False,
    )
    assert received["status"] == "read"


async def test_a_free_form_message_before_the_young_person_wrote_is_refused_131047(
    meta: Meta,
) -> None:
    response = await meta.send_whatsapp(whatsapp_text("Bonjour ?"))

    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == 131047
    assert error["error_data"]["messaging_product"] == "whatsapp"
    assert "24 hours" in error["error_data"]["details"]
    assert await meta.received("whatsapp", WA_ID) == []


async def test_an_approved_template_goes_out_of_the_window(meta: Meta) -> None:
    response = await meta.send_whatsapp(whatsapp_template())

    assert response.status_code == 200
    assert response.json()["messages"][0]["message_status"] == "accepted"
    [received] = await meta.received("whatsapp", WA_ID)
    assert received["template"]["name"] == "reprise_contact"
    assert received["template"]["language"] == "fr"


async def test_an_unknown_template_or_language_is_refused_132001(meta: Meta) -> None:
    unknown = await meta.send_whatsapp(whatsapp_template(name="inconnu"))
    wrong_language = await meta.send_whatsapp(whatsapp_template(language="de"))
    await meta.configure("whatsapp", templates=[{"name": "inconnu", "language": "fr"}])
    now_approved = await meta.send_whatsapp(whatsapp_template(name="inconnu"))

    for response in (unknown, wrong_language):
        assert response.status_code == 404
        assert _error(response)["code"] == 132001
    assert now_approved.status_code == 200


async def test_expiring_the_window_at_once(meta: Meta, meta_receiver: MetaReceiver) -> None:
    await _wrote(meta, meta_receiver)
    assert (await meta.send_whatsapp(whatsapp_text("un"))).status_code == 200

    user = await meta.http.post(f"/_control/meta/whatsapp/users/{WA_ID}/expire-window")
    refused = await meta.send_whatsapp(whatsapp_text("deux"))

    assert user.json()["windows"][PHONE_NUMBER_ID]["window_open"] is False
    assert _error(refused)["code"] == 131047
    assert (await meta.send_whatsapp(whatsapp_template())).status_code == 200
    await _wrote(meta, meta_receiver)  # they write again: the window reopens
    assert (await meta.send_whatsapp(whatsapp_text("trois"))).status_code == 200


async def test_the_window_expired_knob_closes_every_window(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    await _wrote(meta, meta_receiver)
    await meta.configure("whatsapp", window_expired=True)

    assert _error(await meta.send_whatsapp(whatsapp_text("x")))["code"] == 131047


async def test_a_short_window_closes_by_itself(
    start_meta: Any, meta_receiver: MetaReceiver
) -> None:
    meta = await start_meta(whatsapp={"window_seconds": 0.2})
    await _wrote(meta, meta_receiver)

    async def closed() -> bool:
        response = await meta.send_whatsapp(whatsapp_text("x"))
        return response.status_code == 400

    await eventually(closed)


async def test_the_window_error_can_come_as_a_failed_status_instead(
    start_meta: Any, meta_receiver: MetaReceiver
) -> None:
    meta = await start_meta(whatsapp={"window_error": "status"})

    response = await meta.send_whatsapp(whatsapp_text("Bonjour ?", reference="msg-9"))

    assert response.status_code == 200
    wamid = response.json()["messages"][0]["id"]

    async def failed() -> bool:
        return bool(_statuses(meta_receiver))

    await eventually(failed)
    [status] = _statuses(meta_receiver)
    assert (status["id"], status["status"]) == (wamid, "failed")
    assert status["errors"][0]["code"] == 131047
    assert status["biz_opaque_callback_data"] == "msg-9"
    [received] = await meta.received("whatsapp", WA_ID)
    assert (received["status"], received["error_code"]) == ("failed", 131047)


async def test_an_undeliverable_young_person_gets_a_failed_status_131026(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    await _wrote(meta, meta_receiver)
    await meta.http.put(f"/_control/meta/whatsapp/users/{WA_ID}", json={"undeliverable": True})

    response = await meta.send_whatsapp(whatsapp_text("Tu me lis ?"))

    assert response.status_code == 200

    async def failed() -> bool:
        return bool(_statuses(meta_receiver))

    await eventually(failed)
    [status] = _statuses(meta_receiver)
    assert status["status"] == "failed" and status["errors"][0]["code"] == 131026


@pytest.mark.parametrize(
    ("body", "code", "names"),
    [
        ({"to": WA_ID, "type": "text", "text": {"body": "x"}}, 131008, "messaging_product"),
        ({"messaging_product": "whatsapp", "type": "text", "text": {"body": "x"}}, 131008, "to"),
        ({"messaging_product": "whatsapp", "to": WA_ID, "type": "text"}, 131008, "text"),
        ({"messaging_product": "whatsapp", "to": WA_ID, "text": {}}, 131008, "text['body']"),
        ({"messaging_product": "whatsapp", "to": "bob", "text": {"body": "x"}}, 100, "to"),
        ({"messaging_product": "whatsapp", "to": WA_ID, "type": "fax", "fax": {}}, 100, "type"),
        (
            {"messaging_product": "whatsapp", "to": WA_ID, "text": {"body": "x" * 4097}},
            131009,
            "text['body']",
        ),
        (
            {**whatsapp_text("x"), "biz_opaque_callback_data": "r" * 513},
            131009,
            "biz_opaque_callback_data",
        ),
        (
            {"messaging_product": "whatsapp", "to": WA_ID, "type": "image", "image": {}},
            100,
            "id and link",
        ),
        (
            {"messaging_product": "whatsapp", "to": WA_ID, "type": "image", "image": {"id": "1"}},
            131009,
            "image['id']",
        ),
        ([1, 2], 100, "JSON object"),
    ],
)
async def test_a_malformed_body_is_refused_naming_what_is_wrong(
    meta: Meta, meta_receiver: MetaReceiver, body: Any, code: int, names: str
) -> None:
    await _wrote(meta, meta_receiver)

    response = await meta.send_whatsapp(body)

    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == code
    assert names in error["error_data"]["details"]
    assert await meta.received("whatsapp", WA_ID) == []


async def test_a_body_that_is_not_json(meta: Meta) -> None:
    response = await meta.http.post(
        f"/v21.0/{PHONE_NUMBER_ID}/messages",
        content=b"to=33612345678",
        headers={"Authorization": "Bearer test-whatsapp-access-token"},
    )

    assert response.status_code == 400 and _error(response)["code"] == 100


async def test_the_access_token_is_checked(meta: Meta) -> None:
    missing = await meta.send_whatsapp(whatsapp_template(), token=None)
    wrong = await meta.send_whatsapp(whatsapp_template(), token="stolen")
    as_parameter = await meta.http.post(
        f"/v21.0/{PHONE_NUMBER_ID}/messages",
        params={"access_token": "test-whatsapp-access-token"},
        json=whatsapp_template(),
    )

    assert (missing.status_code, _error(missing)["code"]) == (400, 2500)
    assert (wrong.status_code, _error(wrong)["code"]) == (401, 190)
    assert as_parameter.status_code == 200
    assert len(await meta.received("whatsapp", WA_ID)) == 1


async def test_an_unknown_business_number_is_refused(meta: Meta) -> None:
    response = await meta.send_whatsapp(whatsapp_template(), node="999000111")

    assert response.status_code == 400
    error = _error(response)
    assert (error["code"], error["error_subcode"], error["type"]) == (
        100,
        33,
        "GraphMethodException",
    )


async def test_media_by_uploaded_id_or_by_link(meta: Meta, meta_receiver: MetaReceiver) -> None:
    await _wrote(meta, meta_receiver)
    upload = await meta.http.post(
        "/_control/meta/media",
        content=b"%PDF-1.4 fiche",
        headers={"content-type": "application/pdf"},
    )
    media_id = upload.json()["id"]

    by_id = await meta.send_whatsapp(
        {
            "messaging_product": "whatsapp",
            "to": WA_ID,
            "type": "document",
            "document": {"id": media_id, "filename": "fiche.pdf", "caption": "La fiche"},
        }
    )
    by_link = await meta.send_whatsapp(
        {
            "messaging_product": "whatsapp",
            "to": WA_ID,
            "type": "image",
            "image": {"link": "https://example.org/affiche.png"},
        }
    )

    assert (by_id.status_code, by_link.status_code) == (200, 200)
    document, image = await meta.received("whatsapp", WA_ID)
    assert document["media"] == {
        "type": "document",
        "id": media_id,
        "link": None,
        "caption": "La fiche",
        "filename": "fiche.pdf",
    }
    assert image["media"]["link"] == "https://example.org/affiche.png"


async def test_the_phone_number_may_be_given_in_international_form(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    await _wrote(meta, meta_receiver)

    response = await meta.send_whatsapp(whatsapp_text("ok", to="+33 6 12 34 56 78"))

    assert response.json()["contacts"] == [{"input": "+33 6 12 34 56 78", "wa_id": WA_ID}]
