"""A counsellor's whole day through the API, on the real worker and workflows, on
SQLite and on PostgreSQL: open a case, write a note, a parent calls with a new risk
(the emergency referral goes exactly once), a correction, a handover to a colleague,
who claims and records the callback and closes the case. Both counsellors'
worklists are checked at each step."""

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from relais import search_attributes as sa
from relais.db import Database
from tests.support.builders import intake_body
from tests.support.cases import case_view
from tests.support.client import auth
from tests.support.databases import BACKENDS, drop_database, empty_database
from tests.support.policies import fast_policy
from tests.support.stack import Stack, running_stack
from tests.support.waiting import eventually

POLICY = fast_policy(callback_delay=timedelta(seconds=2))
LEA = "local-counsellor"
SAM = "local-colleague"


@pytest.fixture(params=BACKENDS)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    db: Database = await empty_database(request.param, tmp_path)
    yield db
    await drop_database(db)


async def post(stack: Stack, who: str, path: str, body: dict[str, Any], **headers: str) -> Any:
    response = await stack.api.post(
        path,
        json=body,
        headers={**auth(who), "Idempotency-Key": uuid.uuid4().hex, **headers},
    )
    assert response.is_success, response.text
    return response.json()


async def worklist(stack: Stack, who: str) -> dict[str, Any]:
    response = await stack.api.get("/me/worklist", headers=auth(who))
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    data: dict[str, Any] = response.json()
    return data


async def my_case_ids(stack: Stack, who: str) -> list[str]:
    return [c["case_id"] for c in (await worklist(stack, who))["cases"]]


async def police_handoffs(stack: Stack) -> list[Any]:
    response = await stack.simulator.get(
        "/_control/requests", params={"target": "police", "kind": "handoff"}
    )
    response.raise_for_status()
    return [r for r in response.json() if r["method"] == "POST"]


async def test_a_counsellors_day(
    local_env: WorkflowEnvironment, tmp_path: Path, database: Database
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=POLICY, database=database) as stack:
        # 09:00 Lea answers a call and opens the case.
        opened = await post(stack, "counsellor", "/cases", intake_body())
        case_id = opened["case_id"]
        assert await eventually(
            lambda: my_case_ids(stack, "counsellor"), lambda ids: case_id in ids, what="Lea's list"
        )
        assert case_id not in await my_case_ids(stack, "colleague")

        # She writes a note; the timeline says she did, not what.
        note = await post(stack, "counsellor", f"/cases/{case_id}/notes", {"text": "Lea is scared"})
        assert note["author"] == LEA

        # 11:00 Lea's mother calls: her daughter spoke of ending her life.
        contact = {
            "channel": "phone",
            "caller_role": "parent",
            "summary": "mother worried",
            "risk_flags": ["suicidal_risk"],
        }
        key = uuid.uuid4().hex
        added = await post(
            stack, "counsellor", f"/cases/{case_id}/contacts", contact, **{"Idempotency-Key": key}
        )
        retried = await post(
            stack, "counsellor", f"/cases/{case_id}/contacts", contact, **{"Idempotency-Key": key}
        )
        assert retried == added  # a retry, not a third contact
        view = await eventually(
            lambda: case_view(stack.api, case_id),
            lambda v: [r["partner"] for r in v["referrals"]] == ["police"],
            what="the police referral",
        )
        assert view["urgency"] == "critical"
        assert [(c["caller_role"], c["risk_flags"]) for c in view["contacts"]] == [
            ("victim", []),
            ("parent", ["suicidal_risk"]),
        ]
        await eventually(lambda: police_handoffs(stack), lambda h: len(h) == 1, what="handoff")
        again = await stack.api.post(
            f"/cases/{case_id}/risk",
            json={"risk_flags": ["suicidal_risk"]},
            headers=auth("counsellor"),
        )
        assert again.status_code == 422 and "already recorded" in again.text
        assert len(await police_handoffs(stack)) == 1

        # Lea notices the age band was wrong.
        corrected = await stack.api.patch(
            f"/cases/{case_id}/intake", json={"age_band": "11_14"}, headers=auth("counsellor")
        )
        assert corrected.status_code == 200, corrected.text
        assert corrected.json()["changes"] == [
            {"field": "age_band", "old": "15_17", "new": "11_14"}
        ]
        handle = stack.client.get_workflow_handle(f"case-{case_id}")
        await eventually(
            handle.describe,
            lambda d: d.typed_search_attributes.get(sa.CASE_URGENCY) == "critical",
            what="urgency in the UI",
        )

        # 18:00 Lea's shift ends: she hands the case over to Sam.
        handed = await post(
            stack,
            "counsellor",
            f"/cases/{case_id}/handover",
            {"to": SAM, "note": "call back after school, mother knows"},
        )
        assert handed == {"previous_owner": LEA, "owner": SAM}
        assert case_id in await my_case_ids(stack, "colleague")
        assert case_id not in await my_case_ids(stack, "counsellor")
        denied = await stack.api.get(f"/cases/{case_id}", headers=auth("counsellor"))
        assert denied.status_code == 403

        # The police accepted; the callback falls due; Sam claims it and sees whom to call.
        due = await eventually(
            lambda: worklist(stack, "colleague"),
            lambda w: any(c["case_id"] == case_id and c["when"] == "due" for c in w["callbacks"]),
            what="the callback due on Sam's worklist",
            within=60,
        )
        [callback] = [c for c in due["callbacks"] if c["case_id"] == case_id]
        assert callback["whom_to_call"] is None  # not claimed yet
        claimed = await stack.api.post(
            f"/cases/{case_id}/callback/claim", headers=auth("colleague")
        )
        assert claimed.status_code == 200, claimed.text
        after_claim = await worklist(stack, "colleague")
        [callback] = [c for c in after_claim["callbacks"] if c["case_id"] == case_id]
        assert callback["claimed_by"] == SAM
        assert callback["whom_to_call"]["phone"] == "+33600000000"
        assert callback["whom_to_call"]["first_name"] == "Lea"

        # Sam reaches Lea: she is safe; the case closes.
        closed = await post(
            stack,
            "colleague",
            f"/cases/{case_id}/callback-outcome",
            {"result": "reached", "close_case": True},
        )
        assert closed["status"] == "closed"
        assert case_id not in await my_case_ids(stack, "colleague")
        assert case_id not in await my_case_ids(stack, "counsellor")

        # What the supervisor reads back of the day.
        final = (await stack.api.get(f"/cases/{case_id}", headers=auth("supervisor"))).json()
        assert final["owner"] == SAM and final["age_band"] == "11_14"
        details = [e["detail"] for e in final["timeline"]]
        assert f"note added by {LEA}" in details
        assert "Lea is scared" not in str(final["timeline"])
        assert [n["author"] for n in final["notes"]] == [LEA, LEA]  # the handover note too
        assert "intake corrected: age_band 15_17 -> 11_14" in details
        assert f"case handed over by {LEA} to {SAM}" in details
        assert all(e["local_time"].endswith("(Paris)") for e in final["timeline"])
        audit = await stack.api.get("/audit", params={"case_id": case_id}, headers=auth("auditor"))
        actions = [e["action"] for e in audit.json()]
        for action in ("case.note.add", "case.contact.add", "case.intake.correct", "case.handover"):
            assert action in actions
        assert "Lea is scared" not in audit.text
