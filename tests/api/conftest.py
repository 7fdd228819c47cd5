"""The API served for real on a loopback port, in front of the whole system that
``tests.support.stack.running_stack`` starts once for the session: the real worker
(``SupportCaseWorkflow`` and its ``TakedownWorkflow`` / ``ReferralWorkflow``
children, the real activities), the simulator's platforms and partners over
loopback HTTP, the adapter registry and a SQLite app database.

The API under test is built from the stack's own settings (task queue, database,
policy, simulator) with the tests' bearer tokens (one per role, and a second
counsellor) and webhook secret. The simulator's platforms and partners decide as
usual but deliver nothing by webhook (``delivery = poll``; Relais polls only the
poll-delivery adapters, and not within a test at the default policy): here the
test is the platform or partner posting the signed webhook, so nothing races it.

What a workflow received (its input, the updates it accepted, the signals it got)
is read from its Temporal history, decoded with the client's data converter.
"""

import json
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pytest
from pydantic import BaseModel, SecretStr
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.webhook_signatures import sign
from domain import contract
from domain.case import CaseStatus, CaseView
from domain.intake import CaseOpening as CaseInput
from partners.registry import AdapterRegistry
from relais.db import Database
from relais.serving import serve_app
from relais.settings import Role, Settings, TokenGrant
from tests.support.builders import intake_body
from tests.support.client import (
    HARNESS_TOKENS,
    SECOND_COUNSELLOR_TOKEN,
    harness_auth,
    harness_subject,
)
from tests.support.databases import BACKENDS, drop_database, empty_database
from tests.support.stack import Stack, running_stack
from tests.support.waiting import eventually
from worker import build_worker

WEBHOOK_SECRET = "test-webhook-secret"

ModelT = TypeVar("ModelT", bound=BaseModel)


