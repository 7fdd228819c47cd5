"""A counsellor closes a case (force) or a young person withdraws consent right
after items were added: every notice is cancelled and the close completes, even
when the cancel request reaches a notice while it is telling the case its news
(the SDK lets such a cancel pass unnoticed unless the workflow takes it up)."""

from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from tests.support.cases import add_items, case_view, open_case
from tests.support.client import auth
from tests.support.stack import running_stack
from tests.support.waiting import eventually
from tests.takedown.helpers import SHORT

ROUNDS = 6  # the race is narrow: several cases make missing it unlikely


async def test_a_forced_close_right_after_adding_items_always_completes(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=SHORT) as stack:
        await stack.configure_target("tiktok", decision="none")
        for round_ in range(ROUNDS):
            case_id = await open_case(stack)
            await add_items(stack, case_id, 3, tag=f"r{round_}-")
            closed = await stack.api.post(
                f"/cases/{case_id}/close",
                json={"reason": "the young person asked to stop", "force": True},
                headers=auth("counsellor"),
            )
            assert closed.status_code == 200, f"round {round_}: {closed.text}"
            assert closed.json()["status"] == "closed"
            view = await eventually(
                lambda case_id=case_id: case_view(stack.api, case_id),
                lambda v: {n["status"] for n in v["notices"]} == {"cancelled"},
                what=f"round {round_}: every notice cancelled",
            )
            assert len(view["notices"]) == 3
