"""A partner down for days, under time skipping with production retry profiles,
through the whole stack: the case says in words that the partner is unreachable
(the API's view of the referral), and the handoff arrives once when the partner
comes back. The deadline passing, the phone handoff and a partner coming back
afterwards getting nothing are the referral workflow's own logic:
tests/workflows/test_referral.py."""

from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from domain import contract
from domain.tasks import TaskKind
from tests.referrals.support import (
    handoff_posts,
    open_case,
    open_tasks,
    refer,
    referral_of,
)
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
