"""Paths of a case beyond the happy journey, against the real workflows, the real
simulator and the API: emergency triage, validation, refusals, polling, closure,
and a worker restarted mid-journey. One stack for the module (each test its own
platform, so what one configures never reaches another); the silent platform runs on
a time-skipping server of its own."""

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from relais.db import TaskBoard
from tests.support.cases import ITEM, case_view, open_case
from tests.support.client import auth
from tests.support.policies import fast_policy
from tests.support.stack import Stack, running_stack
from tests.support.waiting import eventually

SHORT = fast_policy(
    callback_delay=timedelta(seconds=30),
    decision_poll_interval=timedelta(milliseconds=300),
    decision_poll_max_interval=timedelta(seconds=1),
)


@pytest.fixture(scope="module")
async def stack(
    local_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    folder = tmp_path_factory.mktemp("case-paths")
    async with running_stack(local_env.client, folder, policy=SHORT) as running:
        yield running


async def add_item(stack: Stack, case_id: str, **changes: Any) -> Any:
    return await stack.api.post(
        f"/cases/{case_id}/items", json={"items": [{**ITEM, **changes}]}, headers=auth("counsellor")
    )


async def requests_to(stack: Stack, target: str) -> list[dict[str, Any]]:
    response = await stack.simulator.get("/_control/requests", params={"target": target})
    response.raise_for_status()
    data: list[dict[str, Any]] = response.json()
    return data


async def test_immediate_danger_reaches_police_and_119_without_consent(stack: Stack) -> None:
    case_id = await open_case(
        stack,
        risk_flags=["ongoing_sexual_exploitation"],
        consents={"report_to_platforms": True, "referral_partners": []},
    )
    view = await eventually(
        lambda: case_view(stack.api, case_id),
        lambda v: (
            {r["status"] for r in v["referrals"]} == {"accepted"} and len(v["referrals"]) == 2
        ),
        what="police and 119 handoffs accepted",
    )
    assert view["urgency"] == "critical"
    assert sorted(r["partner"] for r in view["referrals"]) == [
        "enfance-en-danger-119",
        "police",
    ]
    # The emergency handoffs went out right after the opening, before anything else;
    # the timeline reads in time order.
    kinds = [e["kind"] for e in view["timeline"]]
    assert kinds[:4] == ["opened", "triage", "referral", "referral"]
    times = [datetime.fromisoformat(e["at"]) for e in view["timeline"]]
    assert times == sorted(times)
    for partner in ("police", "enfance-en-danger-119"):
        [received] = [r for r in await requests_to(stack, partner) if r["method"] == "POST"]
        assert received["idempotency_key"].startswith(case_id)


async def test_invalid_items_are_rejected_with_reasons_and_nothing_is_lost(stack: Stack) -> None:
    case_id = await open_case(stack)
    unknown = await add_item(stack, case_id, platform="myspace")
    assert unknown.status_code == 422
    assert "items[0].platform: unknown platform 'myspace'" in unknown.text
    malformed = await add_item(stack, case_id, location={"url": "tiktok.com/@x"})
    assert malformed.status_code == 422
    assert "items[0].location.url" in malformed.text
    accepted = await add_item(stack, case_id)
    assert accepted.status_code == 202, accepted.text
    view = await case_view(stack.api, case_id)
    assert len(view["notices"]) == 1

    no_consent = await open_case(
        stack, consents={"report_to_platforms": False, "callback": {"consented": False}}
    )
    refused = await add_item(stack, no_consent)
    assert refused.status_code == 422
    assert "consents.report_to_platforms" in refused.text
    assert (await case_view(stack.api, no_consent))["notices"] == []


async def test_refused_notice_opens_a_counsellor_review(stack: Stack) -> None:
    await stack.configure_target(
        "snapchat", decision="refused", decision_reason="no violation found"
    )
    case_id = await open_case(stack)
    assert (await add_item(stack, case_id, platform="snapchat")).status_code == 202
    view = await eventually(
        lambda: case_view(stack.api, case_id),
        lambda v: v["notices"][0]["status"] == "refused",
        what="notice refused",
    )
    assert view["notices"][0]["reason"] == "no violation found"
    tasks = await TaskBoard(stack.database).list_open(case_id=case_id)
    assert [t.kind.value for t in tasks] == ["notice_review"]


async def test_permanent_rejection_becomes_a_task_not_a_retry_loop(stack: Stack) -> None:
    await stack.configure_target("discord", reject_with=422, reject_reason="location invalid")
    case_id = await open_case(stack)
    assert (await add_item(stack, case_id, platform="discord")).status_code == 202
    view = await eventually(
        lambda: case_view(stack.api, case_id),
        lambda v: v["notices"][0]["status"] == "failed",
        what="notice failed",
    )
    assert "location invalid" in view["notices"][0]["reason"]
    posts = [r for r in await requests_to(stack, "discord") if r["method"] == "POST"]
    assert len(posts) == 1  # non-retryable: asked once
    tasks = await TaskBoard(stack.database).list_open(case_id=case_id)
    assert [t.kind.value for t in tasks] == ["notice_rejected"]


async def test_polled_platform_decision_is_fetched(stack: Stack) -> None:
    await stack.configure_target("x", delivery="poll", decision_delay_seconds=0.5)
    case_id = await open_case(stack)
    assert (await add_item(stack, case_id, platform="x")).status_code == 202
    await eventually(
        lambda: case_view(stack.api, case_id),
        lambda v: v["notices"][0]["status"] == "verified_removed",
        what="polled decision and verification",
    )
    gets = [r for r in await requests_to(stack, "x") if r["method"] == "GET"]
    assert any("/notices/" in r["path"] for r in gets)
    webhooks = (await stack.simulator.get("/_control/webhooks")).json()
    assert not [w for w in webhooks if w.get("target") == "x"]


async def test_force_close_cancels_outstanding_notices(stack: Stack) -> None:
    await stack.configure_target("youtube", decision="none")
    case_id = await open_case(stack)
    assert (await add_item(stack, case_id, platform="youtube")).status_code == 202
    await eventually(
        lambda: case_view(stack.api, case_id),
        lambda v: v["notices"][0]["status"] == "acknowledged",
        what="notice acknowledged",
    )
    close = {"reason": "victim withdrew"}
    refused = await stack.api.post(
        f"/cases/{case_id}/close", json=close, headers=auth("counsellor")
    )
    assert refused.status_code == 422
    assert "force" in refused.text
    closed = await stack.api.post(
        f"/cases/{case_id}/close", json={**close, "force": True}, headers=auth("counsellor")
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert closed.json()["notices"][0]["status"] == "cancelled"


async def test_worker_restarted_mid_journey_loses_nothing(stack: Stack) -> None:
    await stack.configure_target("instagram", decision_delay_seconds=1.5)
    case_id = await open_case(stack)
    assert (await add_item(stack, case_id, platform="instagram")).status_code == 202
    await eventually(
        lambda: case_view(stack.api, case_id),
        lambda v: v["notices"][0]["status"] == "acknowledged",
        what="notice acknowledged",
    )
    await stack.stop_worker()
    # While no worker runs, the platform decides and its webhook reaches the API.
    await eventually(
        lambda: stack.simulator.get("/_control/webhooks", params={"target": "instagram"}),
        lambda r: any(w.get("status_code") == 202 for w in r.json()),
        what="webhook accepted while the worker is down",
    )
    await stack.start_worker()
    await eventually(
        lambda: case_view(stack.api, case_id),
        lambda v: (
            v["notices"][0]["status"] == "verified_removed" and v["status"] == "callback_scheduled"
        ),
        what="journey resumed after the restart: removal verified, callback planned",
    )
    received = (await stack.deliveries())["targets"]["instagram"]
    assert received["duplicates"] == 0 and received["notices"] == 1


@pytest.mark.parametrize("days", [1])
async def test_silent_platform_is_renoticed_and_escalated(
    time_skipping_env: WorkflowEnvironment, tmp_path: Path, days: int
) -> None:
    async with running_stack(time_skipping_env.client, tmp_path) as stack:
        await stack.configure_target("twitch", decision="none")
        case_id = await open_case(stack)
        response = await add_item(stack, case_id, platform="twitch")
        [notice_id] = response.json()["notice_ids"]
        await eventually(
            lambda: case_view(stack.api, case_id),
            lambda v: v["notices"][0]["status"] == "acknowledged",
            what="notice acknowledged",
        )
        child = stack.client.get_workflow_handle(f"notice-{notice_id}")
        await time_skipping_env.fast_forward(child, timedelta(days=days, minutes=1))
        view = await eventually(
            lambda: case_view(stack.api, case_id),
            lambda v: v["sla_breached"] and v["notices"][0]["status"] == "acknowledged",
            what="SLA breach reported to the case",
        )
        posts = [r for r in await requests_to(stack, "twitch") if r["method"] == "POST"]
        assert len(posts) == 2  # the notice and one re-notice, under distinct keys
        assert len({p["idempotency_key"] for p in posts}) == 2
        tasks = await TaskBoard(stack.database).list_open(case_id=case_id)
        assert [t.for_role for t in tasks] == ["supervisor"]
        assert view["status"] == "awaiting_platform"
