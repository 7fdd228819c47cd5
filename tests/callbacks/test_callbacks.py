"""The callbacks queue and a case's long life: attempts and escalation, claim and
reschedule, reopening, the retention purge, and continue-as-new."""

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from domain import contract
from domain.retention import PurgeReport, PurgeRunInput
from relais import search_attributes as sa
from relais.converter import key_store_of
from relais.db import AuditLog, CaseDirectory, TaskBoard
from relais.db.repositories.retention import RetentionBook
from tests.support.cases import ITEM, add_items, case_view, open_case
from tests.support.client import auth
from tests.support.policies import fast_policy
from tests.support.stack import Stack, running_stack
from tests.support.waiting import eventually

FAST_CALLBACKS = fast_policy(
    callback_delay=timedelta(milliseconds=500),
    callback_attempt_spacing=timedelta(milliseconds=500),
    callback_claim_within=timedelta(hours=1),
    reopen_window=timedelta(minutes=5),
)


async def callback_due(stack: Stack, case_id: str, attempt: int) -> dict[str, Any]:
    """Wait until the case says the attempt is due, then until the counsellors' queue
    lists it: the queue's row is written by an activity after the case's own state
    changes, so the two are a moment apart."""
    view = await eventually(
        lambda: case_view(stack.api, case_id),
        lambda v: v["status"] == "callback_due" and v["callback"]["attempts"] == attempt - 1,
        what=f"callback attempt {attempt} due",
    )
    await eventually(
        lambda: stack.api.get("/callbacks", headers=auth("counsellor")),
        lambda r: [c["case_id"] for c in r.json()] == [case_id],
        what=f"callback attempt {attempt} in the counsellors' queue, and only it",
    )
    return view


async def record(stack: Stack, case_id: str, result: str, **extra: Any) -> Any:
    return await stack.api.post(
        f"/cases/{case_id}/callback-outcome",
        json={"result": result, **extra},
        headers=auth("counsellor"),
    )


async def test_three_unanswered_attempts_then_a_supervisor_is_alerted(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=FAST_CALLBACKS) as stack:
        case_id = await open_case(stack)
        for attempt in (1, 2, 3):
            await callback_due(stack, case_id, attempt)
            response = await record(stack, case_id, "not_reached")
            assert response.status_code == 200, response.text
        view = response.json()
        assert view["callback"]["attempts"] == 3 and view["status"] == "awaiting_closure"
        tasks = await TaskBoard(stack.database).list_open(case_id=case_id)
        assert [(t.kind.value, t.for_role) for t in tasks] == [
            ("supervisor_escalation", "supervisor")
        ]
        assert (await stack.api.get("/callbacks", headers=auth("counsellor"))).json() == []
        again = await record(stack, case_id, "not_reached")
        assert again.status_code == 422


async def test_claim_then_reschedule(local_env: WorkflowEnvironment, tmp_path: Path) -> None:
    async with running_stack(local_env.client, tmp_path, policy=FAST_CALLBACKS) as stack:
        case_id = await open_case(stack)
        await callback_due(stack, case_id, 1)
        claimed = await stack.api.post(
            f"/cases/{case_id}/callback/claim", headers=auth("counsellor")
        )
        assert claimed.status_code == 200, claimed.text
        assert claimed.json()["callback"]["claimed_by"] == "local-counsellor"
        [queued] = (await stack.api.get("/callbacks", headers=auth("supervisor"))).json()
        assert queued["claimed_by"] == "local-counsellor"

        at = datetime.now(UTC) + timedelta(hours=3)
        moved = await stack.api.post(
            f"/cases/{case_id}/callback/reschedule",
            json={"at": at.isoformat()},
            headers=auth("counsellor"),
        )
        assert moved.status_code == 200, moved.text
        view = moved.json()
        assert view["status"] == "callback_scheduled"
        assert datetime.fromisoformat(view["callback"]["due_at"]) == at
        assert view["callback"]["claimed_by"] is None
        assert (await stack.api.get("/callbacks", headers=auth("counsellor"))).json() == []
        past = await stack.api.post(
            f"/cases/{case_id}/callback/reschedule",
            json={"at": "2020-01-01T10:00:00+01:00"},
            headers=auth("counsellor"),
        )
        assert past.status_code == 422 and "future" in past.text
        naive = await stack.api.post(
            f"/cases/{case_id}/callback/reschedule",
            json={"at": "2030-01-01T10:00:00"},
            headers=auth("counsellor"),
        )
        assert naive.status_code == 422


