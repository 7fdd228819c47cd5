"""Acting on a case: each action reaches the workflow as an update carrying the
caller from the token and the registry's catalog, and answers at once."""

from typing import Any

from httpx import AsyncClient

from domain import contract
from domain.case import CallbackOutcomeRequest
from domain.items import AddItemsRequest
from domain.referral import ReferralRequest
from relais.settings import Role
from tests.api.conftest import ApiHarness, open_case, updates_accepted
from tests.support.client import harness_auth, harness_subject

ITEM = {
    "platform": "instagram",
    "content_type": "image",
    "legal_qualification": "intimate_image_without_consent",
    "location": {"url": "https://www.instagram.com/p/abc"},
    "evidence": [{"digest": "ab" * 32}],
}


async def view(api: AsyncClient, case_id: str) -> dict[str, Any]:
    response = await api.get(f"/cases/{case_id}", headers=harness_auth(Role.SUPERVISOR))
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


async def test_add_items_returns_notice_ids(api_harness: ApiHarness) -> None:
    case_id = await open_case(api_harness.api)

    response = await api_harness.api.post(
        f"/cases/{case_id}/items",
        json={"items": [ITEM, ITEM]},
        headers=harness_auth(Role.COUNSELLOR),
    )

    assert response.status_code == 202
    notice_ids = [f"{case_id}-n1", f"{case_id}-n2"]
    assert response.json() == {"case_id": case_id, "notice_ids": notice_ids}
    [request] = await updates_accepted(
        api_harness, case_id, contract.ADD_ITEMS.name, AddItemsRequest
    )
    assert request.actor == harness_subject(Role.COUNSELLOR)
    assert request.catalog is not None
    assert set(request.catalog.platforms) == set(api_harness.registry.catalog().platforms)
    case = await view(api_harness.api, case_id)
    assert [(n["notice_id"], n["platform"]) for n in case["notices"]] == [
        (notice_id, "instagram") for notice_id in notice_ids
    ]
    # Both children start in one workflow task: their notes come in either order.
    started = {
        (e["detail"], e["actor"]) for e in case["timeline"] if e["detail"].endswith("started")
    }
    assert started == {
        (f"{notice_id}: notice to instagram started", harness_subject(Role.COUNSELLOR))
        for notice_id in notice_ids
    }


async def test_retried_action_with_same_key_runs_once(api_harness: ApiHarness) -> None:
    case_id = await open_case(api_harness.api)
    headers = {**harness_auth(Role.COUNSELLOR), "Idempotency-Key": "items-attempt-1"}

    first = await api_harness.api.post(
        f"/cases/{case_id}/items", json={"items": [ITEM]}, headers=headers
    )
    retry = await api_harness.api.post(
        f"/cases/{case_id}/items", json={"items": [ITEM]}, headers=headers
    )

    assert first.status_code == retry.status_code == 202
    assert retry.json() == first.json()
    assert (
        len(await updates_accepted(api_harness, case_id, contract.ADD_ITEMS.name, AddItemsRequest))
        == 1
    )
    assert [n["notice_id"] for n in (await view(api_harness.api, case_id))["notices"]] == [
        f"{case_id}-n1"
    ]


async def test_request_referral(api_harness: ApiHarness) -> None:
    case_id = await open_case(api_harness.api)

    response = await api_harness.api.post(
        f"/cases/{case_id}/referrals",
        json={"partner": "france-victimes", "reason": "legal support", "victim_consented": True},
        headers=harness_auth(Role.COUNSELLOR),
    )

    assert response.status_code == 202
    assert response.json()["referral_id"] == f"{case_id}-r1"
    assert response.json()["partner"] == "france-victimes"
    assert response.json()["status"] == "pending"
    [request] = await updates_accepted(
        api_harness, case_id, contract.REQUEST_REFERRAL.name, ReferralRequest
    )
    assert request.actor == harness_subject(Role.COUNSELLOR)
    assert request.victim_consented is True
    [referral] = (await view(api_harness.api, case_id))["referrals"]
    assert (referral["referral_id"], referral["partner"]) == (f"{case_id}-r1", "france-victimes")


async def test_record_callback_outcome(api_harness: ApiHarness) -> None:
    case_id = await open_case(api_harness.api)

    response = await api_harness.api.post(
        f"/cases/{case_id}/callback-outcome",
        json={"result": "not_reached"},
        headers=harness_auth(Role.COUNSELLOR),
    )

    assert response.status_code == 200, response.text
    assert response.json()["callback"]["attempts"] == 1
    assert response.json()["callback"]["last_result"] == "not_reached"
    [outcome] = await updates_accepted(
        api_harness, case_id, contract.RECORD_CALLBACK_OUTCOME.name, CallbackOutcomeRequest
    )
    assert outcome.actor == harness_subject(Role.COUNSELLOR)
    assert outcome.result == "not_reached"
    *_, attempt, planned = response.json()["timeline"]
    assert {
        "kind": "callback",
        "detail": "callback attempt 1: not_reached",
        "actor": harness_subject(Role.COUNSELLOR),
    }.items() <= attempt.items()
    assert planned["detail"] == f"next attempt planned for {planned_local(response.json())}"


def planned_local(view: dict[str, object]) -> str:
    callback = view["callback"]
    assert isinstance(callback, dict)
    return str(callback["due_local"])


async def test_supervisor_closes_a_case_and_it_stays_closed(api: AsyncClient) -> None:
    case_id = await open_case(api)

    closed = await api.post(
        f"/cases/{case_id}/close",
        json={"reason": "victim safe", "force": True},
        headers=harness_auth(Role.SUPERVISOR),
    )
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["close_reason"] == "victim safe"

    # Closed, its workflow waits out the reopen window: it refuses new work itself.
    again = await api.post(
        f"/cases/{case_id}/items", json={"items": [ITEM]}, headers=harness_auth(Role.COUNSELLOR)
    )
    assert again.status_code == 422
    assert again.json() == {
        "detail": [
            {
                "loc": ["case_id"],
                "msg": "case_id: the case is closed",
                "type": "RequestRejected",
                "code": "case_closed",
            }
        ]
    }
    assert (await view(api, case_id))["notices"] == []


async def test_action_on_unknown_case_is_404(api: AsyncClient) -> None:
    response = await api.post(
        f"/cases/{'e' * 32}/callback-outcome",
        json={"result": "reached"},
        headers=harness_auth(Role.COUNSELLOR),
    )
    assert response.status_code == 404
    assert response.json() == {"detail": f"no case {'e' * 32}"}
