"""Meta misbehaving, per channel: outages, 429 storms, transient 500s, and a message
stored by Meta whose answer was lost (Meta has no idempotency key: a retry is a second
message, and the young person's received list shows it)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from meta_support import (
    PAGE_ID,
    PSID,
    WA_ID,
    Meta,
    MetaReceiver,
    messenger_text,
    whatsapp_template,
    whatsapp_text,
)
from sim_support import eventually


async def _wrote(meta: Meta, receiver: MetaReceiver, channel: str) -> None:
    await meta.write(channel, text="bonjour")

    async def arrived() -> bool:
        return bool(receiver.of(channel))

    await eventually(arrived)


async def test_an_outage_answers_meta_503_with_retry_after(meta: Meta) -> None:
    until = datetime.now(UTC) + timedelta(minutes=10)
    await meta.configure("whatsapp", outage={"until": until.isoformat()})

    down = await meta.send_whatsapp(whatsapp_template())
    await meta.configure("whatsapp", outage={"until": None})
    back = await meta.send_whatsapp(whatsapp_template())

    assert down.status_code == 503
    error = down.json()["error"]
    assert (error["code"], error["is_transient"]) == (2, True)
    assert 590 <= int(down.headers["Retry-After"]) <= 600
    assert back.status_code == 200
    assert len(await meta.received("whatsapp", WA_ID)) == 1


async def test_an_outage_can_cut_the_connection(meta: Meta) -> None:
    await meta.configure("messenger", outage={"active": True, "answer": "reset"})

    with pytest.raises(httpx.TransportError):
        await meta.send_messenger(messenger_text("allo"))

    requests = await meta.get("/_control/meta/requests", channel="messenger")
    assert [r["fault"] for r in requests] == ["connection_reset"]


async def test_rate_limit_next_whatsapp_130429_with_retry_after(meta: Meta) -> None:
    await meta.configure("whatsapp", rate_limit_next=2, retry_after_seconds=3)

    first = await meta.send_whatsapp(whatsapp_template())
    second = await meta.send_whatsapp(whatsapp_template())
    third = await meta.send_whatsapp(whatsapp_template())

    for limited in (first, second):
        assert limited.status_code == 429
        assert limited.headers["Retry-After"] == "3"
        assert limited.json()["error"]["code"] == 130429
    assert third.status_code == 200
    assert (await meta.get("/_control/meta/whatsapp"))["rate_limit_next"] == 0


async def test_other_rate_limit_codes_and_no_retry_after(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    await _wrote(meta, meta_receiver, "messenger")
    await meta.configure("whatsapp", rate_limit_next=1, rate_limit_code=80007)
    await meta.configure("messenger", rate_limit_next=2)

    whatsapp = await meta.send_whatsapp(whatsapp_template())
    messenger = await meta.send_messenger(messenger_text("x"))
    await meta.configure("messenger", rate_limit_code=4)
    app_level = await meta.send_messenger(messenger_text("x"))

    assert (whatsapp.status_code, whatsapp.json()["error"]["code"]) == (400, 80007)
    assert (messenger.status_code, messenger.json()["error"]["code"]) == (400, 613)
    app_error = app_level.json()["error"]
    assert (app_error["code"], app_error["error_subcode"]) == (4, 2018022)
    for response in (whatsapp, messenger, app_level):
        assert "Retry-After" not in response.headers


async def test_a_429_storm_window(meta: Meta) -> None:
    await meta.configure("whatsapp", rate_limit_window={"active": True})

    statuses = [(await meta.send_whatsapp(whatsapp_template())).status_code for _ in range(3)]
    await meta.configure("whatsapp", rate_limit_window={"active": False})

    assert statuses == [429, 429, 429]
    assert (await meta.send_whatsapp(whatsapp_template())).status_code == 200


async def test_transient_500s_for_n_calls(meta: Meta, meta_receiver: MetaReceiver) -> None:
    await _wrote(meta, meta_receiver, "messenger")
    await meta.configure("whatsapp", fail_next=2)
    await meta.configure("messenger", fail_next=1)

    whatsapp = [await meta.send_whatsapp(whatsapp_template()) for _ in range(3)]
    messenger = [await meta.send_messenger(messenger_text("x")) for _ in range(2)]

    assert [r.status_code for r in whatsapp] == [500, 500, 200]
    assert whatsapp[0].json()["error"]["code"] == 131000
    assert [r.status_code for r in messenger] == [500, 200]
    assert messenger[0].json()["error"]["code"] == 1200
    assert len(await meta.received("whatsapp", WA_ID)) == 1


async def test_a_lost_answer_then_a_retry_shows_the_duplicate(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    await _wrote(meta, meta_receiver, "whatsapp")
    await meta.configure("whatsapp", lose_next_responses=1)

    lost = await meta.send_whatsapp(whatsapp_text("Votre signalement est parti.", "news-1"))
    retried = await meta.send_whatsapp(whatsapp_text("Votre signalement est parti.", "news-1"))

    assert lost.status_code == 500 and lost.json()["error"]["code"] == 131000
    assert retried.status_code == 200
    first, second = await meta.received("whatsapp", WA_ID)
    assert (first["duplicate"], second["duplicate"]) == (False, True)
    assert first["message_id"] != second["message_id"]
    summary = (await meta.get("/_control/meta/deliveries"))["whatsapp"]
    assert (summary["sends"], summary["duplicates"]) == (2, 1)
    assert summary["duplicate_references"] == ["news-1"]
    requests = await meta.get("/_control/meta/requests", channel="whatsapp", kind="send")
    assert [(r["status"], r["fault"], r["reference"]) for r in requests] == [
        (500, "lost_response", "news-1"),
        (200, None, "news-1"),
    ]

    async def both_delivered() -> bool:
        received = await meta.received("whatsapp", WA_ID)
        return all(m["status"] == "read" for m in received)

    await eventually(both_delivered)  # the young person really got it twice


async def test_a_lost_answer_can_look_like_a_timeout(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    await _wrote(meta, meta_receiver, "messenger")
    await meta.configure("messenger", lose_next_responses=1, lost_response_delay_seconds=1)

    with pytest.raises(httpx.ReadTimeout):
        await meta.http.post(
            "/v21.0/me/messages",
            json=messenger_text("x", reference="news-2"),
            headers={"Authorization": "Bearer test-messenger-page-token"},
            timeout=0.2,
        )

    [stored] = await meta.received("messenger", PSID)
    assert stored["reference"] == "news-2"


async def test_faults_on_post_leave_media_reads_alone(
    meta: Meta, meta_receiver: MetaReceiver
) -> None:
    written = await meta.write("whatsapp", type="image")
    await meta.configure("whatsapp", faults_on="post", outage={"active": True})

    info = await meta.http.get(
        f"/v21.0/{written['media_id']}",
        headers={"Authorization": "Bearer test-whatsapp-access-token"},
    )
    send = await meta.send_whatsapp(whatsapp_template())
    control = await meta.http.get("/_control/meta/whatsapp")

    assert (info.status_code, send.status_code, control.status_code) == (200, 503, 200)


async def test_a_config_update_is_validated_and_secrets_stay_masked(meta: Meta) -> None:
    cases: dict[str, Any] = {
        "outage.answer": {"outage": {"answer": "teapot"}},
        "window_seconds": {"window_seconds": 0},
        "templates.0.language": {"templates": [{"name": "x", "language": "French"}]},
        "colour": {"colour": "blue"},
    }
    for field, update in cases.items():
        response = await meta.http.put("/_control/meta/whatsapp", json=update)
        assert response.status_code == 422, field
        assert [e["field"] for e in response.json()["detail"]] == [field]

    shown = await meta.configure("messenger", retry_after_seconds=5)

    assert shown["app_secret"] == shown["access_token"] == "**********"
    assert shown["retry_after_seconds"] == 5
    assert shown["pages"][0]["page_id"] == PAGE_ID
    assert (await meta.get("/_control/meta"))["whatsapp"]["window_seconds"] == 86400
