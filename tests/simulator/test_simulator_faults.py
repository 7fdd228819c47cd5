"""Failure modes: what our adapters must survive, and what the simulator records."""

import asyncio
from datetime import UTC, datetime, timedelta

from sim_support import Sim, StartSim, eventually


async def test_rate_limit_next_answers_429_with_retry_after(sim: Sim) -> None:
    await sim.configure("tiktok", rate_limit_next=1, retry_after_seconds=7)

    limited = await sim.notice("tiktok", "key-1")
    accepted = await sim.notice("tiktok", "key-1")

    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "7"
    assert accepted.status_code == 201
    summary = await sim.deliveries("tiktok")
    assert (summary["attempts"], summary["posts"], summary["duplicates"]) == (2, 1, 0)


async def test_rate_limit_every_third_request(sim: Sim) -> None:
    await sim.configure("discord", rate_limit={"every": 3, "retry_after_seconds": 2})

    statuses = [(await sim.notice("discord", f"key-{i}")).status_code for i in range(6)]

    assert statuses == [201, 201, 429, 201, 201, 429]
    requests = await sim.get_json("/_control/requests", target="discord", kind="notice")
    assert [r["fault"] for r in requests if r["status"] == 429] == ["rate_limited"] * 2


async def test_outage_while_active_and_until_a_time(sim: Sim) -> None:
    await sim.configure("pharos", outage={"active": True})
    down = await sim.handoff("pharos", "ref-1")
    until = datetime.now(UTC) + timedelta(hours=2)
    await sim.configure("pharos", outage={"active": False, "until": until.isoformat()})
    maintenance = await sim.handoff("pharos", "ref-1")
    await sim.configure("pharos", outage={"until": None})
    back = await sim.handoff("pharos", "ref-1")

    assert down.status_code == 503
    assert maintenance.status_code == 503
    assert 7100 <= int(maintenance.headers["Retry-After"]) <= 7200
    assert back.status_code == 201
    assert (await sim.deliveries("pharos"))["handoffs"] == 1


async def test_a_planned_outage_window_in_the_future_lets_requests_through(sim: Sim) -> None:
    start = datetime.now(UTC) + timedelta(hours=1)
    window = {"start": start.isoformat(), "until": (start + timedelta(hours=1)).isoformat()}
    await sim.configure("pharos", outage=window)

    assert (await sim.handoff("pharos", "ref-1")).status_code == 201


async def test_fail_next_fails_that_many_requests_then_recovers(sim: Sim) -> None:
    await sim.configure("instagram", fail_next=2)

    statuses = [(await sim.notice("instagram", "key-1")).status_code for _ in range(3)]

    assert statuses == [503, 503, 201]
    assert (await sim.get_json("/_control/targets/instagram"))["fail_next"] == 0
    summary = await sim.deliveries("instagram")
    assert (summary["attempts"], summary["posts"], summary["duplicates"]) == (3, 1, 0)


async def test_a_lost_response_is_processed_and_the_retry_is_a_duplicate(sim: Sim) -> None:
    await sim.configure("facebook", lose_next_responses=1)

    lost = await sim.notice("facebook", "key-1")
    retry = await sim.notice("facebook", "key-1")

    assert lost.status_code == 500
    assert retry.status_code == 200
    assert retry.json()["reference"] == "facebook-1"
    summary = await sim.deliveries("facebook")
    assert (summary["notices"], summary["duplicates"], summary["ids_under_several_keys"]) == (
        1,
        1,
        [],
    )
    requests = await sim.get_json("/_control/requests", target="facebook")
    assert requests[0]["fault"] == "lost_response"
    assert requests[0]["reference"] == "facebook-1"

    async def decided() -> bool:
        notice = await sim.get_json("/platforms/facebook/notices/facebook-1")
        return bool(notice["status"] == "removed")

    await eventually(decided)


async def test_reject_with_is_a_permanent_error_with_its_reason(sim: Sim) -> None:
    await sim.configure("roblox", reject_with=422, reject_reason="location is not a Roblox URL")

    first = await sim.notice("roblox", "key-1")
    second = await sim.notice("roblox", "key-1")

    assert (first.status_code, second.status_code) == (422, 422)
    assert first.json() == {"detail": "location is not a Roblox URL"}
    assert (await sim.deliveries("roblox"))["notices"] == 0


async def test_random_faults_repeat_for_the_same_seed(start_sim: StartSim) -> None:
    async def run() -> list[int]:
        sim = await start_sim(defaults={"error_rate": 0.5, "seed": 42, "delivery": "poll"})
        return [(await sim.notice("twitch", f"key-{i}")).status_code for i in range(20)]

    first, second = await run(), await run()

    assert first == second
    assert set(first) == {201, 503}


async def test_faults_on_post_leave_reads_alone(sim: Sim) -> None:
    await sim.configure("youtube", faults_on="post", error_rate=1.0)

    assert (await sim.notice("youtube", "key-1")).status_code == 503
    content = await sim.http.get("/platforms/youtube/content", params={"url": "https://y/1"})
    assert content.status_code == 200


async def test_latency_delays_the_answer(sim: Sim) -> None:
    await sim.configure("mym", latency_ms=150)
    loop = asyncio.get_running_loop()

    started = loop.time()
    response = await sim.notice("mym", "key-1")

    assert response.status_code == 201
    assert loop.time() - started >= 0.15
