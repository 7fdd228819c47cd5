"""A notice's life with a platform that behaves, through the whole stack: removed,
refused then appealed or sent to Pharos, silent then re-noticed. Reported removed
but still online is the takedown workflow's own logic: tests/workflows/test_takedown.py.
One stack for the module (each test its own platform); the silent platform runs on a
time-skipping server of its own."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from relais import search_attributes as sa
from relais.db import TaskBoard
from tests.support.cases import case_view, open_case
from tests.support.client import auth
from tests.support.stack import Stack, running_stack
from tests.support.waiting import eventually
from tests.takedown.helpers import (
    SHORT,
    notice_reaches,
    notify,
    posts_to,
    received_notices,
)


@pytest.fixture(scope="module")
async def stack(
    local_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    folder = tmp_path_factory.mktemp("takedown-lifecycle")
    async with running_stack(local_env.client, folder, policy=SHORT) as running:
        yield running


async def test_notice_is_complete_in_the_dsa_sense(stack: Stack) -> None:
    case_id = await open_case(stack)
    notice_id = await notify(stack, case_id, "facebook")
    await notice_reaches(stack, case_id, notice_id, "verified_removed")
    [received] = await received_notices(stack, "facebook")
    body = received["body"]
    assert "222-33-2-2" in body["legal_article"]
    assert "harcèlement" in body["explanation"]
    assert body["location"]["url"].startswith("https://")
    assert body["sender"]["organisation"]
    assert body["good_faith_statement"]
    assert received["idempotency_key"] == notice_id


async def test_child_sexual_abuse_material_notice_carries_no_sender_identity(stack: Stack) -> None:
    case_id = await open_case(stack)
    response = await stack.api.post(
        f"/cases/{case_id}/items",
        json={
            "items": [
                {
                    "platform": "discord",
                    "content_type": "image",
                    "legal_qualification": "child_sexual_abuse_material",
                    "location": {"message_id": "msg-123"},
                    "evidence": [{"algorithm": "sha256", "digest": "ab" * 32}],
                }
            ]
        },
        headers=auth("counsellor"),
    )
    assert response.status_code == 202, response.text
    await eventually(
        lambda: received_notices(stack, "discord"), lambda n: len(n) == 1, what="notice"
    )
    [received] = await received_notices(stack, "discord")
    assert "sender" not in received["body"]
    assert received["body"]["evidence"] == [{"algorithm": "sha256", "digest": "ab" * 32}]


async def test_refused_then_appealed_then_removed(stack: Stack) -> None:
    await stack.configure_target("snapchat", decision="refused", decision_reason="no breach")
    case_id = await open_case(stack)
    first = await notify(stack, case_id, "snapchat")
    refused = await notice_reaches(stack, case_id, first, "refused")
    [task] = await TaskBoard(stack.database).list_open(case_id=case_id)
    assert task.kind.value == "notice_review"

    await stack.configure_target("snapchat", decision="removed")
    review = await stack.api.post(
        f"/cases/{case_id}/notices/{first}/review",
        json={"choice": "appeal"},
        headers=auth("counsellor"),
    )
    assert review.status_code == 200, review.text
    appeal = review.json()["appeal_notice_id"]
    removed = await notice_reaches(stack, case_id, appeal, "verified_removed")
    assert removed["appeal_of"] == first
    bodies = {n["idempotency_key"]: n["body"] for n in await received_notices(stack, "snapchat")}
    assert bodies[appeal]["appeal_of"] == refused["platform_reference"]
    assert await TaskBoard(stack.database).list_open(case_id=case_id) == []
    again = await stack.api.post(
        f"/cases/{case_id}/notices/{first}/review",
        json={"choice": "accept"},
        headers=auth("counsellor"),
    )
    assert again.status_code == 422
    assert "already reviewed" in again.text


async def test_refused_then_referred_to_pharos(stack: Stack) -> None:
    await stack.configure_target("yubo", decision="refused", delivery="webhook")
    case_id = await open_case(stack)
    notice_id = await notify(stack, case_id, "yubo", url="https://yubo.live/u/someone")
    await notice_reaches(stack, case_id, notice_id, "refused")
    review = await stack.api.post(
        f"/cases/{case_id}/notices/{notice_id}/review",
        json={"choice": "refer_to_pharos"},
        headers=auth("counsellor"),
    )
    assert review.status_code == 200, review.text
    referral_id = review.json()["referral_id"]
    view = await eventually(
        lambda: case_view(stack.api, case_id),
        lambda v: any(
            r["referral_id"] == referral_id and r["status"] == "accepted" for r in v["referrals"]
        ),
        what="Pharos referral accepted",
    )
    assert view["status"] != "closed"
    handoffs = (await stack.simulator.get("/_control/handoffs")).json()
    [pharos] = [h for h in handoffs if h["target"] == "pharos"]
    assert pharos["body"]["legal_basis"] == "illegal_content_report"
    assert pharos["body"]["reason"] == f"yubo notice {notice_id}: refused"
    assert pharos["body"]["items"][0]["location"]["url"] == "https://yubo.live/u/someone"
    assert "contact" not in pharos["body"]  # Pharos gets the content, not the child


async def test_withdrawn_consent_cancels_outstanding_notices(stack: Stack) -> None:
    await stack.configure_target("twitch", decision="none")
    case_id = await open_case(stack)
    notice_id = await notify(stack, case_id, "twitch")
    await notice_reaches(stack, case_id, notice_id, "acknowledged")
    withdrawn = await stack.api.post(
        f"/cases/{case_id}/consents/withdraw",
        json={"scope": "platforms"},
        headers=auth("counsellor"),
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["notices"][0]["status"] == "cancelled"
    refused = await stack.api.post(
        f"/cases/{case_id}/items",
        json={
            "items": [
                {
                    "platform": "twitch",
                    "content_type": "video",
                    "legal_qualification": "cyberharassment",
                    "location": {"url": "https://www.twitch.tv/x"},
                }
            ]
        },
        headers=auth("counsellor"),
    )
    assert refused.status_code == 422
    assert "consents.report_to_platforms" in refused.text


async def test_silent_platform_renoticed_escalated_then_removal_measured(
    time_skipping_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(time_skipping_env.client, tmp_path) as stack:
        await stack.configure_target("tiktok", decision="none")
        case_id = await open_case(stack)
        notice_id = await notify(stack, case_id, "tiktok")
        await notice_reaches(stack, case_id, notice_id, "acknowledged")
        child = stack.client.get_workflow_handle(f"notice-{notice_id}")
        await time_skipping_env.fast_forward(child, timedelta(hours=24, minutes=1))
        view = await eventually(
            lambda: case_view(stack.api, case_id),
            lambda v: v["sla_breached"],
            what="SLA breach on the case",
        )
        assert any("SLA breached" in entry["detail"] for entry in view["timeline"])
        await eventually(  # the search attribute follows at the case's next step
            stack.client.get_workflow_handle(f"case-{case_id}").describe,
            lambda d: d.typed_search_attributes.get(sa.SLA_BREACHED) is True,
            what="SlaBreached set for the supervisor's filter",
        )
        assert len(await posts_to(stack, "tiktok")) == 2  # the notice and one re-notice

        [received, _renotice] = await received_notices(stack, "tiktok")
        decided = await stack.simulator.post(
            "/_control/decide",
            json={"target": "tiktok", "reference": received["reference"], "decision": "removed"},
        )
        assert decided.status_code == 200, decided.text
        notice = await notice_reaches(stack, case_id, notice_id, "verified_removed")
        assert notice["renotices"] == 1 and notice["sla_breached"]

        stats = await stack.api.get("/stats/removal-times", headers=auth("supervisor"))
        assert stats.status_code == 200, stats.text
        [tiktok] = stats.json()["platforms"]
        assert tiktok["platform"] == "tiktok" and tiktok["removed"] == 1
        assert tiktok["p50_seconds"] >= timedelta(hours=24).total_seconds()
        later = (datetime.now(UTC) + timedelta(days=30)).isoformat()
        empty = await stack.api.get(
            "/stats/removal-times", params={"since": later}, headers=auth("auditor")
        )
        assert empty.json()["platforms"] == []


async def test_intimate_image_case_points_to_the_right_hash_service(stack: Stack) -> None:
    minor = await open_case(stack, categories=["intimate_image"], age_band="15_17")
    adult = await open_case(stack, categories=["sextortion"], age_band="adult")
    other = await open_case(stack, categories=["hacking"])
    services = {
        case_id: [r["service"] for r in (await case_view(stack.api, case_id))["hash_routes"]]
        for case_id in (minor, adult, other)
    }
    assert services == {
        minor: ["Take It Down (NCMEC)"],
        adult: ["StopNCII"],
        other: [],
    }
