"""Decisions pushed to Relais: signed, retried with backoff, every attempt recorded."""

from sim_support import Receiver, StartSim, eventually

from relais.serving import free_port


async def test_platform_decision_arrives_signed_by_webhook(
    start_sim: StartSim, receiver: Receiver
) -> None:
    sim = await start_sim(
        webhook_base_url=receiver.base_url, defaults={"decision_delay_seconds": 0.05}
    )
    await sim.notice("tiktok", "key-1", location={"url": "https://t/1"})

    async def delivered() -> bool:
        return bool(receiver.received)

    await eventually(delivered)
    assert receiver.bad_signatures == 0
    [call] = receiver.received
    assert (call["family"], call["slug"]) == ("platforms", "tiktok")
    body = call["body"]
    assert set(body) == {
        "notice_id",
        "idempotency_key",
        "reference",
        "decision",
        "reason",
        "decided_at",
        "decision_reference",
    }
    assert body["decision_reference"] == "SOR-tiktok-1"
    assert (body["notice_id"], body["reference"], body["decision"]) == (
        "key-1",
        "tiktok-1",
        "removed",
    )
    [attempt] = await sim.get_json("/_control/webhooks")
    assert (attempt["attempt"], attempt["status_code"], attempt["delivered"]) == (1, 200, True)


async def test_partner_outcome_webhook_is_retried_until_accepted(
    start_sim: StartSim, receiver: Receiver
) -> None:
    receiver.fail_first = 2
    sim = await start_sim(
        webhook_base_url=receiver.base_url,
        defaults={"decision_delay_seconds": 0.05, "outcome": "closed"},
    )
    await sim.handoff("france-victimes", "ref-1")

    async def delivered() -> bool:
        return bool(receiver.received)

    await eventually(delivered)
    [call] = receiver.received
    assert (call["family"], call["slug"]) == ("partners", "france-victimes")
    assert set(call["body"]) == {
        "referral_id",
        "idempotency_key",
        "reference",
        "status",
        "detail",
        "at",
    }
    assert (call["body"]["referral_id"], call["body"]["status"]) == ("ref-1", "closed")
    attempts = await sim.get_json("/_control/webhooks", target="france-victimes")
    assert [(a["attempt"], a["status_code"], a["delivered"]) for a in attempts] == [
        (1, 503, False),
        (2, 503, False),
        (3, 200, True),
    ]


async def test_webhook_to_an_api_that_is_down_gives_up_after_bounded_attempts(
    start_sim: StartSim,
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    sim = await start_sim(webhook_base_url=nobody, defaults={"decision_delay_seconds": 0})
    await sim.notice("x", "key-1")

    async def all_attempts_made() -> bool:
        return len(await sim.get_json("/_control/webhooks")) == 4  # 1 + 3 retry delays

    await eventually(all_attempts_made)
    attempts = await sim.get_json("/_control/webhooks")
    assert all(a["error"] == "ConnectError" and not a["delivered"] for a in attempts)
    # The decision stands even though Relais never heard it: polling still finds it.
    assert (await sim.get_json("/platforms/x/notices/x-1"))["status"] == "removed"


async def test_a_forced_decision_is_sent_to_a_configured_webhook_url(
    start_sim: StartSim, receiver: Receiver
) -> None:
    sim = await start_sim(defaults={"decision": "none"})
    await sim.configure("snapchat", webhook_url=f"{receiver.base_url}/webhooks/platforms/snap")
    reference = (await sim.notice("snapchat", "key-1")).json()["reference"]

    await sim.http.post(
        "/_control/decide",
        json={"target": "snapchat", "reference": reference, "decision": "refused"},
    )

    async def delivered() -> bool:
        return bool(receiver.received)

    await eventually(delivered)
    assert receiver.received[0]["slug"] == "snap"
    assert receiver.received[0]["body"]["decision"] == "refused"
    assert receiver.received[0]["body"]["reason"]


async def test_poll_targets_send_no_webhook(start_sim: StartSim, receiver: Receiver) -> None:
    sim = await start_sim(
        webhook_base_url=receiver.base_url,
        defaults={"decision_delay_seconds": 0, "delivery": "poll"},
    )
    await sim.notice("x", "key-1")

    async def decided() -> bool:
        return bool((await sim.get_json("/platforms/x/notices/x-1"))["status"] == "removed")

    await eventually(decided)
    assert await sim.get_json("/_control/webhooks") == []
    assert receiver.calls == 0
