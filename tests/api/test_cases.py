"""Opening a case starts its workflow; a retry with the same key finds the same case."""

from datetime import datetime

from httpx import AsyncClient

from domain import contract
from relais import search_attributes as sa
from relais.settings import Role
from tests.api.conftest import ApiHarness, add_items, case_input, intake, item, open_case, refuse
from tests.support.client import SECOND_COUNSELLOR, harness_auth, harness_subject
from tests.support.waiting import eventually


async def test_open_case_starts_its_workflow(api_harness: ApiHarness) -> None:
    response = await api_harness.api.post(
        "/cases", json=intake(), headers=harness_auth(Role.COUNSELLOR)
    )

    assert response.status_code == 201
    body = response.json()
    case_id = body["case_id"]
    assert body["workflow_id"] == contract.SUPPORT_CASE.workflow_id(case_id)
    assert body["status"] == "open"
    assert body["urgency"] == "high"  # intimate image: triage says high
    assert body["links"]["items"] == f"/cases/{case_id}/items"
    assert response.headers["Location"] == f"/cases/{case_id}"

    started = await case_input(api_harness, case_id)
    assert started.opened_by == harness_subject(Role.COUNSELLOR)
    assert started.contact.first_name == "Camille"
    assert set(started.catalog.platforms) == set(api_harness.registry.catalog().platforms)
    assert started.policy.callback_max_attempts == 3
    # The workflow runs: triaged, a callback planned, visible to the counsellor.
    view = await api_harness.api.get(f"/cases/{case_id}", headers=harness_auth(Role.COUNSELLOR))
    assert view.json()["status"] == "callback_scheduled"
    assert view.json()["callback"]["max_attempts"] == 3
    due_local = view.json()["callback"]["due_local"]
    assert [e["detail"] for e in view.json()["timeline"]] == [
        "case opened (phone)",
        "urgency high",
        f"callback planned for {due_local}",
    ]


async def test_ui_sees_filterable_attributes_and_no_personal_data(
    api_harness: ApiHarness,
) -> None:
    case_id = await open_case(api_harness.api)

    handle = api_harness.client.get_workflow_handle(contract.SUPPORT_CASE.workflow_id(case_id))
    # Opened "open"; the workflow then publishes what it has planned: the callback.
    description = await eventually(
        handle.describe,
        lambda d: d.typed_search_attributes.get(sa.CASE_STATUS) == "callback_scheduled",
        what="the case workflow to publish its status",
    )
    attributes = description.typed_search_attributes
    assert attributes.get(sa.CASE_ID) == case_id
    assert attributes.get(sa.CASE_URGENCY) == "high"
    assert attributes.get(sa.CASE_CATEGORIES) == ["cyberharassment", "intimate_image"]
    summary = await description.static_summary()
    details = await description.static_details()
    assert summary == (
        f"Case {case_id[:6]} · cyberharassment, intimate image · high urgency · victim via phone"
    )
    assert details is not None
    assert "- Report to platforms: yes" in details
    assert "- Callback: yes (17:00-20:00)" in details
    for personal in ("Camille", "+33600000000", "@cam", "class group"):
        assert personal not in summary
        assert personal not in details


async def test_retry_with_same_idempotency_key_returns_same_case(api: AsyncClient) -> None:
    headers = {**harness_auth(Role.COUNSELLOR), "Idempotency-Key": "call-2024-06-01-0042"}

    first = await api.post("/cases", json=intake(), headers=headers)
    retry = await api.post("/cases", json=intake(), headers=headers)

    assert first.status_code == 201
    assert retry.status_code == 200
    assert retry.json()["case_id"] == first.json()["case_id"]
    assert retry.json()["urgency"] == "high"
    opened_at = datetime.fromisoformat(first.json()["opened_at"])
    assert abs((datetime.fromisoformat(retry.json()["opened_at"]) - opened_at).total_seconds()) < 5


async def test_same_key_after_the_case_closed_still_returns_it(api: AsyncClient) -> None:
    headers = {**harness_auth(Role.COUNSELLOR), "Idempotency-Key": "closed-then-retried"}
    first = await api.post("/cases", json=intake(), headers=headers)
    case_id = first.json()["case_id"]
    closed = await api.post(
        f"/cases/{case_id}/close",
        json={"reason": "duplicate"},
        headers=harness_auth(Role.COUNSELLOR),
    )
    assert closed.status_code == 200

    retry = await api.post("/cases", json=intake(), headers=headers)

    assert retry.status_code == 200
    assert retry.json()["case_id"] == case_id


