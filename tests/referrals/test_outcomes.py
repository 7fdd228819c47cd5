"""A referral is tracked to the end: sent, acknowledged with the partner's
reference, then the partner's outcome by webhook or by polling, each step in the
case timeline, the referral ledger and the Temporal UI (search attributes and
current details)."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.testing import WorkflowEnvironment

from domain import contract
from relais import search_attributes as sa
from relais.db import ReferralLedger
from tests.referrals.support import (
    case_view,
    handoff_posts,
    open_case,
    post_partner_status,
    refer,
    referral_of,
)
from tests.support.policies import fast_policy
from tests.support.stack import Stack, running_stack
from tests.support.waiting import eventually

POLICY = fast_policy(
    callback_delay=timedelta(seconds=30), referral_poll_interval=timedelta(milliseconds=300)
)


async def decide(stack: Stack, partner: str, reference: str, status: str) -> None:
    response = await stack.simulator.post(
        "/_control/decide", json={"target": partner, "reference": reference, "status": status}
    )
    assert response.status_code == 200, response.text


async def in_the_ui(stack: Stack, referral_id: str) -> tuple[str | None, str]:
    """What a supervisor sees of the referral in the Temporal UI: its ReferralStatus
    search attribute and its current details."""
    handle = stack.client.get_workflow_handle(contract.REFERRAL.workflow_id(referral_id))
    described = await handle.describe()
    metadata = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
    return described.typed_search_attributes.get(sa.REFERRAL_STATUS), metadata.current_details


def referral_lines(view: dict[str, Any], referral_id: str) -> list[str]:
    return [e["detail"] for e in view["timeline"] if e["detail"].startswith(referral_id)]


async def test_acknowledgement_and_outcomes_arrive_by_webhook(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=POLICY) as stack:
        await stack.configure_target("france-victimes", outcome="none")
        case_id = await open_case(stack)
        referral_id = await refer(stack, case_id, "france-victimes")
        acknowledged = await eventually(
            lambda: referral_of(stack, case_id, referral_id),
            lambda r: r["status"] == "acknowledged",
            what="acknowledged with the partner's reference",
        )
        reference = acknowledged["partner_reference"]
        assert reference.startswith("france-victimes-")
        status, details = await in_the_ui(stack, referral_id)
        assert status == "acknowledged"
        assert f"Partner reference: {reference}" in details

        await decide(stack, "france-victimes", reference, "in_progress")
        await eventually(
            lambda: referral_of(stack, case_id, referral_id),
            lambda r: r["status"] == "in_progress",
            what="in progress",
        )
        await decide(stack, "france-victimes", reference, "closed")
        closed = await eventually(
            lambda: referral_of(stack, case_id, referral_id),
            lambda r: r["status"] == "closed",
            what="closed by the partner",
        )
        assert closed["resolved_at"] is not None and closed["manual"] is False
        lines = referral_lines(await case_view(stack, case_id), referral_id)
        assert [line.split(": ", 1)[1] for line in lines] == [
            "handoff to france-victimes started (consent)",
            "handing over to France Victimes 116 006",
            "acknowledged by France Victimes 116 006",
            "partner status: in_progress",
            "partner status: closed",
        ]
        status, details = await in_the_ui(stack, referral_id)
        assert status == "closed" and "Status: **closed**" in details
        ledger = await ReferralLedger(stack.database).get(referral_id)
        assert ledger is not None
        assert (ledger.status.value, ledger.partner_reference) == ("closed", reference)
        assert ledger.acknowledged_at is not None and ledger.outcome_at is not None
        # Sent once, whatever the webhooks did.
        assert len(await handoff_posts(stack, "france-victimes")) == 1


async def test_outcome_of_a_polled_partner_is_fetched(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=POLICY) as stack:
        await stack.configure_target(
            "pharos", delivery="poll", outcome="declined", decision_delay_seconds=0.5
        )
        case_id = await open_case(stack)
        referral_id = await refer(stack, case_id, "pharos")
        declined = await eventually(
            lambda: referral_of(stack, case_id, referral_id),
            lambda r: r["status"] == "declined",
            what="declined, found by polling",
        )
        assert declined["partner_reference"].startswith("pharos-")
        polls = await stack.simulator.get(
            "/_control/requests", params={"target": "pharos", "kind": "handoff_status"}
        )
        assert polls.json(), "the outcome came from polling"
        webhooks = await stack.simulator.get("/_control/webhooks", params={"target": "pharos"})
        assert webhooks.json() == []
        status, _ = await in_the_ui(stack, referral_id)
        assert status == "declined"


async def test_out_of_order_webhooks_do_not_move_a_referral_backwards(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=POLICY) as stack:
        await stack.configure_target("france-victimes", outcome="none")
        case_id = await open_case(stack)
        referral_id = await refer(stack, case_id, "france-victimes")
        await eventually(
            lambda: referral_of(stack, case_id, referral_id),
            lambda r: r["status"] == "acknowledged",
            what="acknowledged",
        )
        # With the worker stopped, both webhooks wait in the history and reach the
        # workflow together, the older news last.
        await stack.stop_worker()
        await post_partner_status(stack, "france-victimes", referral_id, "accepted")
        await post_partner_status(stack, "france-victimes", referral_id, "in_progress")
        await stack.start_worker()
        # Read the ledger: right after a restart, queries wait for the new worker.
        ledger = ReferralLedger(stack.database)
        accepted = await eventually(
            lambda: ledger.get(referral_id),
            lambda r: r is not None and r.status.value == "accepted",
            what="accepted, the furthest news",
        )
        assert accepted is not None and accepted.outcome_at is not None
