"""A case closed for good (its reopen window over, its workflow finished) still
reads back, and any change to it is a 409 saying it is closed, not a 500 or a
404."""

from datetime import timedelta
from pathlib import Path

from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from domain import contract
from tests.support.cases import ITEM, case_view, open_case
from tests.support.client import auth
from tests.support.policies import fast_policy
from tests.support.stack import running_stack
from tests.support.waiting import eventually

POLICY = fast_policy(reopen_window=timedelta(seconds=1))


async def test_a_case_closed_for_good_reads_back_and_refuses_changes(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=POLICY) as stack:
        case_id = await open_case(stack)
        closed = await stack.api.post(
            f"/cases/{case_id}/close", json={"reason": "resolved"}, headers=auth("counsellor")
        )
        assert closed.status_code == 200, closed.text
        handle = stack.client.get_workflow_handle(contract.SUPPORT_CASE.workflow_id(case_id))
        await eventually(
            lambda: handle.describe(),
            lambda d: d.status == WorkflowExecutionStatus.COMPLETED,
            what="the case's workflow finished after its reopen window",
        )

        view = await case_view(stack.api, case_id)
        added = await stack.api.post(
            f"/cases/{case_id}/items", json={"items": [ITEM]}, headers=auth("counsellor")
        )
        reopened = await stack.api.post(
            f"/cases/{case_id}/reopen", json={"reason": "new content"}, headers=auth("counsellor")
        )

    assert view["status"] == "closed" and view["close_reason"] == "resolved"
    assert added.status_code == 409, added.text
    assert added.json()["detail"] == f"case {case_id} is closed"
    assert reopened.status_code == 409, reopened.text
