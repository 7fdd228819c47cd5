"""Signed webhooks from platforms and partners reach the waiting workflow; unsigned,
badly signed, stale or replayed deliveries do not.

The notices and referrals are real children of real cases: a case opened and an
item added (or a referral requested) through the API. The test plays the platform
or partner posting its decision."""

import time
import uuid
from typing import Any

from httpx import AsyncClient

from domain import contract
from domain.notice import NoticeDecision, NoticeOutcome
from domain.referral import HandoffStatus, ReferralOutcome
from relais.settings import Role
from tests.api.conftest import (
    ApiHarness,
    DatabaseApi,
    case_state,
    decision,
    intake,
    item,
    signals_received,
    signed,
    simulator_notice,
    start_notice,
    start_referral,
)
from tests.support.client import harness_auth
from tests.support.waiting import eventually


async def decisions_of(harness: ApiHarness, notice_id: str) -> list[dict[str, Any]]:
    """The decision signals the notice's TakedownWorkflow received (its history)."""
    return await signals_received(
        harness, contract.TAKEDOWN.workflow_id(notice_id), contract.DECISION.name, NoticeDecision
    )


async def notice_of(harness: ApiHarness, notice_id: str) -> dict[str, Any]:
    """The notice as its TakedownWorkflow tells it."""
    handle = harness.client.get_workflow_handle(contract.TAKEDOWN.workflow_id(notice_id))
    outcome = await handle.query(contract.NOTICE_VIEW.name, result_type=NoticeOutcome)
    return outcome.model_dump(mode="json")


async def test_signed_decision_is_signalled_to_the_notice(api_harness: ApiHarness) -> None:
    notice_id = await start_notice(api_harness)
    # TikTok takes the content down, then tells us by webhook.
    await eventually(
        lambda: simulator_notice(api_harness, "tiktok", notice_id),
        lambda notice: notice["status"] == "removed",
        what="TikTok to remove the content",
    )
    raw, headers = signed(decision(notice_id, decision="REMOVED"))

    response = await api_harness.api.post(
        "/webhooks/platforms/tiktok", content=raw, headers=headers
    )

    assert response.status_code == 202, response.text
    assert response.json() == {
        "accepted": True,
        "workflow_id": contract.TAKEDOWN.workflow_id(notice_id),
    }
    [received] = await eventually(
        lambda: decisions_of(api_harness, notice_id), bool, what="the decision signal"
    )
    assert received["decision"] == "removed"
    assert received["platform_reference"] == "TT-2024-991"
    assert received["decided_at"].startswith("2024-06-01T10:15:00")
    # The TakedownWorkflow acts on it: it checks the content is gone, and it is.
    notice = await eventually(
        lambda: notice_of(api_harness, notice_id),
        lambda notice: notice["status"] == "verified_removed",
        what="the removal to be verified",
    )
    assert notice["decision"] == "removed"


async def test_signed_partner_status_is_signalled_to_the_referral(
    api_harness: ApiHarness,
) -> None:
    referral_id = await start_referral(api_harness, "france-victimes")
    handle = api_harness.client.get_workflow_handle(contract.REFERRAL.workflow_id(referral_id))
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

    response = await api_harness.api.post(
        "/webhooks/partners/france-victimes", content=raw, headers=headers
    )

    assert response.status_code == 202, response.text
    [status] = await eventually(
        lambda: signals_received(
            api_harness,
            contract.REFERRAL.workflow_id(referral_id),
            contract.PARTNER_STATUS.name,
            HandoffStatus,
        ),
        bool,
        what="the status signal",
    )
    assert status == {"status": "accepted", "partner_reference": "PH-123", "detail": None}
    # The ReferralWorkflow acts on it: the referral is accepted under the partner's reference.
    referral = await eventually(
        lambda: handle.query(contract.REFERRAL_VIEW.name, result_type=ReferralOutcome),
        lambda referral: referral.status == "accepted",
        what="the referral to be accepted",
    )
    assert referral.partner_reference == "PH-123"


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
    assert (await notice_of(api_harness, notice_id))["decision"] is None


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
    assert (await notice_of(api_harness, notice_id))["decision"] is None


async def test_the_platform_decision_and_partner_status_are_in_the_case_audit(
    api_on_each_database: DatabaseApi,
) -> None:
    """``GET /audit?case_id=`` lists what the platform and the partner said, not only
    what people did: their webhooks' entries name the case of the notice or referral."""
    on = api_on_each_database
    counsellor = harness_auth(Role.COUNSELLOR)
    case_id = (await on.api.post("/cases", json=intake(), headers=counsellor)).json()["case_id"]
    [notice_id] = (
        await on.api.post(f"/cases/{case_id}/items", json={"items": [item()]}, headers=counsellor)
    ).json()["notice_ids"]
    referral = await on.api.post(
        f"/cases/{case_id}/referrals",
        json={"partner": "france-victimes", "victim_consented": True},
        headers=counsellor,
    )
    referral_id = referral.json()["referral_id"]
    raw, headers = signed(decision(notice_id, decision="refused"))
    refused = await on.api.post("/webhooks/platforms/tiktok", content=raw, headers=headers)
    raw, headers = signed(
        {
            "referral_id": referral_id,
            "idempotency_key": f"{referral_id}-accepted",
            "reference": "FV-77",
            "status": "accepted",
            "at": "2024-06-01T10:20:00Z",
        }
    )
    accepted = await on.api.post("/webhooks/partners/france-victimes", content=raw, headers=headers)
    assert (refused.status_code, accepted.status_code) == (202, 202), (refused.text, accepted.text)

    response = await on.api.get(
        "/audit", params={"case_id": case_id}, headers=harness_auth(Role.AUDITOR)
    )

    machines = [
        (e["action"], e["actor"], e["role"], e["detail"])
        for e in response.json()
        if e["role"] in ("platform", "partner")
    ]
    assert machines == [
        ("notice.decision", "platform:tiktok", "platform", f"notice={notice_id} decision=refused"),
        (
            "referral.status",
            "partner:france-victimes",
            "partner",
            f"referral={referral_id} status=accepted",
        ),
    ]


