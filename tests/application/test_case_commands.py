"""A case whose worker is down: the counsellor hears so quickly instead of waiting."""

import time
import uuid
from datetime import timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

from application.case_commands import CaseCommands
from application.errors import Unavailable
from domain import contract
from domain.items import AddItemsRequest
from tests.support import builders


async def start_unattended_case(env: WorkflowEnvironment) -> str:
    """A case on a task queue no worker polls."""
    case_id = uuid.uuid4().hex
    await env.client.start_workflow(
        contract.SUPPORT_CASE.name,
        builders.opening(case_id, intake=builders.intake(categories=["hacking"])),
        id=contract.SUPPORT_CASE.workflow_id(case_id),
        task_queue=f"nobody-polls-{case_id}",
    )
    return case_id


async def test_query_without_a_worker_is_unavailable(local_env: WorkflowEnvironment) -> None:
    case_id = await start_unattended_case(local_env)
    commands = CaseCommands(local_env.client, query_timeout=timedelta(seconds=1))

    started = time.monotonic()
    with pytest.raises(Unavailable, match=f"case {case_id} did not answer in time"):
        await commands.view(case_id)
    assert time.monotonic() - started < 5


async def test_update_without_a_worker_is_unavailable(local_env: WorkflowEnvironment) -> None:
    case_id = await start_unattended_case(local_env)
    commands = CaseCommands(local_env.client, update_timeout=timedelta(seconds=1))
    request = AddItemsRequest.model_validate(
        {
            "items": [
                {
                    "platform": "tiktok",
                    "content_type": "video",
                    "legal_qualification": "hacking",
                    "location": {"account": "someone"},
                }
            ],
            "actor": "test",
        }
    )

    with pytest.raises(Unavailable, match="retry with the same Idempotency-Key"):
        await commands.update(case_id, contract.ADD_ITEMS, request, "k")
