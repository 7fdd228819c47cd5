"""A case with a referral still open continues as new like any long case: the
referral follows it into the next run and its end still reaches the case, which
then can close. (Before, an open referral kept the whole case in one growing run.)"""

from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from domain.policy import CasePolicy
from tests.referrals.support import case_view, open_case, post_partner_status, refer, referral_of
from tests.support.cases import add_items
from tests.support.client import auth
from tests.support.stack import running_stack
from tests.support.waiting import eventually

POLICY = CasePolicy(history_event_budget=100, referral_poll_interval="PT0.5S")


async def test_an_open_referral_follows_the_case_into_its_next_run(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=POLICY) as stack:
        # France Victimes takes the handoff and decides much later.
        await stack.configure_target("france-victimes", decision_delay_seconds=3600)
        case_id = await open_case(stack)
        referral_id = await refer(stack, case_id, "france-victimes")
        await eventually(
            lambda: referral_of(stack, case_id, referral_id),
            lambda r: r["status"] == "acknowledged",
            what="the handoff acknowledged",
        )
        await add_items(stack, case_id, 12)
        view = await eventually(
            lambda: case_view(stack, case_id),
            lambda v: v["runs"] > 1 and v["status"] == "awaiting_partner",
            what="a new run with every notice settled and the referral still open",
            within=60,
        )
        assert {n["status"] for n in view["notices"]} == {"verified_removed"}

        await post_partner_status(stack, "france-victimes", referral_id, "accepted", "FV-9")
        view = await eventually(
            lambda: case_view(stack, case_id),
            lambda v: v["status"] == "awaiting_closure",
            what="the referral's end reaching the case's current run",
            within=60,
        )
        [referral] = view["referrals"]
        assert referral["status"] == "accepted" and referral["partner_reference"] == "FV-9"
        closed = await stack.api.post(
            f"/cases/{case_id}/close", json={"reason": "resolved"}, headers=auth("counsellor")
        )
        assert closed.status_code == 200, closed.text
        assert closed.json()["status"] == "closed"
