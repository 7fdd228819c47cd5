"""The API served for real on a loopback port, holding the session's dev-server
client, a real SQLite database in a temp dir, and a worker running the stand-in
workflows (``fake_case_workflow``) on the API's own task queue."""

import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from api.app import create_app
from api.services.catalog import StaticCatalog
from api.services.webhook_signatures import sign
from relais.db import Database
from relais.serving import serve_app
from relais.settings import Role, Settings, TokenGrant
from tests.api.fake_case_workflow import FAKE_WORKFLOWS
from workflows.models.catalog import AdapterInfo, PartnerCatalog
from workflows.models.enums import DeliveryMode, PartnerKind
from workflows.names import TAKEDOWN_WORKFLOW, notice_workflow_id

WEBHOOK_SECRET = "test-webhook-secret"
TOKENS = {role: f"test-{role.value}-token" for role in Role}
SECOND_COUNSELLOR = {"Authorization": "Bearer test-second-counsellor-token"}


def auth(role: Role | str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[Role(role)]}"}


def subject(role: Role | str) -> str:
    return f"test-{Role(role).value}"


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


def test_catalog() -> PartnerCatalog:
    return PartnerCatalog(
        platforms={
            slug: AdapterInfo(slug=slug, display_name=slug.title(), kind=PartnerKind.PLATFORM)
            for slug in ("tiktok", "instagram")
        },
        partners={
            "pharos": AdapterInfo(
                slug="pharos",
                display_name="Pharos",
                kind=PartnerKind.AUTHORITY,
                delivery=DeliveryMode.POLL,
            ),
            "france-victimes": AdapterInfo(
                slug="france-victimes",
                display_name="France Victimes 116 006",
                kind=PartnerKind.VICTIM_SUPPORT,
            ),
        },
    )


@dataclass
class ApiHarness:
    api: httpx.AsyncClient
    client: Client
    settings: Settings
    database: Database


@pytest.fixture(scope="session")
async def api_harness(
    local_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ApiHarness]:
    db_path: Path = tmp_path_factory.mktemp("api-db") / "relais.db"
    settings = Settings(
        task_queue=f"api-test-{uuid.uuid4().hex[:12]}",
        database_url=f"sqlite+aiosqlite:///{db_path}",
        api_tokens={
            **{
                token: TokenGrant(subject=subject(role), role=role)
                for role, token in TOKENS.items()
            },
            "test-second-counsellor-token": TokenGrant(
                subject="test-second-counsellor", role=Role.COUNSELLOR
            ),
        },
        webhook_secret=WEBHOOK_SECRET,
        webhook_tolerance_seconds=300,
    )
    database = Database(settings.database_url)
    await database.create_schema()
    app = create_app(
        settings,
        temporal_client=local_env.client,
        database=database,
        registry=StaticCatalog(test_catalog()),
    )
    worker = Worker(local_env.client, task_queue=settings.task_queue, workflows=FAKE_WORKFLOWS)
    async with worker, serve_app(app) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as api:
            yield ApiHarness(api, local_env.client, settings, database)
    await database.dispose()


@pytest.fixture
def api(api_harness: ApiHarness) -> httpx.AsyncClient:
    return api_harness.api


def intake(**overrides: Any) -> dict[str, Any]:
    """A valid ``POST /cases`` body: a victim of 15-17 reporting an intimate image."""
    body: dict[str, Any] = {
        "channel": "phone",
        "caller_role": "victim",
        "age_band": "15_17",
        "categories": ["cyberharassment", "intimate_image"],
        "risk_flags": [],
        "consents": {
            "report_to_platforms": True,
            "referral_partners": ["pharos"],
            "callback": {"consented": True, "earliest_hour": 17, "latest_hour": 20},
        },
        "summary": "Photo shared in a class group",
        "contact": {"first_name": "Camille", "phone": "+33600000000", "handles": ["@cam"]},
    }
    body.update(overrides)
    return body


async def open_case(api: httpx.AsyncClient, **overrides: Any) -> str:
    response = await api.post("/cases", json=intake(**overrides), headers=auth(Role.COUNSELLOR))
    assert response.status_code == 201, response.text
    case_id: str = response.json()["case_id"]
    return case_id


async def start_notice(harness: ApiHarness) -> str:
    notice_id = uuid.uuid4().hex
    await harness.client.start_workflow(
        TAKEDOWN_WORKFLOW,
        notice_id,
        id=notice_workflow_id(notice_id),
        task_queue=harness.settings.task_queue,
    )
    return notice_id


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