async def test_same_key_from_another_counsellor_is_another_case(api: AsyncClient) -> None:
    key = {"Idempotency-Key": "same-key-two-counsellors"}
    mine = await api.post("/cases", json=intake(), headers={**harness_auth(Role.COUNSELLOR), **key})
    theirs = await api.post("/cases", json=intake(), headers={**SECOND_COUNSELLOR, **key})

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["case_id"] != theirs.json()["case_id"]


async def test_critical_risk_gives_critical_urgency(api: AsyncClient) -> None:
    response = await api.post(
        "/cases", json=intake(risk_flags=["suicidal_risk"]), headers=harness_auth(Role.COUNSELLOR)
    )
    assert response.json()["urgency"] == "critical"


async def test_read_case_returns_the_workflow_view(api: AsyncClient) -> None:
    case_id = await open_case(api)

    for role in (Role.COUNSELLOR, Role.SUPERVISOR):
        response = await api.get(f"/cases/{case_id}", headers=harness_auth(role))
        assert response.status_code == 200
        view = response.json()
        assert view["case_id"] == case_id
        assert view["status"] == "callback_scheduled"  # the workflow's own status
        assert view["opened_by"] == harness_subject(Role.COUNSELLOR)


async def test_read_unknown_case_is_404(api: AsyncClient) -> None:
    response = await api.get(f"/cases/{'f' * 32}", headers=harness_auth(Role.SUPERVISOR))
    assert response.status_code == 404
    assert response.json() == {"detail": f"no case {'f' * 32}"}


async def test_list_cases_filters_the_directory(api_harness: ApiHarness) -> None:
    """Three sextortion cases (the only ones of this session), projected into the
    directory by their own workflows: on TikTok awaiting the platform, on Instagram
    awaiting the platform, on TikTok closed."""
    api = api_harness.api
    on_tiktok = await open_case(api, categories=["sextortion"])
    await add_items(api, on_tiktok, item(platform="tiktok"))
    on_instagram = await open_case(api, categories=["sextortion"])
    await add_items(
        api,
        on_instagram,
        item(platform="instagram", location={"url": "https://www.instagram.com/p/list-b"}),
    )
    closed = await open_case(api, categories=["sextortion"])
    [refused] = await add_items(api, closed, item(platform="tiktok"))
    await refuse(api_harness, closed, refused)
    closing = await api.post(
        f"/cases/{closed}/close",
        json={"reason": "duplicate"},
        headers=harness_auth(Role.COUNSELLOR),
    )
    assert closing.status_code == 200, closing.text
    expected = {
        on_tiktok: ("awaiting_platform", ["tiktok"]),
        on_instagram: ("awaiting_platform", ["instagram"]),
        closed: ("closed", ["tiktok"]),
    }

    async def sextortion_cases() -> dict[str, tuple[str, list[str]]]:
        page = await api.get(
            "/cases", params={"category": "sextortion"}, headers=harness_auth(Role.SUPERVISOR)
        )
        return {c["case_id"]: (c["status"], c["platforms"]) for c in page.json()["items"]}

    await eventually(
        sextortion_cases, lambda cases: cases == expected, what="the directory projections"
    )

    response = await api.get(
        "/cases",
        params={"status": "awaiting_platform", "platform": "tiktok", "category": "sextortion"},
        headers=harness_auth(Role.SUPERVISOR),
    )

    assert response.status_code == 200
    page = response.json()
    assert [c["case_id"] for c in page["items"]] == [on_tiktok]
    assert page["total"] == 1
    assert page["limit"] == 50


async def test_list_cases_rejects_bad_filters(api: AsyncClient) -> None:
    bad_status = await api.get(
        "/cases", params={"status": "lost"}, headers=harness_auth(Role.SUPERVISOR)
    )
    assert bad_status.status_code == 422
    assert bad_status.json()["detail"][0]["loc"] == ["query", "status"]

    typo = await api.get("/cases", params={"stauts": "open"}, headers=harness_auth(Role.SUPERVISOR))
    assert typo.status_code == 422
    assert typo.json()["detail"][0]["loc"] == ["query", "stauts"]

    too_many = await api.get(
        "/cases", params={"limit": 10_000}, headers=harness_auth(Role.COUNSELLOR)
    )
    assert too_many.status_code == 422
    assert too_many.json()["detail"][0]["loc"] == ["query", "limit"]
