"""Acting on a case: each action reaches the workflow as an update carrying the
caller from the token and the registry's catalog, and answers at once."""

from typing import Any

from httpx import AsyncClient

from relais.settings import Role
from tests.api.conftest import ApiHarness, auth, open_case, subject
from workflows.names import case_workflow_id

ITEM = {
    "platform": "instagram",
    "content_type": "image",
    "legal_qualification": "intimate_image_without_consent",
    "location": {"url": "https://www.instagram.com/p/abc"},
    "evidence": [{"digest": "ab" * 32}],
}


async def received(harness: ApiHarness, case_id: str) -> dict[str, Any]:
    handle = harness.client.get_workflow_handle(case_workflow_id(case_id))
    result: dict[str, Any] = await handle.query("received")
    return result


async def test_add_items_returns_notice_ids(api_harness: ApiHarness) -> None:
    case_id = await open_case(api_harness.api)

    response = await api_harness.api.post(
        f"/cases/{case_id}/items", json={"items": [ITEM, ITEM]}, headers=auth(Role.COUNSELLOR)
    )

    assert response.status_code == 202
    assert response.json() == {"case_id": case_id, "notice_ids": [f"{case_id}-n0", f"{case_id}-n1"]}
    [request] = (await received(api_harness, case_id))["add_items"]
    assert request["requested_by"] == subject(Role.COUNSELLOR)
    assert set(request["catalog"]["platforms"]) == {"tiktok", "instagram"}


async def test_retried_action_with_same_key_runs_once(api_harness: ApiHarness) -> None:
    case_id = await open_case(api_harness.api)
    headers = {**auth(Role.COUNSELLOR), "Idempotency-Key": "items-attempt-1"}

    first = await api_harness.api.post(
        f"/cases/{case_id}/items", json={"items": [ITEM]}, headers=headers
    )
    retry = await api_harness.api.post(
        f"/cases/{case_id}/items", json={"items": [ITEM]}, headers=headers
    )

    assert first.status_code == retry.status_code == 202
    assert retry.json() == first.json()
    assert len((await received(api_harness, case_id))["add_items"]) == 1


async def test_request_referral(api_harness: ApiHarness) -> None:
    case_id = await open_case(api_harness.api)

    response = await api_harness.api.post(
        f"/cases/{case_id}/referrals",
        json={"partner": "france-victimes", "reason": "legal support", "victim_consented": True},
        headers=auth(Role.COUNSELLOR),
    )

    assert response.status_code == 202
    assert response.json()["partner"] == "france-victimes"
    assert response.json()["status"] == "pending"
    [request] = (await received(api_harness, case_id))["referrals"]
    assert request["requested_by"] == subject(Role.COUNSELLOR)
    assert request["victim_consented"] is True


async def test_record_callback_outcome(api_harness: ApiHarness) -> None:
    case_id = await open_case(api_harness.api)

    response = await api_harness.api.post(
        f"/cases/{case_id}/callback-outcome",
        json={"result": "not_reached"},
        headers=auth(Role.COUNSELLOR),
    )

    assert response.status_code == 200
    assert response.json()["callback"]["attempts"] == 1
    [outcome] = (await received(api_harness, case_id))["callbacks"]
    assert outcome["recorded_by"] == subject(Role.COUNSELLOR)
    assert outcome["result"] == "not_reached"


async def test_supervisor_closes_a_case_and_it_stays_closed(api: AsyncClient) -> None:
    case_id = await open_case(api)

    closed = await api.post(
        f"/cases/{case_id}/close",
        json={"reason": "victim safe", "force": True},
        headers=auth(Role.SUPERVISOR),
    )
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["close_reason"] == "victim safe"

    again = await api.post(
        f"/cases/{case_id}/items", json={"items": [ITEM]}, headers=auth(Role.COUNSELLOR)
    )
    assert again.status_code == 409
    assert again.json() == {"detail": f"case {case_id} is closed"}


async def test_action_on_unknown_case_is_404(api: AsyncClient) -> None:
    response = await api.post(
        f"/cases/{'e' * 32}/callback-outcome",
        json={"result": "reached"},
        headers=auth(Role.COUNSELLOR),
    )
    assert response.status_code == 404
    assert response.json() == {"detail": f"no case {'e' * 32}"}
