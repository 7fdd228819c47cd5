"""A partner down for days, under time skipping with production retry profiles:
the handoff arrives once when the partner comes back; past the deadline a
counsellor phones, and a partner coming back afterwards gets nothing."""

from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from domain import contract
from domain.policy import CasePolicy
from domain.tasks import TaskKind
from tests.referrals.support import (
    handoff_posts,
    open_case,
    open_tasks,
    post_partner_status,
    record_phone_handoff,
    refer,
    referral_of,
)
from tests.referrals.test_manual_handoff import pending_activities
from tests.support.stack import running_stack
from tests.support.waiting import eventually


async def test_partner_down_two_days_gets_the_handoff_when_back(
    time_skipping_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    env = time_skipping_env
    async with running_stack(env.client, tmp_path) as stack:
        await stack.configure_target("france-victimes", outage={"active": True})
        case_id = await open_case(stack)
        referral_id = await refer(stack, case_id, "france-victimes")
        await eventually(
            lambda: handoff_posts(stack, "france-victimes"), bool, what="first attempt"
        )
        handle = stack.client.get_workflow_handle(contract.REFERRAL.workflow_id(referral_id))
        await env.fast_forward(handle, timedelta(hours=47))
        attempts = await handoff_posts(stack, "france-victimes")
        assert len(attempts) >= 20, "retried with capped backoff all along"
        assert {a["status"] for a in attempts} == {503}
        assert await open_tasks(stack, case_id, TaskKind.MANUAL_HANDOFF) == []
        # The case says what "pending" means: unreachable, since when, how often, what next.
        pending = await referral_of(stack, case_id, referral_id)
        delivery = pending["delivery"]
        assert pending["status"] == "pending" and delivery["attempts"] >= 19
        assert delivery["detail"].startswith(
            f"the partner is unreachable: {delivery['attempts']} failed attempts since "
        )
        assert "; next attempt " in delivery["detail"] and delivery["next_attempt_at"]

        await stack.configure_target("france-victimes", outage={"active": False})
        await env.fast_forward(handle, timedelta(hours=2))  # the 2 h cap of the backoff
        acknowledged = await eventually(
            lambda: referral_of(stack, case_id, referral_id),
            lambda r: r["status"] in ("acknowledged", "accepted"),
            what="handed over once the partner is back",
        )
        assert acknowledged["manual"] is False and acknowledged["delivery"] is None
        deliveries = (await stack.deliveries())["targets"]["france-victimes"]
        assert (deliveries["handoffs"], deliveries["duplicates"]) == (1, 0)


async def test_deadline_then_phone_handoff_then_partner_back_without_duplicate(
    time_skipping_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    env = time_skipping_env
    # Production retry profile; the police deadline (2 h by default) cut to 15 minutes
    # to keep the test short: every retry still runs, one by one.
    policy = CasePolicy(emergency_handoff_deadline=timedelta(minutes=15))
    async with running_stack(env.client, tmp_path, policy=policy) as stack:
        await stack.configure_target("police", outage={"active": True})
        case_id = await open_case(stack)
        referral_id = await refer(stack, case_id, "police")
        handle = stack.client.get_workflow_handle(contract.REFERRAL.workflow_id(referral_id))
        await eventually(lambda: handoff_posts(stack, "police"), bool, what="first attempt")
        await env.fast_forward(handle, timedelta(minutes=16))
        [task] = await eventually(
            lambda: open_tasks(stack, case_id, TaskKind.MANUAL_HANDOFF),
            bool,
            what="a counsellor asked to phone the police",
        )
        assert "by phone" in task.summary
        assert (await referral_of(stack, case_id, referral_id))["status"] == "pending"

        answer = await record_phone_handoff(stack, case_id, referral_id, "BN-2024-0042")
        assert answer.status_code == 200, answer.text
        assert await open_tasks(stack, case_id, TaskKind.MANUAL_HANDOFF) == []
        assert await pending_activities(stack, referral_id) == []
        tried = len(await handoff_posts(stack, "police"))

        # The police come back and a day passes: had the automatic handoff lived on,
        # its retries (every 5 minutes at most) would have reached them.
        await stack.configure_target("police", outage={"active": False})
        await env.fast_forward(handle, timedelta(days=1))
        assert len(await handoff_posts(stack, "police")) == tried
        deliveries = (await stack.deliveries())["targets"]["police"]
        assert (deliveries["handoffs"], deliveries["posts"]) == (0, 0)

        await post_partner_status(stack, "police", referral_id, "accepted", "BN-2024-0042")
        accepted = await eventually(
            lambda: referral_of(stack, case_id, referral_id),
            lambda r: r["status"] == "accepted",
            what="the outcome of the phone handoff",
        )
        assert accepted["manual"] is True
