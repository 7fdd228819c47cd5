"""The control API's view of the simulated Meta: what each young person received, the
request and webhook logs, the users' windows, and reset."""

from meta_support import PHONE_NUMBER_ID, WA_ID, Meta, MetaReceiver, whatsapp_text
from sim_support import eventually


async def _wrote(meta: Meta, receiver: MetaReceiver, **message: object) -> None:
    await meta.write("whatsapp", text="bonjour", **message)

    async def arrived() -> bool:
        return len(receiver.of("whatsapp", "messages")) >= 1

    await eventually(arrived)


async def test_each_young_person_has_their_own_received_list(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    other = "33698765432"
    await _wrote(meta, meta_receiver)
    await meta.write("whatsapp", text="moi aussi", **{"from": other})
    await meta.send_whatsapp(whatsapp_text("pour toi", "a-1"))
    await meta.send_whatsapp(whatsapp_text("pour l'autre", "b-1", to=other))
    await meta.send_whatsapp(whatsapp_text("encore pour toi", "a-2"))

    mine = await meta.received("whatsapp", WA_ID)
    theirs = await meta.received("whatsapp", other)

    assert [(m["reference"], m["text"]) for m in mine] == [
        ("a-1", "pour toi"),
        ("a-2", "encore pour toi"),
    ]
    assert [m["reference"] for m in theirs] == ["b-1"]
    assert all(m["business"] == PHONE_NUMBER_ID for m in mine + theirs)
    everyone = await meta.get("/_control/meta/whatsapp/received")
    assert len(everyone) == 3
    summary = (await meta.get("/_control/meta/deliveries"))["whatsapp"]
    assert (summary["inbound"], summary["sends"], summary["duplicates"]) == (2, 3, 0)
    assert summary["without_reference"] == 0


async def test_the_request_log_keeps_no_body(meta: Meta, meta_receiver: MetaReceiver) -> None:
    await _wrote(meta, meta_receiver)
    await meta.send_whatsapp(whatsapp_text("secret de la conversation", "a-1"))
    await meta.send_whatsapp(whatsapp_text("x"), token="stolen")

    requests = await meta.get("/_control/meta/requests")

    assert [(r["kind"], r["status"], r["error_code"]) for r in requests] == [
        ("send", 200, None),
        ("send", 401, 190),
    ]
    assert "secret de la conversation" not in str(requests)
    assert requests[0]["path"] == f"/v21.0/{PHONE_NUMBER_ID}/messages"


async def test_a_user_window_can_be_read_and_set(meta: Meta, meta_receiver: MetaReceiver) -> None:
    await _wrote(meta, meta_receiver)

    user = await meta.get(f"/_control/meta/whatsapp/users/{WA_ID}")
    assert user["windows"][PHONE_NUMBER_ID]["window_open"] is True
    forgotten = await meta.http.put(
        f"/_control/meta/whatsapp/users/{WA_ID}", json={"last_inbound_at": {PHONE_NUMBER_ID: None}}
    )

    assert forgotten.json()["windows"] == {}
    assert (await meta.send_whatsapp(whatsapp_text("x"))).status_code == 400


async def test_reset_forgets_meta_records_and_keeps_config_unless_asked(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    await _wrote(meta, meta_receiver)
    await meta.send_whatsapp(whatsapp_text("x", "a-1"))
    await meta.configure("whatsapp", window_seconds=60)

    await meta.http.post("/_control/reset")

    assert await meta.received("whatsapp", WA_ID) == []
    assert await meta.get("/_control/meta/requests") == []
    assert await meta.get("/_control/meta/whatsapp/inbound") == []
    assert (await meta.send_whatsapp(whatsapp_text("x"))).status_code == 400, "window forgotten"
    assert (await meta.get("/_control/meta/whatsapp"))["window_seconds"] == 60
    await meta.http.post("/_control/reset", params={"config": "true"})
    assert (await meta.get("/_control/meta/whatsapp"))["window_seconds"] == 86400
