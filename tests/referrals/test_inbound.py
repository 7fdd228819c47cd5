"""Partners refer young people to the helpline through a signed endpoint: a case
opens (or is joined, for the same inbound reference) and the partner gets our
reference back. A retried call, even the very same signed request, opens nothing
new; an unsigned or unknown caller opens nothing at all."""

import uuid
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from relais.db import AuditLog
from tests.referrals.support import case_view, signed
from tests.support.stack import Stack, running_stack
from tests.support.waiting import eventually

URL = "/inbound/partners/france-victimes/referrals"


def inbound(reference: str, **changes: Any) -> dict[str, Any]:
    return {
        "inbound_reference": reference,
        "age_band": "15_17",
        "categories": ["intimate_image"],
        "consents": {"callback": {"consented": True}},
        "contact": {"first_name": "Sam", "phone": "+33611111111"},
        **changes,
    }


async def cases_on_queue(stack: Stack) -> list[str]:
    query = f"WorkflowType = 'SupportCaseWorkflow' AND TaskQueue = '{stack.settings.task_queue}'"
    return [w.id async for w in stack.client.list_workflows(query)]


async def test_inbound_referral_opens_one_case_however_often_it_is_sent(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path) as stack:
        reference = f"FV-{uuid.uuid4().hex[:8]}"
        raw, headers = signed(stack, inbound(reference))
        first = await stack.api.post(URL, content=raw, headers=headers)
        assert first.status_code == 201, first.text
        accepted = first.json()
        assert accepted["created"] is True and accepted["inbound_reference"] == reference
        ours = accepted["reference"]
        assert first.headers["Location"] == f"/cases/{ours}"
        assert accepted["urgency"] == "high"

        # The partner lost our answer and sends the very same signed request again,
        # then signs a fresh retry: both land on the same case.
        replayed = await stack.api.post(URL, content=raw, headers=headers)
        assert replayed.status_code == 200, replayed.text
        raw_again, headers_again = signed(stack, inbound(reference, summary="retry"))
        retried = await stack.api.post(URL, content=raw_again, headers=headers_again)
        assert retried.status_code == 200, retried.text
        assert replayed.json()["reference"] == retried.json()["reference"] == ours
        assert retried.json()["created"] is False

        view = await case_view(stack, ours)
        opened = view["timeline"][0]
        assert opened["detail"] == "case opened (partner_referral)"
        assert opened["actor"] == "partner:france-victimes"
        found = await eventually(lambda: cases_on_queue(stack), bool, what="the case listed")
        assert found == [f"case-{ours}"]
        # One case opened for one reference: audited once, however often it was sent.
        audit = await eventually(
            lambda: AuditLog(stack.database).list(case_id=ours),
            lambda lines: any(e.action == "case.open.inbound" for e in lines),
            what="the case's line of its opening",
        )
        assert [e.action for e in audit if e.actor == "partner:france-victimes"] == [
            "case.open.inbound"
        ]
        assert all("Sam" not in (e.detail or "") for e in audit)


async def test_inbound_in_immediate_danger_is_triaged_at_once(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path) as stack:
        raw, headers = signed(
            stack, inbound(f"FV-{uuid.uuid4().hex[:8]}", risk_flags=["suicidal_risk"])
        )
        answer = await stack.api.post(URL, content=raw, headers=headers)
        assert answer.status_code == 201, answer.text
        assert answer.json()["urgency"] == "critical"
        view = await eventually(
            lambda: case_view(stack, answer.json()["reference"]),
            lambda v: bool(v["referrals"]),
            what="the emergency referral",
        )
        assert [r["partner"] for r in view["referrals"]] == ["police"]


async def test_119_referring_a_child_at_risk_is_not_referred_back_to_119(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """119 already knows about the danger it reports; the police still hear about the
    exploitation at once, and the counsellor sees why 119 was not alerted."""
    async with running_stack(local_env.client, tmp_path) as stack:
        body = inbound(
            f"119-{uuid.uuid4().hex[:8]}",
            risk_flags=["child_at_risk_at_home", "ongoing_sexual_exploitation"],
        )
        raw, headers = signed(stack, body)
        answer = await stack.api.post(
            "/inbound/partners/enfance-en-danger-119/referrals", content=raw, headers=headers
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["urgency"] == "critical"
        told = "enfance-en-danger-119 not alerted again: it referred this young person itself"
        view = await eventually(
            lambda: case_view(stack, answer.json()["reference"]),
            lambda v: any(e["detail"] == told for e in v["timeline"]),
            what="triage's note that 119 referred the case",
        )
        assert [r["partner"] for r in view["referrals"]] == ["police"]
        [note] = [e for e in view["timeline"] if e["detail"] == told]
        assert note["kind"] == "triage"


async def test_unsigned_unknown_or_malformed_inbound_opens_nothing(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path) as stack:
        raw, headers = signed(stack, inbound("FV-1"))
        unsigned = await stack.api.post(
            URL, content=raw, headers={"Content-Type": "application/json"}
        )
        assert unsigned.status_code == 401
        tampered = await stack.api.post(URL, content=raw.replace(b"FV-1", b"FV-2"), headers=headers)
        assert tampered.status_code == 401
        raw, headers = signed(stack, inbound("FV-3"))
        unknown = await stack.api.post(
            "/inbound/partners/nobody/referrals", content=raw, headers=headers
        )
        assert unknown.status_code == 404
        body = inbound("FV-4")
        del body["age_band"]
        raw, headers = signed(stack, body)
        malformed = await stack.api.post(URL, content=raw, headers=headers)
        assert malformed.status_code == 422
        assert malformed.json()["detail"][0]["loc"] == ["body", "age_band"]
        # The partner fixes its body and sends again: nothing was held against it.
        raw, headers = signed(stack, inbound("FV-4"))
        assert (await stack.api.post(URL, content=raw, headers=headers)).status_code == 201
        assert len(await eventually(lambda: cases_on_queue(stack), bool, what="cases")) == 1
