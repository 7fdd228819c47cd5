"""The task board by role, claiming, and the audit trail of every case access.

The tasks are the workflows' own: a notice review a TakedownWorkflow opens for the
counsellors when the platform refuses, and the escalation a SupportCaseWorkflow
opens for the supervisors when the young person was not reached three times."""

from typing import Any

from httpx import AsyncClient

from relais.settings import Role
from tests.api.conftest import (
    ApiHarness,
    add_items,
    decision,
    item,
    open_case,
    refuse,
    signed,
    start_notice,
)
from tests.support.client import SECOND_COUNSELLOR, harness_auth, harness_subject


async def open_tasks(api: AsyncClient, case_id: str, role: Role) -> list[dict[str, Any]]:
    response = await api.get("/tasks", params={"case_id": case_id}, headers=harness_auth(role))
    assert response.status_code == 200, response.text
    tasks: list[dict[str, Any]] = response.json()
    return tasks


async def refused_notice(harness: ApiHarness, case_id: str) -> str:
    """TikTok refuses the case's notice: the counsellors' review task."""
    [notice_id] = await add_items(harness.api, case_id, item())
    await refuse(harness, case_id, notice_id)
    return f"{notice_id}:notice_review"


async def callbacks_exhausted(harness: ApiHarness, case_id: str) -> str:
    """Three callbacks without reaching the young person: the supervisors' escalation."""
    api = harness.api
    for _ in range(3):
        outcome = await api.post(
            f"/cases/{case_id}/callback-outcome",
            json={"result": "not_reached"},
            headers=harness_auth(Role.COUNSELLOR),
        )
        assert outcome.status_code == 200, outcome.text
    return f"{case_id}:supervisor_escalation:callbacks-exhausted-3"


async def test_counsellors_see_their_tasks_supervisors_see_all(api_harness: ApiHarness) -> None:
    api = api_harness.api
    case_id = await open_case(api)
    review = await refused_notice(api_harness, case_id)
    escalation = await callbacks_exhausted(api_harness, case_id)

    as_counsellor = await open_tasks(api, case_id, Role.COUNSELLOR)
    as_supervisor = await open_tasks(api, case_id, Role.SUPERVISOR)

    assert [t["task_id"] for t in as_counsellor] == [review]
    assert {t["task_id"] for t in as_supervisor} == {review, escalation}
    kinds = {t["task_id"]: (t["kind"], t["for_role"]) for t in as_supervisor}
    assert kinds == {
        review: ("notice_review", "counsellor"),
        escalation: ("supervisor_escalation", "supervisor"),
    }


async def test_claim_a_task_once(api_harness: ApiHarness) -> None:
    case_id = await open_case(api_harness.api)
    task_id = await refused_notice(api_harness, case_id)

    mine = await api_harness.api.post(
        f"/tasks/{task_id}/claim", headers=harness_auth(Role.COUNSELLOR)
    )
    again = await api_harness.api.post(
        f"/tasks/{task_id}/claim", headers=harness_auth(Role.COUNSELLOR)
    )
    theirs = await api_harness.api.post(f"/tasks/{task_id}/claim", headers=SECOND_COUNSELLOR)

    assert mine.status_code == 200
    assert mine.json()["claimed_by"] == harness_subject(Role.COUNSELLOR)
    assert again.status_code == 200
    assert theirs.status_code == 409


async def test_claim_rules(api_harness: ApiHarness) -> None:
    case_id = await open_case(api_harness.api)
    escalation = await callbacks_exhausted(api_harness, case_id)

    counsellor = await api_harness.api.post(
        f"/tasks/{escalation}/claim", headers=harness_auth(Role.COUNSELLOR)
    )
    supervisor = await api_harness.api.post(
        f"/tasks/{escalation}/claim", headers=harness_auth(Role.SUPERVISOR)
    )
    missing = await api_harness.api.post(
        "/tasks/no-such-task/claim", headers=harness_auth(Role.SUPERVISOR)
    )

    assert counsellor.status_code == 403
    assert supervisor.status_code == 200
    assert missing.status_code == 404


