"""Signed webhooks from platforms and partners reach the waiting workflow; unsigned,
badly signed, stale or replayed deliveries do not."""

import time
import uuid
from typing import Any

from httpx import AsyncClient

from tests.api.conftest import ApiHarness, decision, signed, start_notice
from tests.support.waiting import eventually
from workflows.names import REFERRAL_WORKFLOW, notice_workflow_id, referral_workflow_id


async def decisions_of(harness: ApiHarness, notice_id: str) -> list[dict[str, Any]]:
    handle = harness.client.get_workflow_handle(notice_workflow_id(notice_id))
    result: list[dict[str, Any]] = await handle.query("received")
    return result


async def test_signed_decision_is_signalled_to_the_notice(api_harness: ApiHarness) -> None:
    notice_id = await start_notice(api_harness)
    raw, headers = signed(decision(notice_id, decision="REMOVED"))

    response = await api_harness.api.post(
        "/webhooks/platforms/tiktok", content=raw, headers=headers
    )

    assert response.status_code == 202, response.text
    assert response.json() == {"accepted": True, "workflow_id": notice_workflow_id(notice_id)}
    [received] = await eventually(
        lambda: decisions_of(api_harness, notice_id), bool, what="the decision signal"
    )
    assert received["decision"] == "removed"
    assert received["platform_reference"] == "TT-2024-991"
    assert received["decided_at"].startswith("2024-06-01T10:15:00")


async def test_signed_partner_status_is_signalled_to_the_referral(
    api_harness: ApiHarness,
) -> None:
    referral_id = uuid.uuid4().hex
    handle = await api_harness.client.start_workflow(
        REFERRAL_WORKFLOW,
        referral_id,
        id=referral_workflow_id(referral_id),
        task_queue=api_harness.settings.task_queue,
    )
    raw, headers = signed(
        {
            "referral_id": referral_id,
            "idempotency_key": "k1",
            "reference": "PH-123",
            "status": "accepted",
            "detail": None,
            "at": "2024-06-01T10:15:00Z",
        }
    )

    response = await api_harness.api.post("/webhooks/partners/pharos", content=raw, headers=headers)

    assert response.status_code == 202, response.text
    [status] = await eventually(lambda: handle.query("received"), bool, what="the status signal")
    assert status == {"status": "accepted", "partner_reference": "PH-123", "detail": None}


async def test_bad_signature_is_401_and_nothing_is_signalled(api_harness: ApiHarness) -> None:
    notice_id = await start_notice(api_harness)
    raw, headers = signed(decision(notice_id))
    tampered = raw.replace(b"removed", b"refused")

    response = await api_harness.api.post(
        "/webhooks/platforms/tiktok", content=tampered, headers=headers
    )

    assert response.status_code == 401
    assert response.json() == {"detail": "X-Relais-Signature does not match the body"}
    assert await decisions_of(api_harness, notice_id) == []


async def test_missing_signature_is_401(api: AsyncClient) -> None:
    raw, headers = signed(decision("n-1"))
    del headers["X-Relais-Signature"]

    response = await api.post("/webhooks/platforms/tiktok", content=raw, headers=headers)

    assert response.status_code == 401


async def test_stale_timestamp_is_401(api: AsyncClient) -> None:
    raw, headers = signed(decision("n-1"), at=time.time() - 301)

    response = await api.post("/webhooks/platforms/tiktok", content=raw, headers=headers)

    assert response.status_code == 401
    assert "more than 300s" in response.json()["detail"]


async def test_replayed_delivery_is_409(api_harness: ApiHarness) -> None:
    notice_id = await start_notice(api_harness)
    raw, headers = signed(decision(notice_id))

    first = await api_harness.api.post("/webhooks/platforms/tiktok", content=raw, headers=headers)
    replay = await api_harness.api.post("/webhooks/platforms/tiktok", content=raw, headers=headers)

    assert first.status_code == 202
    assert replay.status_code == 409
    assert len(await decisions_of(api_harness, notice_id)) == 1


async def test_unknown_decision_is_422_naming_the_field(api: AsyncClient) -> None:
    raw, headers = signed(decision("n-1", decision="shadow_banned"))

    response = await api.post("/webhooks/platforms/tiktok", content=raw, headers=headers)

    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "decision"]]


async def test_unknown_notice_is_404_and_may_be_retried(api: AsyncClient) -> None:
    raw, headers = signed(decision(uuid.uuid4().hex))

    first = await api.post("/webhooks/platforms/tiktok", content=raw, headers=headers)
    retry = await api.post("/webhooks/platforms/tiktok", content=raw, headers=headers)

    assert first.status_code == 404
    assert retry.status_code == 404  # a failed delivery is not counted as a replay


async def test_unregistered_platform_is_404(api_harness: ApiHarness) -> None:
    notice_id = await start_notice(api_harness)
    raw, headers = signed(decision(notice_id))

    response = await api_harness.api.post(
        "/webhooks/platforms/myspace", content=raw, headers=headers
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "no platform 'myspace' is registered"}
    assert await decisions_of(api_harness, notice_id) == []
