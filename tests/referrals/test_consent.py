"""Consent is checked per partner; the legal exceptions are explicit. Each partner
receives only its minimal package, as the simulator shows what arrived."""

from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from tests.referrals.support import (
    case_view,
    handoff_posts,
    handoffs_received,
    open_case,
    refer,
    referral_of,
    request_referral,
)
from tests.support.client import auth
from tests.support.policies import fast_policy
from tests.support.stack import running_stack
from tests.support.waiting import eventually

POLICY = fast_policy(callback_delay=timedelta(seconds=30))
NO_CONSENT = {"report_to_platforms": True, "referral_partners": []}


async def test_refused_consent_stops_the_referral_and_names_the_partner(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=POLICY) as stack:
        case_id = await open_case(stack, consents=NO_CONSENT)
        refused = await request_referral(stack, case_id, partner="france-victimes")
        assert refused.status_code == 422
        [problem] = refused.json()["detail"]
        assert problem["loc"] == ["partner"]
        assert "has not consented to a referral to 'france-victimes'" in problem["msg"]
        # A wrong legal exception is refused too, naming the field.
        wrong = await request_referral(
            stack, case_id, partner="france-victimes", legal_basis="child_in_danger"
        )
        assert wrong.status_code == 422
        assert wrong.json()["detail"][0]["loc"] == ["legal_basis"]
        assert (await case_view(stack, case_id))["referrals"] == []
        assert await handoff_posts(stack, "france-victimes") == []


async def test_legal_exceptions_go_without_consent_with_the_minimal_package(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=POLICY) as stack:
        case_id = await open_case(stack, consents=NO_CONSENT)
        to_119 = await refer(stack, case_id, "enfance-en-danger-119", legal_basis="child_in_danger")
        to_police = await refer(stack, case_id, "police", legal_basis="life_at_risk")
        for referral_id in (to_119, to_police):
            await eventually(
                lambda r=referral_id: referral_of(stack, case_id, r),
                lambda r: r["status"] == "accepted",
                what=f"{referral_id} accepted",
            )
        [child] = await handoffs_received(stack, "enfance-en-danger-119")
        assert child["body"]["legal_basis"] == "child_in_danger"
        assert child["body"]["contact"]["phone"] == "+33600000000"
        assert child["body"]["contact"]["handles"] == []
        assert "free_text" not in child["body"]["contact"]
        [police] = await handoffs_received(stack, "police")
        assert police["body"]["legal_basis"] == "life_at_risk"
        assert police["body"]["caller_role"] == "victim"


async def test_each_partner_receives_only_what_it_needs(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=POLICY) as stack:
        await stack.configure_target("pharos", delivery="poll", outcome="none")
        await stack.configure_target("tiktok", decision="none")
        case_id = await open_case(stack)
        items = await stack.api.post(
            f"/cases/{case_id}/items",
            json={
                "items": [
                    {
                        "platform": "tiktok",
                        "content_type": "video",
                        "legal_qualification": "cyberharassment",
                        "location": {"url": "https://www.tiktok.com/@someone/video/1"},
                    }
                ]
            },
            headers=auth("counsellor"),
        )
        assert items.status_code == 202, items.text
        for partner in ("pharos", "france-victimes", "police"):
            await refer(stack, case_id, partner)
        bodies = {}
        for partner in ("pharos", "france-victimes", "police"):
            [received] = await eventually(
                lambda p=partner: handoffs_received(stack, p), bool, what=f"{partner} handoff"
            )
            bodies[partner] = received["body"]
        pharos, victims, police = bodies["pharos"], bodies["france-victimes"], bodies["police"]
        assert "contact" not in pharos
        assert pharos["items"][0]["location"]["url"] == "https://www.tiktok.com/@someone/video/1"
        assert victims["contact"]["phone"] == "+33600000000"
        assert victims["items"] == [] and victims["risk_flags"] == []
        assert police["contact"]["phone"] == "+33600000000"
        assert police["offences"] == ["cyberharassment"] and police["items"] == []
        for body in bodies.values():
            assert "@lea_private" not in str(body)
            assert "counsellor notes" not in str(body)
