"""A case's whole journey over HTTP: API -> workflow -> simulator -> webhook ->
verification -> callback -> closed. Once with production durations under
time-skipping v2, once with shortened durations on a plain local server."""

import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from domain import contract
from domain.case import CaseResult
from relais import search_attributes as sa
from relais.db import Database
from tests.support.cases import INTAKE, ITEM, case_view
from tests.support.client import auth
from tests.support.databases import BACKENDS, drop_database, empty_database
from tests.support.policies import fast_policy
from tests.support.stack import Stack, running_stack
from tests.support.waiting import eventually

PARIS = ZoneInfo("Europe/Paris")


async def open_case_with_item_and_referral(stack: Stack) -> str:
    opened = await stack.api.post(
        "/cases", json=INTAKE, headers={**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex}
    )
    assert opened.status_code == 201, opened.text
    case_id: str = opened.json()["case_id"]
    items = await stack.api.post(
        f"/cases/{case_id}/items", json={"items": [ITEM]}, headers=auth("counsellor")
    )
    assert items.status_code == 202, items.text
    referral = await stack.api.post(
        f"/cases/{case_id}/referrals",
        json={"partner": "france-victimes", "reason": "legal and psychological support"},
        headers=auth("counsellor"),
    )
    assert referral.status_code == 202, referral.text
    return case_id


async def wait_for_callback_scheduled(stack: Stack, case_id: str) -> dict[str, Any]:
    view = await eventually(
        lambda: case_view(stack.api, case_id),
        lambda v: v["status"] == "callback_scheduled",
        what="notice verified, referral accepted and callback scheduled",
    )
    assert [n["status"] for n in view["notices"]] == ["verified_removed"]
    assert [r["status"] for r in view["referrals"]] == ["accepted"]
    assert view["referrals"][0]["partner_reference"]
    return view


async def close_after_callback(stack: Stack, case_id: str) -> None:
    async def tasks() -> list[dict[str, Any]]:
        answer = await stack.api.get("/tasks", headers=auth("counsellor"))
        assert answer.status_code == 200, answer.text
        return list(answer.json())

    # The case says "callback due" as its timer fires; the counsellor's task follows
    # from the activity that writes it, a moment later.
    await eventually(
        tasks,
        lambda listed: any(t["case_id"] == case_id and t["kind"] == "callback_due" for t in listed),
        what="the callback's task on the counsellor's list",
    )
    outcome = await stack.api.post(
        f"/cases/{case_id}/callback-outcome",
        json={"result": "reached", "close_case": True},
        headers=auth("counsellor"),
    )
    assert outcome.status_code == 200, outcome.text
    assert outcome.json()["status"] == "closed"


async def assert_closed_and_visible(stack: Stack, case_id: str) -> None:
    handle = stack.client.get_workflow_handle(
        contract.SUPPORT_CASE.workflow_id(case_id), result_type=CaseResult
    )
    result = await handle.result()
    assert (result.notices_sent, result.notices_removed, result.referrals_sent) == (1, 1, 1)
    description = await handle.describe()
    assert description.status == WorkflowExecutionStatus.COMPLETED
    attributes = description.typed_search_attributes
    assert attributes.get(sa.CASE_STATUS) == "closed"
    assert attributes.get(sa.CASE_PLATFORMS) == ["tiktok"]
    assert attributes.get(sa.CASE_PARTNERS) == ["france-victimes"]
    deliveries = await stack.deliveries()
    total = deliveries["total"]
    assert (total["notices"], total["handoffs"]) == (1, 1), deliveries
    assert total["duplicates"] == 0 and total["ids_under_several_keys"] == [], deliveries
    listed = await stack.api.get("/cases", params={"status": "closed"}, headers=auth("supervisor"))
    assert case_id in [c["case_id"] for c in listed.json()["items"]]


async def test_journey_with_production_durations(
    time_skipping_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(time_skipping_env.client, tmp_path) as stack:
        case_id = await open_case_with_item_and_referral(stack)
        view = await wait_for_callback_scheduled(stack, case_id)
        handle = stack.client.get_workflow_handle(contract.SUPPORT_CASE.workflow_id(case_id))
        # The callback falls due 48 h after the last outcome, inside opening hours.
        due_at = datetime.fromisoformat(view["callback"]["due_at"])
        opened_at = datetime.fromisoformat(view["opened_at"])
        assert due_at - opened_at >= timedelta(hours=48)
        assert 9 <= due_at.astimezone(PARIS).hour < 23
        now = await time_skipping_env.get_current_time(handle)
        await time_skipping_env.fast_forward(handle, due_at - now + timedelta(minutes=1))
        due = await case_view(stack.api, case_id)
        assert due["status"] == "callback_due"
        await close_after_callback(stack, case_id)
        # A closed case can be reopened for 30 days; then its workflow completes.
        await time_skipping_env.fast_forward(handle, timedelta(days=30, minutes=1))
        await assert_closed_and_visible(stack, case_id)


@pytest.fixture(params=BACKENDS)
async def app_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    database = await empty_database(request.param, tmp_path)
    yield database
    await drop_database(database)


async def test_journey_with_short_durations(
    local_env: WorkflowEnvironment, tmp_path: Path, app_database: Database
) -> None:
    """On SQLite and on PostgreSQL: the projections the API lists come from the
    activities' writes to the app database."""
    policy = fast_policy(callback_delay=timedelta(seconds=2), reopen_window=timedelta(seconds=1))
    async with running_stack(
        local_env.client, tmp_path, policy=policy, database=app_database
    ) as stack:
        case_id = await open_case_with_item_and_referral(stack)
        await wait_for_callback_scheduled(stack, case_id)
        await eventually(
            lambda: case_view(stack.api, case_id),
            lambda v: v["status"] == "callback_due",
            what="callback due after the shortened delay",
        )
        await close_after_callback(stack, case_id)
        await assert_closed_and_visible(stack, case_id)
