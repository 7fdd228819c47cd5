"""A counsellor records a handoff made by phone: the automatic handoff stops, the
referral shows acknowledged by phone, and the partner's outcome still arrives.
Retries are compressed to seconds (``Stack.compress_retries``); the days-long
version runs under time skipping in ``test_outage``."""

from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from domain import contract
from domain.tasks import TaskKind
from tests.referrals.support import (
    case_view,
    handoffs_received,
    open_case,
    open_tasks,
    post_partner_status,
    record_phone_handoff,
    refer,
    referral_of,
)
from tests.support.client import auth
from tests.support.policies import fast_policy
from tests.support.stack import Stack, running_stack
from tests.support.waiting import eventually

POLICY = fast_policy(callback_delay=timedelta(seconds=30))


async def pending_activities(stack: Stack, referral_id: str) -> list[str]:
    handle = stack.client.get_workflow_handle(contract.REFERRAL.workflow_id(referral_id))
    described = await handle.describe()
    return [a.activity_type.name for a in described.raw_description.pending_activities]


async def test_phone_handoff_stops_the_automatic_one_and_is_idempotent(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=POLICY) as stack:
        stack.compress_retries("police")
        await stack.configure_target("police", outage={"active": True})
        case_id = await open_case(stack)
        referral_id = await refer(stack, case_id, "police")
        await eventually(
            lambda: pending_activities(stack, referral_id),
            lambda names: names == ["hand_over"],
            what="the automatic handoff retrying",
        )
        url = f"/cases/{case_id}/referrals/{referral_id}/manual-handoff"
        body = {"partner_reference": "BN-2024-0042"}
        assert (await stack.api.post(url, json=body, headers=auth("auditor"))).status_code == 403
        other = await stack.api.post(
            f"/cases/{case_id}x/referrals/{referral_id}/manual-handoff",
            json=body,
            headers=auth("counsellor"),
        )
        assert other.status_code == 404
        unknown = await record_phone_handoff(stack, case_id, f"{case_id}-r9", "BN-1")
        assert unknown.status_code == 404
        blank = await record_phone_handoff(stack, case_id, referral_id, " ")
        assert blank.status_code == 422
        assert blank.json()["detail"][0]["loc"] == ["body", "partner_reference"]

        first = await record_phone_handoff(
            stack, case_id, referral_id, "BN-2024-0042", **{"Idempotency-Key": "k1"}
        )
        assert first.status_code == 200, first.text
        recorded = first.json()
        assert recorded["status"] == "acknowledged" and recorded["manual"] is True
        assert recorded["partner_reference"] == "BN-2024-0042"
        # Retries answer the same; another reference is refused, naming the field.
        again = await record_phone_handoff(
            stack, case_id, referral_id, "BN-2024-0042", **{"Idempotency-Key": "k1"}
        )
        assert again.status_code == 200 and again.json() == recorded
        same = await record_phone_handoff(stack, case_id, referral_id, "BN-2024-0042")
        assert same.status_code == 200 and same.json()["partner_reference"] == "BN-2024-0042"
        different = await record_phone_handoff(stack, case_id, referral_id, "BN-9")
        assert different.status_code == 422
        assert different.json()["detail"][0]["loc"] == ["partner_reference"]

        assert await pending_activities(stack, referral_id) == []
        on_case = await eventually(
            lambda: referral_of(stack, case_id, referral_id),
            lambda r: r["status"] == "acknowledged",
            what="the case shows the phone handoff",
        )
        assert on_case["manual"] is True and on_case["partner_reference"] == "BN-2024-0042"
        await stack.configure_target("police", outage={"active": False})
        await post_partner_status(stack, "police", referral_id, "accepted", "BN-2024-0042")
        await eventually(
            lambda: referral_of(stack, case_id, referral_id),
            lambda r: r["status"] == "accepted",
            what="the partner's outcome after a phone handoff",
        )
        assert await handoffs_received(stack, "police") == []


async def test_no_phone_handoff_once_the_partner_acknowledged(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=POLICY) as stack:
        await stack.configure_target("france-victimes", outcome="none")
        case_id = await open_case(stack)
        referral_id = await refer(stack, case_id, "france-victimes")
        acknowledged = await eventually(
            lambda: referral_of(stack, case_id, referral_id),
            lambda r: r["status"] == "acknowledged",
            what="acknowledged",
        )
        refused = await record_phone_handoff(stack, case_id, referral_id, "FV-1")
        assert refused.status_code == 422
        [problem] = refused.json()["detail"]
        assert problem["loc"] == ["partner_reference"]
        assert acknowledged["partner_reference"] in problem["msg"]


async def test_failed_handoff_waits_for_the_phone_handoff(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=POLICY) as stack:
        await stack.configure_target("france-victimes", reject_with=422, reject_reason="schema")
        case_id = await open_case(stack)
        referral_id = await refer(stack, case_id, "france-victimes")
        failed = await eventually(
            lambda: referral_of(stack, case_id, referral_id),
            lambda r: r["status"] == "failed",
            what="failed for good",
        )
        assert failed["manual"] is False
        view = await case_view(stack, case_id)
        assert any(
            "automatic handoff failed (hand over referral: refused (422) schema)" in e["detail"]
            for e in view["timeline"]
        )
        [task] = await open_tasks(stack, case_id, TaskKind.MANUAL_HANDOFF)
        assert referral_id in task.summary

        answer = await record_phone_handoff(stack, case_id, referral_id, "FV-77")
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == "acknowledged"
        assert await open_tasks(stack, case_id, TaskKind.MANUAL_HANDOFF) == []
        await post_partner_status(stack, "france-victimes", referral_id, "in_progress", "FV-77")
        await eventually(
            lambda: referral_of(stack, case_id, referral_id),
            lambda r: r["status"] == "in_progress",
            what="the partner's news after the phone handoff",
        )
