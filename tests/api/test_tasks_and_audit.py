"""The task board by role, claiming, and the audit trail of every case access."""

import uuid
from datetime import UTC, datetime, timedelta

from relais.db import TaskBoard
from relais.db.records import TaskRecord
from relais.settings import Role
from tests.api.conftest import (
    SECOND_COUNSELLOR,
    ApiHarness,
    auth,
    decision,
    open_case,
    signed,
    start_notice,
    subject,
)
from workflows.models.enums import TaskKind


async def add_task(harness: ApiHarness, case_id: str, for_role: str, kind: TaskKind) -> str:
    task_id = f"{kind.value}-{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    await TaskBoard(harness.database).create(
        TaskRecord(
            task_id=task_id,
            case_id=case_id,
            kind=kind,
            for_role=for_role,
            summary="Call back: second attempt",
            due_at=now + timedelta(hours=1),
            created_at=now,
        )
    )
    return task_id


async def test_counsellors_see_their_tasks_supervisors_see_all(api_harness: ApiHarness) -> None:
    case_id = uuid.uuid4().hex
    callback = await add_task(api_harness, case_id, "counsellor", TaskKind.CALLBACK_DUE)
    escalation = await add_task(api_harness, case_id, "supervisor", TaskKind.SUPERVISOR_ESCALATION)

    as_counsellor = await api_harness.api.get(
        "/tasks", params={"case_id": case_id}, headers=auth(Role.COUNSELLOR)
    )
    as_supervisor = await api_harness.api.get(
        "/tasks", params={"case_id": case_id}, headers=auth(Role.SUPERVISOR)
    )

    assert [t["task_id"] for t in as_counsellor.json()] == [callback]
    assert {t["task_id"] for t in as_supervisor.json()} == {callback, escalation}


async def test_claim_a_task_once(api_harness: ApiHarness) -> None:
    case_id = uuid.uuid4().hex
    task_id = await add_task(api_harness, case_id, "counsellor", TaskKind.CALLBACK_DUE)

    mine = await api_harness.api.post(f"/tasks/{task_id}/claim", headers=auth(Role.COUNSELLOR))
    again = await api_harness.api.post(f"/tasks/{task_id}/claim", headers=auth(Role.COUNSELLOR))
    theirs = await api_harness.api.post(f"/tasks/{task_id}/claim", headers=SECOND_COUNSELLOR)

    assert mine.status_code == 200
    assert mine.json()["claimed_by"] == subject(Role.COUNSELLOR)
    assert again.status_code == 200
    assert theirs.status_code == 409


async def test_claim_rules(api_harness: ApiHarness) -> None:
    escalation = await add_task(
        api_harness, uuid.uuid4().hex, "supervisor", TaskKind.SUPERVISOR_ESCALATION
    )

    counsellor = await api_harness.api.post(
        f"/tasks/{escalation}/claim", headers=auth(Role.COUNSELLOR)
    )
    supervisor = await api_harness.api.post(
        f"/tasks/{escalation}/claim", headers=auth(Role.SUPERVISOR)
    )
    missing = await api_harness.api.post("/tasks/no-such-task/claim", headers=auth(Role.SUPERVISOR))

    assert counsellor.status_code == 403
    assert supervisor.status_code == 200
    assert missing.status_code == 404


async def test_every_case_access_is_audited_without_personal_data(
    api_harness: ApiHarness,
) -> None:
    api = api_harness.api
    case_id = await open_case(api)
    await api.get(f"/cases/{case_id}", headers=auth(Role.SUPERVISOR))
    await api.post(
        f"/cases/{case_id}/items",
        json={
            "items": [
                {
                    "platform": "tiktok",
                    "content_type": "video",
                    "legal_qualification": "blackmail",
                    "location": {"url": "https://www.tiktok.com/@camille.d/video/7"},
                }
            ]
        },
        headers=auth(Role.COUNSELLOR),
    )
    await api.post(
        f"/cases/{case_id}/close", json={"reason": "done"}, headers=auth(Role.COUNSELLOR)
    )

    response = await api.get("/audit", params={"case_id": case_id}, headers=auth(Role.AUDITOR))

    assert response.status_code == 200
    entries = response.json()
    assert [(e["action"], e["actor"], e["role"]) for e in entries] == [
        ("case.open", subject(Role.COUNSELLOR), "counsellor"),
        ("case.read", subject(Role.SUPERVISOR), "supervisor"),
        ("case.items.add", subject(Role.COUNSELLOR), "counsellor"),
        ("case.close", subject(Role.COUNSELLOR), "counsellor"),
    ]
    assert entries[2]["detail"] == "items=1 platforms=tiktok"
    text = response.text
    for personal in ("Camille", "camille", "+33600000000", "@cam", "class group"):
        assert personal not in text


async def test_reading_the_audit_trail_is_itself_audited(api_harness: ApiHarness) -> None:
    case_id = await open_case(api_harness.api)
    await api_harness.api.get("/audit", params={"case_id": case_id}, headers=auth(Role.SUPERVISOR))

    response = await api_harness.api.get(
        "/audit",
        params={"action": "audit.read", "actor": subject(Role.SUPERVISOR), "case_id": case_id},
        headers=auth(Role.AUDITOR),
    )

    assert [e["action"] for e in response.json()] == ["audit.read"]


async def test_webhook_deliveries_are_audited(api_harness: ApiHarness) -> None:
    notice_id = await start_notice(api_harness)
    raw, headers = signed(decision(notice_id, decision="refused"))
    await api_harness.api.post("/webhooks/platforms/instagram", content=raw, headers=headers)

    response = await api_harness.api.get(
        "/audit", params={"actor": "platform:instagram"}, headers=auth(Role.AUDITOR)
    )

    assert f"notice={notice_id} decision=refused" in [e["detail"] for e in response.json()]