def partner_says(referral_id: str, status: str, reference: str = "FV-9") -> dict[str, Any]:
    return {
        "referral_id": referral_id,
        "idempotency_key": f"{referral_id}-{status}",
        "reference": reference,
        "status": status,
        "at": "2024-06-01T10:20:00Z",
    }


async def test_a_partner_answering_about_a_referral_cancelled_at_closing_is_heard(
    api_harness: ApiHarness,
) -> None:
    """Closing a case cancels the referrals under way; the partner then answers all the
    same. Its answer is recorded on the case (timeline, audit), a supervisor is given
    a task when it took the young person on, and the partner gets its 202 (no retries).
    Once the case itself has ended, the answer still becomes a supervisor's task."""
    harness = api_harness
    referral_id = await start_referral(harness, "france-victimes")
    case_id = referral_id.rsplit("-r", 1)[0]
    closed = await harness.api.post(
        f"/cases/{case_id}/close",
        json={"reason": "young person safe", "force": True},
        headers=harness_auth(Role.COUNSELLOR),
    )
    assert closed.status_code == 200, closed.text
    assert [r["status"] for r in closed.json()["referrals"]] == ["cancelled"]

    raw, headers = signed(partner_says(referral_id, "accepted"))
    answered = await harness.api.post(
        "/webhooks/partners/france-victimes", content=raw, headers=headers
    )
    assert answered.status_code == 202, answered.text

    words = (
        f"{referral_id} (france-victimes): the partner answered 'accepted' (reference 'FV-9') "
        "after the referral had ended (cancelled)"
    )
    view = await eventually(
        lambda: case_state(harness, case_id),
        lambda v: any(e.detail == words for e in v.timeline),
        what="the answer on the case's timeline",
    )
    assert view.referrals[0].status == "cancelled"

    async def supervisor_tasks() -> list[dict[str, Any]]:
        listed = await harness.api.get(
            "/tasks", params={"case_id": case_id}, headers=harness_auth(Role.SUPERVISOR)
        )
        return [t for t in listed.json() if t["kind"] == "supervisor_escalation"]

    [taken_over] = await eventually(supervisor_tasks, bool, what="the supervisor's task")
    assert taken_over["for_role"] == "supervisor"
    assert taken_over["summary"].startswith(f"france-victimes took over referral {referral_id}")

    # Past its reopen window the case's workflow has ended (here: ended by an operator).
    await harness.client.get_workflow_handle(contract.SUPPORT_CASE.workflow_id(case_id)).terminate()
    first_sent = time.time()
    for attempt in range(2):  # the partner's retry (signed anew, a second apart): one task
        raw, headers = signed(partner_says(referral_id, "closed"), at=first_sent - attempt)
        later = await harness.api.post(
            "/webhooks/partners/france-victimes", content=raw, headers=headers
        )
        assert later.status_code == 202, later.text
    tasks = await supervisor_tasks()
    assert [t["summary"].split(" after ")[0] for t in tasks] == [
        f"france-victimes took over referral {referral_id}",
        f"france-victimes answered 'closed' about referral {referral_id}",
    ]

    audit = await harness.api.get(
        "/audit", params={"case_id": case_id}, headers=harness_auth(Role.AUDITOR)
    )
    said = [e["detail"] for e in audit.json() if e["role"] == "partner"]
    assert said == [
        f"referral={referral_id} status=accepted",
        f"referral={referral_id} status=closed",
        f"referral={referral_id} status=closed",
    ]


async def test_another_partner_answering_about_an_ended_referral_is_404(
    api_harness: ApiHarness,
) -> None:
    referral_id = await start_referral(api_harness, "france-victimes")
    case_id = referral_id.rsplit("-r", 1)[0]
    closed = await api_harness.api.post(
        f"/cases/{case_id}/close",
        json={"reason": "young person safe", "force": True},
        headers=harness_auth(Role.COUNSELLOR),
    )
    assert closed.status_code == 200, closed.text
    raw, headers = signed(partner_says(referral_id, "accepted"))
    answered = await api_harness.api.post("/webhooks/partners/police", content=raw, headers=headers)
    assert answered.status_code == 404
    assert answered.json() == {"detail": f"no referral {referral_id} to partner 'police'"}
