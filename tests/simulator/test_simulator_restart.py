"""The simulator with ``--state-file`` keeps what it received across its own restart:
references, duplicates detection, planned decisions (taken when planned, even if
that fell while it was down) and webhooks not yet delivered."""

from pathlib import Path
from typing import Any

import httpx
from sim_support import SECRET, Receiver, Sim, eventually

from relais.serving import serve_app
from simulator import SimulatorConfig, create_app


def config(receiver: Receiver, **defaults: Any) -> SimulatorConfig:
    return SimulatorConfig.model_validate(
        {
            "webhook_secret": SECRET,
            "webhook_retry_delays": [0.02, 0.05, 0.1],
            "webhook_base_url": receiver.base_url,
            "defaults": defaults,
        }
    )


async def test_a_restart_keeps_notices_and_takes_the_planned_decision(
    tmp_path: Path, receiver: Receiver
) -> None:
    journal = tmp_path / "simulator-state.jsonl"
    slow = config(receiver, decision_delay_seconds=1.0)
    async with serve_app(create_app(slow, state_file=journal)) as base:
        async with httpx.AsyncClient(base_url=base) as http:
            sim = Sim(base, http)
            first = await sim.notice("tiktok", "key-1")
            assert first.status_code == 201
            reference = first.json()["reference"]
            await sim.configure("x", delivery="poll", decision="refused")
    assert receiver.received == [], "stopped before its decision"

    async with serve_app(create_app(slow, state_file=journal)) as base:
        async with httpx.AsyncClient(base_url=base) as http:
            sim = Sim(base, http)
            again = await sim.notice("tiktok", "key-1")  # Relais retrying after the restart
            assert (again.status_code, again.json()["reference"]) == (200, reference)
            assert (await sim.deliveries("tiktok"))["duplicates"] == 1
            second = await sim.notice("tiktok", "key-2")
            assert second.json()["reference"] != reference, "references never reused"
            assert (await sim.get_json("/_control/targets/x"))["decision"] == "refused"

            async def decided() -> bool:
                return any(w["body"]["reference"] == reference for w in receiver.received)

            await eventually(decided, within=10)
            notice = await sim.get_json(f"/platforms/tiktok/notices/{reference}")
            assert notice["status"] == "removed"
    assert sum(w["body"]["reference"] == reference for w in receiver.received) == 1


async def test_a_webhook_owed_before_the_restart_is_sent_after_it(
    tmp_path: Path, receiver: Receiver
) -> None:
    journal = tmp_path / "simulator-state.jsonl"
    receiver.fail_first = 1000  # Relais is down: nothing is delivered
    fast = config(receiver, decision_delay_seconds=0.01)
    async with serve_app(create_app(fast, state_file=journal)) as base:
        async with httpx.AsyncClient(base_url=base) as http:
            sim = Sim(base, http)
            reference = (await sim.notice("tiktok", "key-1")).json()["reference"]

            async def decided() -> bool:
                body = await sim.get_json(f"/platforms/tiktok/notices/{reference}")
                return bool(body["status"] == "removed")

            await eventually(decided)
    receiver.fail_first = 0
    async with serve_app(create_app(fast, state_file=journal)):

        async def delivered() -> bool:
            return any(w["body"]["reference"] == reference for w in receiver.received)

        await eventually(delivered, within=10)
    assert journal.stat().st_mode & 0o077 == 0, "readable by its owner only"
