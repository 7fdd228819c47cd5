"""Reads and writes of a case are audited (actor, role, time, case, action) and the
auditor reads the trail through the API; no personal data goes into it."""

from datetime import UTC, datetime, timedelta

from relais.clock import utc_now
from relais.db.repositories.access import AccessReason, CaseAccessBook
from tests.privacy.conftest import PrivacyApi, bearer


async def test_reads_and_writes_are_audited_and_the_auditor_queries_them(
    privacy_api: PrivacyApi,
) -> None:
    started = datetime.now(UTC) - timedelta(seconds=1)
    case_id = f"audit{utc_now().timestamp():.0f}"
    await CaseAccessBook(privacy_api.database).grant(
        case_id, "test-counsellor", AccessReason.OWNER, "test-counsellor", utc_now()
    )
    http = privacy_api.http
    share = await http.post(
        f"/cases/{case_id}/shares", json={"counsellor": "colleague-7"}, headers=bearer("counsellor")
    )
    assert share.status_code == 201, share.text
    shares = await http.get(f"/cases/{case_id}/shares", headers=bearer("supervisor"))
    assert shares.status_code == 200
    tasks = await http.get("/tasks", params={"case_id": case_id}, headers=bearer("counsellor"))
    assert tasks.status_code == 200

    trail = await http.get("/audit", params={"case_id": case_id}, headers=bearer("auditor"))
    assert trail.status_code == 200, trail.text
    rows = [(e["actor"], e["role"], e["action"], e["case_id"]) for e in trail.json()]
    assert rows == [
        ("test-counsellor", "counsellor", "case.share", case_id),
        ("test-supervisor", "supervisor", "case.shares.read", case_id),
        ("test-counsellor", "counsellor", "task.list", case_id),
    ]
    for entry in trail.json():
        assert datetime.fromisoformat(entry["at"]) >= started

    # Reading the trail is itself on the trail, under the auditor's name.
    again = await http.get(
        "/audit",
        params={"action": "audit.read", "actor": "test-auditor"},
        headers=bearer("auditor"),
    )
    assert any(e["case_id"] == case_id for e in again.json())
    denied = await http.get("/audit", headers=bearer("counsellor"))
    assert denied.status_code == 403
