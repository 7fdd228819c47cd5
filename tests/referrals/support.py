"""Helpers of the referral tests: open a case, ask for a referral, read what the
case, the ledger, the task board and the simulator show of it."""

import json
import time
from typing import Any

from api.webhook_signatures import sign
from domain.tasks import TaskKind
from relais.db import TaskBoard
from tests.support import cases
from tests.support.builders import intake_body
from tests.support.client import auth
from tests.support.stack import Stack

INTAKE: dict[str, Any] = intake_body(
    consents={
        "report_to_platforms": True,
        "referral_partners": ["france-victimes", "pharos", "police"],
        "callback": {"consented": False},
    },
    contact={
        "first_name": "Lea",
        "phone": "+33600000000",
        "handles": ["@lea_private"],
        "free_text": "counsellor notes that stay with the helpline",
        "callback_instructions": "never on the family phone",
    },
)


async def open_case(stack: Stack, **changes: Any) -> str:
    """A case with the full personal contact these tests check partners receive."""
    return await cases.open_case(stack, INTAKE, **changes)


async def request_referral(stack: Stack, case_id: str, **body: Any) -> Any:
    return await stack.api.post(
        f"/cases/{case_id}/referrals", json=body, headers=auth("counsellor")
    )


async def refer(stack: Stack, case_id: str, partner: str, **body: Any) -> str:
    response = await request_referral(stack, case_id, partner=partner, **body)
    assert response.status_code == 202, response.text
    referral_id: str = response.json()["referral_id"]
    return referral_id


async def case_view(stack: Stack, case_id: str) -> dict[str, Any]:
    response = await stack.api.get(f"/cases/{case_id}", headers=auth("supervisor"))
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


async def referral_of(stack: Stack, case_id: str, referral_id: str) -> dict[str, Any]:
    view = await case_view(stack, case_id)
    [referral] = [r for r in view["referrals"] if r["referral_id"] == referral_id]
    found: dict[str, Any] = referral
    return found


async def handoffs_received(stack: Stack, partner: str) -> list[dict[str, Any]]:
    response = await stack.simulator.get("/_control/handoffs", params={"target": partner})
    response.raise_for_status()
    data: list[dict[str, Any]] = response.json()
    return data


async def handoff_posts(stack: Stack, partner: str) -> list[dict[str, Any]]:
    response = await stack.simulator.get(
        "/_control/requests", params={"target": partner, "kind": "handoff"}
    )
    response.raise_for_status()
    data: list[dict[str, Any]] = response.json()
    return data


async def open_tasks(stack: Stack, case_id: str, kind: TaskKind) -> list[Any]:
    tasks = await TaskBoard(stack.database).list_open(case_id=case_id)
    return [t for t in tasks if t.kind is kind]


async def record_phone_handoff(
    stack: Stack, case_id: str, referral_id: str, reference: str, **headers: str
) -> Any:
    return await stack.api.post(
        f"/cases/{case_id}/referrals/{referral_id}/manual-handoff",
        json={"partner_reference": reference},
        headers={**auth("counsellor"), **headers},
    )


def signed(stack: Stack, body: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """A body and its signature headers, as a partner signs what it sends us."""
    raw = json.dumps(body).encode()
    timestamp = str(int(time.time()))
    secret = stack.settings.webhook_secret.get_secret_value().encode()
    return raw, {
        "Content-Type": "application/json",
        "X-Relais-Timestamp": timestamp,
        "X-Relais-Signature": sign(secret, timestamp, raw),
    }


async def post_partner_status(
    stack: Stack, partner: str, referral_id: str, status: str, reference: str | None = None
) -> None:
    """The partner's status webhook, as a partner without our simulator sends it."""
    raw, headers = signed(
        stack,
        {
            "referral_id": referral_id,
            "idempotency_key": referral_id,
            "reference": reference,
            "status": status,
        },
    )
    response = await stack.api.post(f"/webhooks/partners/{partner}", content=raw, headers=headers)
    assert response.status_code == 202, response.text
