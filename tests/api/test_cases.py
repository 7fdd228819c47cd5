"""Opening a case starts its workflow; a retry with the same key finds the same case."""

from datetime import UTC, datetime

from httpx import AsyncClient

from relais.db import CaseDirectory
from relais.db.records import CaseRecord
from relais.settings import Role
from tests.api.conftest import SECOND_COUNSELLOR, ApiHarness, auth, intake, open_case, subject
from workflows import search_attributes as sa
from workflows.models.enums import AgeBand, CallerRole, CaseStatus, Category, Channel, Urgency
from workflows.names import case_workflow_id


async def test_open_case_starts_its_workflow(api_harness: ApiHarness) -> None:
    response = await api_harness.api.post("/cases", json=intake(), headers=auth(Role.COUNSELLOR))

    assert response.status_code == 201
    body = response.json()
    case_id = body["case_id"]
    assert body["workflow_id"] == case_workflow_id(case_id)
    assert body["status"] == "open"
    assert body["urgency"] == "high"  # intimate image: triage says high
    assert body["links"]["items"] == f"/cases/{case_id}/items"
    assert response.headers["Location"] == f"/cases/{case_id}"

    handle = api_harness.client.get_workflow_handle(case_workflow_id(case_id))
    received = await handle.query("received")
    case_input = received["input"]
    assert case_input["opened_by"] == subject(Role.COUNSELLOR)
    assert case_input["contact"]["first_name"] == "Camille"
    assert set(case_input["catalog"]["platforms"]) == {"tiktok", "instagram"}
    assert case_input["policy"]["callback_max_attempts"] == 3


async def test_ui_sees_filterable_attributes_and_no_personal_data(
    api_harness: ApiHarness,
) -> None:
    case_id = await open_case(api_harness.api)

    description = await api_harness.client.get_workflow_handle(case_workflow_id(case_id)).describe()
    attributes = description.typed_search_attributes
    assert attributes.get(sa.CASE_ID) == case_id
    assert attributes.get(sa.CASE_STATUS) == "open"
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
    headers = {**auth(Role.COUNSELLOR), "Idempotency-Key": "call-2024-06-01-0042"}

    first = await api.post("/cases", json=intake(), headers=headers)
    retry = await api.post("/cases", json=intake(), headers=headers)

    assert first.status_code == 201
    assert retry.status_code == 200
    assert retry.json()["case_id"] == first.json()["case_id"]
    assert retry.json()["urgency"] == "high"
    opened_at = datetime.fromisoformat(first.json()["opened_at"])
    assert abs((datetime.fromisoformat(retry.json()["opened_at"]) - opened_at).total_seconds()) < 5


async def test_same_key_after_the_case_closed_still_returns_it(api: AsyncClient) -> None:
    headers = {**auth(Role.COUNSELLOR), "Idempotency-Key": "closed-then-retried"}
    first = await api.post("/cases", json=intake(), headers=headers)
    case_id = first.json()["case_id"]
    closed = await api.post(
        f"/cases/{case_id}/close", json={"reason": "duplicate"}, headers=auth(Role.COUNSELLOR)
    )
    assert closed.status_code == 200

    retry = await api.post("/cases", json=intake(), headers=headers)

    assert retry.status_code == 200
    assert retry.json()["case_id"] == case_id


async def test_same_key_from_another_counsellor_is_another_case(api: AsyncClient) -> None:
    key = {"Idempotency-Key": "same-key-two-counsellors"}
    mine = await api.post("/cases", json=intake(), headers={**auth(Role.COUNSELLOR), **key})
    theirs = await api.post("/cases", json=intake(), headers={**SECOND_COUNSELLOR, **key})

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["case_id"] != theirs.json()["case_id"]


async def test_critical_risk_gives_critical_urgency(api: AsyncClient) -> None:
    response = await api.post(
        "/cases", json=intake(risk_flags=["suicidal_risk"]), headers=auth(Role.COUNSELLOR)
    )
    assert response.json()["urgency"] == "critical"


async def test_read_case_returns_the_workflow_view(api: AsyncClient) -> None:
    case_id = await open_case(api)

    for role in (Role.COUNSELLOR, Role.SUPERVISOR):
        response = await api.get(f"/cases/{case_id}", headers=auth(role))
        assert response.status_code == 200
        view = response.json()
        assert view["case_id"] == case_id
        assert view["status"] == "open"
        assert view["opened_by"] == subject(Role.COUNSELLOR)


async def test_read_unknown_case_is_404(api: AsyncClient) -> None:
    response = await api.get(f"/cases/{'f' * 32}", headers=auth(Role.SUPERVISOR))
    assert response.status_code == 404
    assert response.json() == {"detail": f"no case {'f' * 32}"}


async def test_list_cases_filters_the_directory(api_harness: ApiHarness) -> None:
    now = datetime.now(UTC)
    directory = CaseDirectory(api_harness.database)
    for case_id, platforms, status in (
        ("list-a", ["tiktok"], CaseStatus.AWAITING_PLATFORM),
        ("list-b", ["instagram"], CaseStatus.AWAITING_PLATFORM),
        ("list-c", ["tiktok"], CaseStatus.CLOSED),
    ):
        await directory.upsert(
            CaseRecord(
                case_id=case_id,
                version=1,
                status=status,
                urgency=Urgency.HIGH,
                channel=Channel.PHONE,
                caller_role=CallerRole.VICTIM,
                age_band=AgeBand.AGE_15_17,
                categories=[Category.SEXTORTION],
                platforms=platforms,
                opened_by="someone",
                opened_at=now,
                updated_at=now,
            )
        )

    response = await api_harness.api.get(
        "/cases",
        params={"status": "awaiting_platform", "platform": "tiktok", "category": "sextortion"},
        headers=auth(Role.SUPERVISOR),
    )

    assert response.status_code == 200
    page = response.json()
    assert [c["case_id"] for c in page["items"]] == ["list-a"]
    assert page["total"] == 1
    assert page["limit"] == 50


async def test_list_cases_rejects_bad_filters(api: AsyncClient) -> None:
    bad_status = await api.get("/cases", params={"status": "lost"}, headers=auth(Role.SUPERVISOR))
    assert bad_status.status_code == 422
    assert bad_status.json()["detail"][0]["loc"] == ["query", "status"]

    typo = await api.get("/cases", params={"stauts": "open"}, headers=auth(Role.SUPERVISOR))
    assert typo.status_code == 422
    assert typo.json()["detail"][0]["loc"] == ["query", "stauts"]

    too_many = await api.get("/cases", params={"limit": 10_000}, headers=auth(Role.COUNSELLOR))
    assert too_many.status_code == 422
    assert too_many.json()["detail"][0]["loc"] == ["query", "limit"]
