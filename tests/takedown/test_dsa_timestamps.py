"""A notice's ledger row holds its steps as the DSA reporting needs them, recorded by
the running workflow from what the platform answered: the receipt time the platform
stated (Art. 16(4)), its decision with the time it stated and its own reference for
it (Art. 16(5), the Transparency Database's key), and our own check."""

from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from relais.db import NoticeLedger
from tests.support.cases import add_items, case_view, open_case
from tests.support.stack import running_stack
from tests.support.waiting import eventually


async def test_the_platforms_receipt_and_decision_references_reach_the_ledger(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path) as stack:
        case_id = await open_case(stack)
        [notice_id] = await add_items(stack, case_id, 1)
        await eventually(
            lambda: case_view(stack.api, case_id),
            lambda v: v["notices"][0]["status"] == "verified_removed",
            what="removal verified",
        )
        ledger = NoticeLedger(stack.database)
        row = await eventually(
            lambda: ledger.get(notice_id),
            lambda r: r is not None and r.verified_at is not None,
            what="the verified row",
        )
        assert row is not None
        received = await stack.simulator.get("/_control/notices", params={"target": "tiktok"})
        [sent] = [n for n in received.json() if n["idempotency_key"] == notice_id]
        assert row.submitted_at is not None and row.acknowledged_at is not None
        assert row.acknowledged_at.isoformat().startswith(sent["received_at"][:19])
        assert row.decision is not None and row.decision.value == "removed"
        assert row.platform_decided_at is not None and row.decision_reference
        assert row.checked_at == row.verified_at
        assert row.submitted_at <= row.decided_at <= row.verified_at  # type: ignore[operator]