def signed(body: dict[str, Any], *, at: float | None = None) -> tuple[bytes, dict[str, str]]:
    """A webhook body and its signature headers, as a platform would send them."""
    raw = json.dumps(body).encode()
    timestamp = str(int(at if at is not None else time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Relais-Timestamp": timestamp,
        "X-Relais-Signature": sign(WEBHOOK_SECRET.encode(), timestamp, raw),
    }
    return raw, headers


@dataclass
class ApiHarness:
    api: httpx.AsyncClient
    client: Client
    settings: Settings
    database: Database
    registry: AdapterRegistry
    stack: Stack


@pytest.fixture(scope="session")
async def api_harness(
    local_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ApiHarness]:
    async with running_stack(
        local_env.client,
        tmp_path_factory.mktemp("api-stack"),
        simulator_defaults={"delivery": "poll"},
    ) as stack:
        settings = stack.settings.model_copy(
            update={
                "api_tokens": {
                    **{
                        token: TokenGrant(subject=harness_subject(role), role=role)
                        for role, token in HARNESS_TOKENS.items()
                    },
                    SECOND_COUNSELLOR_TOKEN: TokenGrant(
                        subject="test-second-counsellor", role=Role.COUNSELLOR
                    ),
                },
                "webhook_secret": SecretStr(WEBHOOK_SECRET),
                "webhook_tolerance_seconds": 300,
            }
        )
        app = create_app(
            settings,
            temporal_client=stack.client,
            database=stack.database,
            registry=stack.registry,
        )
        async with serve_app(app) as base_url:
            async with httpx.AsyncClient(base_url=base_url, timeout=30) as api:
                yield ApiHarness(api, stack.client, settings, stack.database, stack.registry, stack)


@pytest.fixture
def api(api_harness: ApiHarness) -> httpx.AsyncClient:
    return api_harness.api


@dataclass
class DatabaseApi:
    """The API on one app database, in front of the session's Temporal and worker."""

    backend: str
    api: httpx.AsyncClient
    database: Database
    harness: ApiHarness


@pytest.fixture(scope="session", params=BACKENDS)
async def api_on_each_database(
    request: pytest.FixtureRequest,
    api_harness: ApiHarness,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[DatabaseApi]:
    """The API on SQLite (the stack's own), then on PostgreSQL: a second API with its
    own app database (idempotency keys, case access, the audit trail, webhook seals)
    and, as deployed, its own worker writing to that database (a case writes the
    audit line of its opening), on the same Temporal."""
    if request.param == "sqlite":
        yield DatabaseApi("sqlite", api_harness.api, api_harness.database, api_harness)
        return
    database = await empty_database("postgresql", tmp_path_factory.mktemp("api-postgres"))
    try:
        await database.create_schema()
        settings = api_harness.settings.model_copy(
            update={"task_queue": f"test-pg-{uuid.uuid4().hex[:12]}"}
        )
        app = create_app(
            settings,
            temporal_client=api_harness.client,
            database=database,
            registry=api_harness.registry,
        )
        worker = build_worker(
            api_harness.client, settings.task_queue, database, api_harness.registry
        )
        async with worker, serve_app(app) as base_url:
            async with httpx.AsyncClient(base_url=base_url, timeout=30) as api:
                yield DatabaseApi("postgresql", api, database, api_harness)
    finally:
        await drop_database(database)


def intake(**overrides: Any) -> dict[str, Any]:
    """A valid ``POST /cases`` body: a victim of 15-17 reporting an intimate image."""
    return intake_body(
        **{
            "categories": ["cyberharassment", "intimate_image"],
            "consents": {
                "report_to_platforms": True,
                "referral_partners": ["pharos"],
                "callback": {"consented": True, "earliest_hour": 17, "latest_hour": 20},
            },
            "summary": "Photo shared in a class group",
            "contact": {"first_name": "Camille", "phone": "+33600000000", "handles": ["@cam"]},
            **overrides,
        }
    )


async def open_case(api: httpx.AsyncClient, **overrides: Any) -> str:
    response = await api.post(
        "/cases", json=intake(**overrides), headers=harness_auth(Role.COUNSELLOR)
    )
    assert response.status_code == 201, response.text
    case_id: str = response.json()["case_id"]
    return case_id


def item(**overrides: Any) -> dict[str, Any]:
    """A valid item of ``POST /cases/{case_id}/items``."""
    body: dict[str, Any] = {
        "platform": "tiktok",
        "content_type": "video",
        "legal_qualification": "intimate_image_without_consent",
        "location": {"url": "https://www.tiktok.com/@someone/video/1"},
    }
    body.update(overrides)
    return body


async def add_items(api: httpx.AsyncClient, case_id: str, *items: dict[str, Any]) -> list[str]:
    """Add items to a case through the API; the ids of the notices its workflow started."""
    response = await api.post(
        f"/cases/{case_id}/items",
        json={"items": list(items) or [item()]},
        headers=harness_auth(Role.COUNSELLOR),
    )
    assert response.status_code == 202, response.text
    notice_ids: list[str] = response.json()["notice_ids"]
    return notice_ids


async def start_notice(harness: ApiHarness, platform: str = "tiktok") -> str:
    """A real notice: a case opened and an item added through the API, whose case
    workflow started a TakedownWorkflow child; its id."""
    case_id = await open_case(harness.api)
    [notice_id] = await add_items(harness.api, case_id, item(platform=platform))
    return notice_id


async def start_referral(harness: ApiHarness, partner: str = "france-victimes") -> str:
    """A real referral: a case opened and a referral requested through the API,
    whose case workflow started a ReferralWorkflow child; its id."""
    case_id = await open_case(harness.api)
    response = await harness.api.post(
        f"/cases/{case_id}/referrals",
        json={"partner": partner, "victim_consented": True},
        headers=harness_auth(Role.COUNSELLOR),
    )
    assert response.status_code == 202, response.text
    referral_id: str = response.json()["referral_id"]
    return referral_id


def decision(notice_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "notice_id": notice_id,
        "idempotency_key": f"{notice_id}-decision",
        "reference": "TT-2024-991",
        "decision": "removed",
        "reason": "Violates community guidelines",
        "decided_at": "2024-06-01T10:15:00Z",
    }
    body.update(overrides)
    return body


async def case_state(harness: ApiHarness, case_id: str) -> CaseView:
    """The case as its workflow tells it, asked through Temporal (so not audited)."""
    handle = harness.client.get_workflow_handle(contract.SUPPORT_CASE.workflow_id(case_id))
    view: CaseView = await handle.query(contract.CASE_VIEW.name, result_type=CaseView)
    return view


async def refuse(
    harness: ApiHarness, case_id: str, notice_id: str, platform: str = "tiktok"
) -> None:
    """The platform refuses the notice (a signed webhook); wait until the case has it
    settled. Closing a case then needs no ``force``: cancelling a child whose
    progress signal to the case is in flight can be lost (the Temporal Python SDK
    absorbs a cancellation that lands while a signal it sent completes)."""
    raw, headers = signed(decision(notice_id, decision="refused"))
    response = await harness.api.post(
        f"/webhooks/platforms/{platform}", content=raw, headers=headers
    )
    assert response.status_code == 202, response.text
    await eventually(
        lambda: case_state(harness, case_id),
        lambda view: view.status is not CaseStatus.AWAITING_PLATFORM,
        what=f"notice {notice_id} to settle on case {case_id}",
    )


async def simulator_notice(harness: ApiHarness, platform: str, notice_id: str) -> dict[str, Any]:
    """The notice as the simulated platform received it (once it has)."""

    async def received() -> list[dict[str, Any]]:
        response = await harness.stack.simulator.get(
            "/_control/notices", params={"target": platform}
        )
        response.raise_for_status()
        return [n for n in response.json() if n["idempotency_key"] == notice_id]

    [notice] = await eventually(received, bool, what=f"{platform} to receive notice {notice_id}")
    return notice


# ---- what a workflow received, from its history ---------------------------------------


async def _history(client: Client, workflow_id: str) -> Sequence[Any]:
    return (await client.get_workflow_handle(workflow_id).fetch_history()).events


async def _decode(client: Client, payloads: Sequence[Payload], as_type: type[ModelT]) -> ModelT:
    [value] = await client.data_converter.decode(payloads, [as_type])
    assert isinstance(value, as_type)
    return value


async def case_input(harness: ApiHarness, case_id: str) -> CaseInput:
    """The input the case workflow was started with."""
    [started, *_] = await _history(harness.client, contract.SUPPORT_CASE.workflow_id(case_id))
    attributes = started.workflow_execution_started_event_attributes
    return await _decode(harness.client, attributes.input.payloads, CaseInput)


async def updates_accepted(
    harness: ApiHarness, case_id: str, name: str, as_type: type[ModelT]
) -> list[ModelT]:
    """The arguments of every ``name`` update the case workflow accepted."""
    found = []
    for event in await _history(harness.client, contract.SUPPORT_CASE.workflow_id(case_id)):
        if event.event_type != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            continue
        request = event.workflow_execution_update_accepted_event_attributes.accepted_request
        if request.input.name == name:
            found.append(await _decode(harness.client, request.input.args.payloads, as_type))
    return found


async def signals_received(
    harness: ApiHarness, workflow_id: str, name: str, as_type: type[ModelT]
) -> list[dict[str, Any]]:
    """Every ``name`` signal the workflow received, as JSON."""
    found = []
    for event in await _history(harness.client, workflow_id):
        if event.event_type != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            continue
        attributes = event.workflow_execution_signaled_event_attributes
        if attributes.signal_name == name:
            value = await _decode(harness.client, attributes.input.payloads, as_type)
            found.append(value.model_dump(mode="json"))
    return found
