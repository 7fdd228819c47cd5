"""``/livez`` and ``/readyz`` on the API: live whatever its dependencies do; ready
only when Temporal answers, the app database answers and is migrated to head and
the adapters are loaded, and the 503 says which check failed. (The worker's probe
port answers the same: tests/ops/test_prometheus.py reads it from a real worker.)"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from relais.db import Database
from relais.serving import free_port
from relais.settings import Settings
from tests.support.stack import running_stack


@asynccontextmanager
async def api_with(client: Client, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(), temporal_client=client, database=database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            yield http


async def test_a_running_stack_is_live_and_ready(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path) as stack:
        live = await stack.api.get("/livez")
        ready = await stack.api.get("/readyz")
    assert (live.status_code, live.json()) == (200, {"status": "live"})
    assert ready.status_code == 200, ready.text
    checks = ready.json()["checks"]
    assert set(checks) == {"temporal", "database", "migrations", "adapters"}
    assert all(check["ok"] for check in checks.values())
    assert checks["adapters"]["detail"].endswith("loaded")


async def test_a_database_behind_its_migrations_is_not_ready(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")  # never migrated
    try:
        async with api_with(local_env.client, database) as api:
            live = await api.get("/livez")
            ready = await api.get("/readyz")
    finally:
        await database.dispose()
    assert live.status_code == 200
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert checks["database"]["ok"] is True
    assert checks["migrations"]["ok"] is False
    assert checks["migrations"]["detail"].startswith("schema at no revision, head is ")


async def test_temporal_unreachable_is_not_ready_but_still_live(tmp_path: Path) -> None:
    nobody = f"127.0.0.1:{free_port()}"
    client = await Client.connect(nobody, lazy=True)
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'relais.db'}")
    await database.create_schema()
    try:
        async with api_with(client, database) as api:
            live = await api.get("/livez")
            ready = await api.get("/readyz")
    finally:
        await database.dispose()
    assert live.status_code == 200
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert checks["temporal"]["ok"] is False
    assert checks["database"]["ok"] and checks["migrations"]["ok"]
