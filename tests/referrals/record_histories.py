"""Record ReferralWorkflow histories of the paths the replay tests pin.

    .venv/bin/python -m tests.referrals.record_histories [scenario ...]

Each scenario runs on a fresh dev server with the whole stack and writes the
history of its referral workflows to ``tests/histories/<scenario>/``. The
``referral_deadline_then_ack`` and ``referral_failed`` histories were recorded with
the code before phone handoffs existed (commit 7249345): they stand for referrals
running in production when that change shipped; the four first ones were all recorded
before referrals sent their final progress by signal. Payloads are saved decoded: the
replayer has none of the recording process's case keys.
"""

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from domain import contract
from domain.policy import CasePolicy
from domain.tasks import TaskKind
from tests.referrals.support import (
    case_view,
    open_case,
    open_tasks,
    post_partner_status,
    record_phone_handoff,
    refer,
)
from tests.support.history_files import decoded
from tests.support.stack import Stack, running_stack
from tests.support.temporal import start_local_server
from tests.support.waiting import eventually

HISTORIES = Path(__file__).resolve().parent.parent / "histories"
POLICY = CasePolicy(
    emergency_handoff_deadline=timedelta(seconds=1),
    handoff_deadline=timedelta(seconds=1),
    referral_poll_interval=timedelta(milliseconds=300),
)


async def _status(stack: Stack, case_id: str, referral_id: str) -> str:
    view = await case_view(stack, case_id)
    [referral] = [r for r in view["referrals"] if r["referral_id"] == referral_id]
    status: str = referral["status"]
    return status


async def _task_opened(stack: Stack, case_id: str) -> None:
    await eventually(
        lambda: open_tasks(stack, case_id, TaskKind.MANUAL_HANDOFF),
        bool,
        what="phone handoff task",
    )


async def deadline_then_ack(stack: Stack) -> str:
    """Police down at triage: the deadline passes, a task opens, police come back."""
    await stack.configure_target("police", outage={"active": True})
    case_id = await open_case(
        stack, risk_flags=["suicidal_risk"], consents={"referral_partners": []}
    )
    await _task_opened(stack, case_id)
    await stack.configure_target("police", outage={"active": False})
    await eventually(
        lambda: _status(stack, case_id, f"{case_id}-r1"),
        lambda s: s == "accepted",
        what="accepted",
        within=60,
    )
    return f"{case_id}-r1"


async def failed(stack: Stack) -> str:
    """The partner refuses the handoff for good: a phone handoff task."""
    await stack.configure_target("france-victimes", reject_with=422, reject_reason="bad request")
    case_id = await open_case(stack)
    referral_id = await refer(stack, case_id, "france-victimes")
    await eventually(
        lambda: _status(stack, case_id, referral_id), lambda s: s == "failed", what="failed"
    )
    await _task_opened(stack, case_id)
    return referral_id


async def phone_handoff(stack: Stack) -> str:
    """Police down: the deadline passes, a counsellor phones, police come back and
    get nothing; the outcome comes by the partner's webhook."""
    await stack.configure_target("police", outage={"active": True})
    case_id = await open_case(stack)
    referral_id = await refer(stack, case_id, "police")
    await _task_opened(stack, case_id)
    answer = await record_phone_handoff(stack, case_id, referral_id, "BN-2024-0042")
    assert answer.status_code == 200, answer.text
    await stack.configure_target("police", outage={"active": False})
    await post_partner_status(stack, "police", referral_id, "accepted", "BN-2024-0042")
    await eventually(
        lambda: _status(stack, case_id, referral_id), lambda s: s == "accepted", what="accepted"
    )
    return referral_id


async def failed_then_phone_handoff(stack: Stack) -> str:
    referral_id = await failed(stack)
    case_id = referral_id.rsplit("-r", 1)[0]
    answer = await record_phone_handoff(stack, case_id, referral_id, "FV-77")
    assert answer.status_code == 200, answer.text
    await post_partner_status(stack, "france-victimes", referral_id, "accepted", "FV-77")
    await eventually(
        lambda: _status(stack, case_id, referral_id), lambda s: s == "accepted", what="accepted"
    )
    return referral_id


SCENARIOS: dict[str, Callable[[Stack], Awaitable[str]]] = {
    "referral_deadline_then_ack": deadline_then_ack,
    "referral_failed": failed,
    "referral_phone_handoff": phone_handoff,
    "referral_failed_then_phone_handoff": failed_then_phone_handoff,
    # Recorded after REFERRAL_FINAL_PROGRESS: the referral's last word goes by signal.
    "referral_phone_handoff_final_progress": phone_handoff,
}


async def record(scenario: str) -> None:
    env = await start_local_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with running_stack(env.client, Path(tmp), policy=POLICY) as stack:
                referral_id = await SCENARIOS[scenario](stack)
                handle = env.client.get_workflow_handle(contract.REFERRAL.workflow_id(referral_id))
                history = await handle.fetch_history()
                codec = env.client.data_converter.payload_codec
                assert codec is not None
                history = await decoded(history, codec)  # replayable without our keys
                folder = HISTORIES / scenario
                folder.mkdir(parents=True, exist_ok=True)
                (folder / "referral-r1.json").write_text(history.to_json())
                print(f"{scenario}: {len(history.events)} events", file=sys.stderr)
    finally:
        await env.shutdown()


async def main(scenarios: list[str]) -> None:
    for scenario in scenarios or list(SCENARIOS):
        await record(scenario)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