async def test_every_case_access_is_audited_without_personal_data(
    api_harness: ApiHarness,
) -> None:
    api = api_harness.api
    case_id = await open_case(api)
    await api.get(f"/cases/{case_id}", headers=harness_auth(Role.SUPERVISOR))
    [notice_id] = await add_items(
        api,
        case_id,
        item(
            legal_qualification="blackmail",
            location={"url": "https://www.tiktok.com/@camille.d/video/7"},
        ),
    )
    await refuse(api_harness, case_id, notice_id)  # the notice settles: the case may close
    closed = await api.post(
        f"/cases/{case_id}/close", json={"reason": "done"}, headers=harness_auth(Role.COUNSELLOR)
    )
    assert closed.status_code == 200, closed.text

    response = await api.get(
        "/audit", params={"case_id": case_id}, headers=harness_auth(Role.AUDITOR)
    )

    assert response.status_code == 200
    entries = response.json()
    assert [(e["action"], e["actor"], e["role"]) for e in entries] == [
        ("case.open", harness_subject(Role.COUNSELLOR), "counsellor"),
        ("case.read", harness_subject(Role.SUPERVISOR), "supervisor"),
        ("case.items.add", harness_subject(Role.COUNSELLOR), "counsellor"),
        ("notice.decision", "platform:tiktok", "platform"),  # the platform's refusal
        ("case.close", harness_subject(Role.COUNSELLOR), "counsellor"),
    ]
    assert entries[2]["detail"] == "items=1 platforms=tiktok"
    text = response.text
    for personal in ("Camille", "camille", "+33600000000", "@cam", "class group"):
        assert personal not in text


async def test_a_polling_screen_leaves_one_read_per_person_and_window(
    api_harness: ApiHarness,
) -> None:
    """A screen refreshing a case every few seconds does not flood the audit: each
    person's reads of a case are one entry per 15-minute window, at the first read."""
    api = api_harness.api
    case_id = await open_case(api)
    for _ in range(5):
        assert (
            await api.get(f"/cases/{case_id}", headers=harness_auth(Role.SUPERVISOR))
        ).is_success
    assert (await api.get(f"/cases/{case_id}", headers=harness_auth(Role.COUNSELLOR))).is_success

    response = await api.get(
        "/audit",
        params={"case_id": case_id, "action": "case.read"},
        headers=harness_auth(Role.AUDITOR),
    )

    assert sorted(e["actor"] for e in response.json()) == sorted(
        [harness_subject(Role.SUPERVISOR), harness_subject(Role.COUNSELLOR)]
    )


async def test_reading_the_audit_trail_is_itself_audited(api_harness: ApiHarness) -> None:
    case_id = await open_case(api_harness.api)
    await api_harness.api.get(
        "/audit", params={"case_id": case_id}, headers=harness_auth(Role.SUPERVISOR)
    )

    response = await api_harness.api.get(
        "/audit",
        params={
            "action": "audit.read",
            "actor": harness_subject(Role.SUPERVISOR),
            "case_id": case_id,
        },
        headers=harness_auth(Role.AUDITOR),
    )

    assert [e["action"] for e in response.json()] == ["audit.read"]


async def test_webhook_deliveries_are_audited(api_harness: ApiHarness) -> None:
    notice_id = await start_notice(api_harness, "instagram")
    raw, headers = signed(decision(notice_id, decision="refused"))
    delivered = await api_harness.api.post(
        "/webhooks/platforms/instagram", content=raw, headers=headers
    )
    assert delivered.status_code == 202, delivered.text

    response = await api_harness.api.get(
        "/audit", params={"actor": "platform:instagram"}, headers=harness_auth(Role.AUDITOR)
    )

    assert f"notice={notice_id} decision=refused" in [e["detail"] for e in response.json()]