async def test_unclaimed_callback_escalates_to_a_supervisor(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    policy = FAST_CALLBACKS.model_copy(update={"callback_claim_within": timedelta(seconds=1)})
    async with running_stack(local_env.client, tmp_path, policy=policy) as stack:
        case_id = await open_case(stack)
        view = await eventually(
            lambda: case_view(stack.api, case_id),
            lambda v: v["callback"]["overdue"],
            what="unclaimed callback escalated",
        )
        assert view["status"] == "callback_due"
        handle = stack.client.get_workflow_handle(f"case-{case_id}")
        await eventually(  # the search attribute follows at the case's next step
            handle.describe,
            lambda d: d.typed_search_attributes.get(sa.CALLBACK_OVERDUE) is True,
            what="CallbackOverdue set for the supervisor's filter",
        )
        tasks = await TaskBoard(stack.database).list_open(case_id=case_id, for_role="supervisor")
        assert ["nobody has claimed" in t.summary for t in tasks] == [True]


async def test_reopened_case_continues_the_same_history(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=FAST_CALLBACKS) as stack:
        case_id = await open_case(stack)
        await callback_due(stack, case_id, 1)
        closed = await record(stack, case_id, "reached", close_case=True)
        assert closed.json()["status"] == "closed"
        reopened = await stack.api.post(
            f"/cases/{case_id}/reopen",
            json={"reason": "new content reported"},
            headers=auth("counsellor"),
        )
        assert reopened.status_code == 200, reopened.text
        view = reopened.json()
        assert view["status"] != "closed" and view["reopened"] == 1
        assert [e["kind"] for e in view["timeline"]][-3:] == ["closed", "reopened", "callback"]
        assert view["timeline"][-1]["detail"].startswith("callback planned for ")
        added = await stack.api.post(
            f"/cases/{case_id}/items", json={"items": [ITEM]}, headers=auth("counsellor")
        )
        assert added.status_code == 202, added.text
        assert added.json()["notice_ids"] == [f"{case_id}-n1"]


async def test_retention_purge_shreds_personal_data_and_keeps_statistics(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    policy = FAST_CALLBACKS.model_copy(
        update={"reopen_window": timedelta(milliseconds=200), "retention": timedelta(seconds=1)}
    )
    async with running_stack(local_env.client, tmp_path, policy=policy) as stack:
        case_id = await open_case(stack, consents={"report_to_platforms": True})
        closed = await stack.api.post(
            f"/cases/{case_id}/close", json={"reason": "resolved"}, headers=auth("counsellor")
        )
        assert closed.status_code == 200, closed.text
        handle = stack.client.get_workflow_handle(contract.SUPPORT_CASE.workflow_id(case_id))
        before = await handle.result()  # the reopen window has passed
        assert before["status"] == "closed"

        book = RetentionBook(stack.database)
        await eventually(
            lambda: book.due(datetime.now(UTC)), lambda due: case_id in due, what="purge due"
        )
        report = await stack.client.execute_workflow(
            contract.RETENTION_PURGE.name,
            PurgeRunInput(),
            id=f"purge-{uuid.uuid4().hex}",
            task_queue=stack.settings.task_queue,
            result_type=PurgeReport,
        )
        assert case_id in report.purged
        assert await book.purged_at(case_id) is not None
        # Personal data: the case's payloads can no longer be opened, by anyone.
        key_store = key_store_of(stack.client.data_converter)
        key_store.forget()
        with pytest.raises(Exception, match=r"(?i)destroyed|purged"):
            await handle.result()
        # Statistics and the audit trail stay.
        record_ = await CaseDirectory(stack.database).get(case_id)
        assert record_ is not None and record_.status.value == "closed"
        actions = [e.action for e in await AuditLog(stack.database).list(case_id=case_id)]
        assert "case.open" in actions and actions[-1] == "case.purge"


async def test_a_long_case_continues_as_new_with_its_state_intact(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    policy = FAST_CALLBACKS.model_copy(
        update={"history_event_budget": 100, "callback_delay": timedelta(hours=1)}
    )
    async with running_stack(local_env.client, tmp_path, policy=policy) as stack:
        case_id = await open_case(stack)
        await add_items(stack, case_id, 12)
        view = await eventually(
            lambda: case_view(stack.api, case_id),
            lambda v: v["status"] == "callback_scheduled",
            what="every notice settled across runs",
            within=60,
        )
        assert view["runs"] > 1
        assert len(view["notices"]) == 12
        assert {n["status"] for n in view["notices"]} == {"verified_removed"}
        assert [e["kind"] for e in view["timeline"]][:2] == ["opened", "triage"]
        handle = stack.client.get_workflow_handle(contract.SUPPORT_CASE.workflow_id(case_id))
        history = await handle.fetch_history()
        assert len(history.events) < 150  # the current run only
        closed = await stack.api.post(
            f"/cases/{case_id}/close", json={"reason": "resolved"}, headers=auth("counsellor")
        )
        assert closed.json()["status"] == "closed"
