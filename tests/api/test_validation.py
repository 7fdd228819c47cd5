"""Every invalid request is a 4xx whose detail names the offending field, and never
echoes the submitted values back (they may be personal data)."""

from typing import Any

import pytest
from httpx import AsyncClient

from relais.settings import Role
from tests.api.conftest import ApiHarness, intake, item, open_case
from tests.support.client import harness_auth


def locs(response_json: dict[str, Any]) -> list[list[str | int]]:
    return [error["loc"] for error in response_json["detail"]]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({k: v for k, v in intake().items() if k != "categories"}, ["body", "categories"]),
        (intake(categories=[]), ["body", "categories"]),
        (intake(categories=["gossip"]), ["body", "categories", 0]),
        (intake(channel="carrier_pigeon"), ["body", "channel"]),
        (intake(age_band="12"), ["body", "age_band"]),
        (intake(summary="x" * 201), ["body", "summary"]),
        (intake(contact={"phone": "0" * 41}), ["body", "contact", "phone"]),
        (intake(contact={"shoe_size": 42}), ["body", "contact", "shoe_size"]),
        (intake(categorie=["other"]), ["body", "categorie"]),
    ],
    ids=[
        "missing-categories",
        "empty-categories",
        "unknown-category",
        "bad-channel",
        "bad-age-band",
        "summary-too-long",
        "phone-too-long",
        "unknown-contact-field",
        "misspelt-field",
    ],
)
async def test_bad_case_body_is_422_naming_the_field(
    api: AsyncClient, body: dict[str, Any], loc: list[str | int]
) -> None:
    response = await api.post("/cases", json=body, headers=harness_auth(Role.COUNSELLOR))

    assert response.status_code == 422
    assert loc in locs(response.json())
    for error in response.json()["detail"]:
        assert set(error) == {"loc", "msg", "type"}  # no "input": values are not echoed


async def test_too_long_idempotency_key_is_422(api: AsyncClient) -> None:
    response = await api.post(
        "/cases",
        json=intake(),
        headers={**harness_auth(Role.COUNSELLOR), "Idempotency-Key": "k" * 201},
    )
    assert response.status_code == 422
    assert locs(response.json()) == [["header", "Idempotency-Key"]]


async def view(api: AsyncClient, case_id: str) -> dict[str, Any]:
    response = await api.get(f"/cases/{case_id}", headers=harness_auth(Role.COUNSELLOR))
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


async def test_bad_url_is_rejected_by_the_workflow_naming_the_field(api: AsyncClient) -> None:
    case_id = await open_case(api)

    response = await api.post(
        f"/cases/{case_id}/items",
        json={"items": [item(), item(location={"url": "tiktok.com/video 1"})]},
        headers=harness_auth(Role.COUNSELLOR),
    )

    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["items", 1, "location", "url"]
    assert problem["msg"] == "items[1].location.url must not contain spaces"
    assert problem["type"] == "RequestRejected"  # the case workflow's update validator
    assert (await view(api, case_id))["notices"] == []  # neither item was taken


async def test_unknown_platform_lists_the_known_ones(api_harness: ApiHarness) -> None:
    api = api_harness.api
    case_id = await open_case(api)

    response = await api.post(
        f"/cases/{case_id}/items",
        json={"items": [item(platform="myspace", location={"url": "ftp://myspace.com/x"})]},
        headers=harness_auth(Role.COUNSELLOR),
    )

    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [p["loc"] for p in detail] == [
        ["items", 0, "platform"],
        ["items", 0, "location", "url"],
    ]
    known = ", ".join(sorted(api_harness.registry.catalog().platforms))
    assert {"instagram", "tiktok"} <= set(api_harness.registry.catalog().platforms)
    assert detail[0]["msg"] == f"items[0].platform: unknown platform 'myspace' (known: {known})"


async def test_items_without_consent_are_refused_naming_the_consent(api: AsyncClient) -> None:
    case_id = await open_case(api, consents={"report_to_platforms": False})

    response = await api.post(
        f"/cases/{case_id}/items", json={"items": [item()]}, headers=harness_auth(Role.COUNSELLOR)
    )

    assert response.status_code == 422
    assert locs(response.json()) == [["consents", "report_to_platforms"]]


async def test_bad_item_shape_is_caught_before_the_workflow(api: AsyncClient) -> None:
    response = await api.post(
        f"/cases/{'a' * 32}/items",
        json={"items": [item(content_type="hologram")]},
        headers=harness_auth(Role.COUNSELLOR),
    )
    assert response.status_code == 422
    assert locs(response.json()) == [["body", "items", 0, "content_type"]]


async def test_referral_to_unconsented_partner_is_422(api: AsyncClient) -> None:
    case_id = await open_case(api)

    response = await api.post(
        f"/cases/{case_id}/referrals",
        json={"partner": "france-victimes"},
        headers=harness_auth(Role.COUNSELLOR),
    )

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["partner"],
            "msg": "partner: the victim has not consented to a referral to 'france-victimes'",
            "type": "RequestRejected",
            "code": "no_partner_consent",
        }
    ]


async def test_close_needs_a_reason(api: AsyncClient) -> None:
    response = await api.post(
        f"/cases/{'a' * 32}/close", json={"reason": ""}, headers=harness_auth(Role.SUPERVISOR)
    )
    assert response.status_code == 422
    assert locs(response.json()) == [["body", "reason"]]


async def test_the_actor_cannot_be_forged_in_the_body(api: AsyncClient) -> None:
    response = await api.post(
        f"/cases/{'a' * 32}/referrals",
        json={"partner": "pharos", "actor": "someone-else"},
        headers=harness_auth(Role.COUNSELLOR),
    )
    assert response.status_code == 422
    assert locs(response.json()) == [["body", "actor"]]
