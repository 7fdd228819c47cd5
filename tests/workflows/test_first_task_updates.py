"""A request sent the moment a case is opened (an API client that does not wait)
reaches the case's workflow with its very first task, before the opening (triage,
emergency referrals, the callback plan) has run: it is answered as it would be a
moment later, neither refused for a callback not yet planned nor allowed to
duplicate an emergency referral."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from tests.support.cases import case_view, open_case
from tests.support.client import auth
from tests.support.stack import running_stack

ROUNDS = 5  # the first task is a narrow window: several cases make hitting it likely


async def test_a_callback_handled_right_after_opening_is_not_refused(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path) as stack:
        for round_ in range(ROUNDS):
            case_id = await open_case(stack)
            at = (datetime.now(UTC) + timedelta(days=3)).isoformat()
            moved = await stack.api.post(
                f"/cases/{case_id}/callback/reschedule", json={"at": at}, headers=auth("counsellor")
            )
            assert moved.status_code == 200, f"round {round_}: {moved.text}"
            other = await open_case(stack)
            tried = await stack.api.post(
                f"/cases/{other}/callback-outcome",
                json={"result": "not_reached"},
                headers=auth("counsellor"),
            )
            assert tried.status_code == 200, f"round {round_}: {tried.text}"
            assert tried.json()["callback"]["attempts"] == 1


async def test_a_referral_asked_right_after_opening_does_not_duplicate_the_emergency_one(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path) as stack:
        for round_ in range(ROUNDS):
            case_id = await open_case(stack, risk_flags=["suicidal_risk"])
            again = await stack.api.post(
                f"/cases/{case_id}/referrals",
                json={"partner": "police", "legal_basis": "life_at_risk"},
                headers=auth("counsellor"),
            )
            assert again.status_code == 422, f"round {round_}: {again.text}"
            assert "already under way" in again.text
            view = await case_view(stack.api, case_id)
            assert [r["partner"] for r in view["referrals"]] == ["police"]
