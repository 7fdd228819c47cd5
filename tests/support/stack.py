"""The whole system in one test process, over real loopback HTTP: the simulator,
the API (holding the given Temporal client), a worker on its own task queue, and a
SQLite (or PostgreSQL) app database."""

import dataclasses
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client
from temporalio.worker import Worker

from api.app import create_app
from domain.catalog import RetryProfile
from domain.policy import CasePolicy
from partners.loading import load_registry
from partners.registry import AdapterRegistry
from relais.converter import key_store_of
from relais.db import Database
from relais.db.repositories.evidence import EvidenceBook
from relais.evidence.store import EvidenceStore
from relais.evidence.vault import EvidenceVault
from relais.serving import free_port, serve_app
from relais.settings import Settings
from simulator.app import create_app as create_simulator
from simulator.config import SimulatorConfig
from tests.support.databases import drop_database, empty_database
from worker import build_worker

FAST_RETRY = RetryProfile(
    initial_interval=timedelta(milliseconds=200),
    maximum_interval=timedelta(seconds=1),
    give_up_after=timedelta(seconds=60),
    attempt_timeout=timedelta(seconds=5),
)


@dataclass
class Stack:
    client: Client
    settings: Settings
    database: Database
    registry: AdapterRegistry
    api: httpx.AsyncClient
    simulator: httpx.AsyncClient
    _worker_exit: AsyncExitStack = field(default_factory=AsyncExitStack)
    worker: Worker | None = None

    async def start_worker(self) -> None:
        evidence = EvidenceVault(  # the API's store and key store: the purge reaches it
            store=EvidenceStore.from_settings(self.settings),
            keys=key_store_of(self.client.data_converter),
            book=EvidenceBook(self.database),
        )
        self.worker = build_worker(
            self.client, self.settings.task_queue, self.database, self.registry, evidence=evidence
        )
        await self._worker_exit.enter_async_context(self.worker)

    async def stop_worker(self) -> None:
        await self._worker_exit.aclose()
        self.worker = None

    def compress_retries(self, slug: str, profile: RetryProfile = FAST_RETRY) -> None:
        """Give one adapter a retry profile measured in seconds, so a test can
        compress "down for days" into a real-time outage of a few seconds."""
        [spec] = [s for s in self.registry.specs() if s.info.slug == slug]
        self.registry.register(
            dataclasses.replace(spec, info=spec.info.model_copy(update={"retry": profile}))
        )

    async def configure_target(self, slug: str, **config: Any) -> None:
        response = await self.simulator.put(f"/_control/targets/{slug}", json=config)
        response.raise_for_status()

    async def deliveries(self) -> dict[str, Any]:
        response = await self.simulator.get("/_control/deliveries")
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data


@asynccontextmanager
async def running_stack(
    client: Client,
    tmp_path: Path,
    *,
    policy: CasePolicy | None = None,
    simulator_defaults: dict[str, Any] | None = None,
    database: Database | None = None,
    adapters_config: Callable[[str], Path] | None = None,
    extra_settings: dict[str, Any] | None = None,
) -> AsyncIterator[Stack]:
    """``database``: an app database the caller owns (e.g. on PostgreSQL); by default
    a SQLite file in ``tmp_path``, disposed at the end. ``adapters_config``: called
    with the simulator's URL, returns the adapter configuration file to load.
    ``extra_settings``: more settings of the API and worker (e.g. the console's)."""
    api_port = free_port()
    api_url = f"http://127.0.0.1:{api_port}"
    async with AsyncExitStack() as exit_stack:
        sim_config = SimulatorConfig(
            webhook_base_url=api_url,
            defaults={"decision_delay_seconds": 0.2, **(simulator_defaults or {})},
        )
        sim_url = await exit_stack.enter_async_context(serve_app(create_simulator(sim_config)))
        settings = Settings(
            # Each stack its own helpline queue: the dev server outlives a stack, and a
            # queue left running on a stopped stack's task queue would answer nobody.
            # Evidence files in the test's folder, never under the repository's data/.
            **{
                "helpline": f"test-{uuid.uuid4().hex[:12]}",
                "evidence_dir": tmp_path / "evidence",
                **(extra_settings or {}),
            },
            task_queue=f"test-{uuid.uuid4().hex[:12]}",
            database_url=(
                database.url.render_as_string(hide_password=False)
                if database
                else f"sqlite+aiosqlite:///{tmp_path / 'relais.db'}"
            ),
            simulator_url=sim_url,
            public_api_url=api_url,
            api_port=api_port,
            policy=policy or CasePolicy(),
            adapters_config=adapters_config(sim_url) if adapters_config else None,
        )

        if database is None:
            database = Database(settings.database_url)
            exit_stack.push_async_callback(database.dispose)
        await database.create_schema()
        registry = load_registry(settings)
        app = create_app(settings, temporal_client=client, database=database, registry=registry)
        await exit_stack.enter_async_context(serve_app(app, port=api_port))
        api = await exit_stack.enter_async_context(httpx.AsyncClient(base_url=api_url, timeout=30))
        sim = await exit_stack.enter_async_context(httpx.AsyncClient(base_url=sim_url, timeout=30))
        stack = Stack(client, settings, database, registry, api, sim)
        await stack.start_worker()
        exit_stack.push_async_callback(stack.stop_worker)
        yield stack


@asynccontextmanager
async def stack_on(
    backend: str, client: Client, folder: Path, **options: Any
) -> AsyncIterator[Stack]:
    """``running_stack`` on an empty app database of ``backend`` (SQLite or PostgreSQL:
    ``tests.support.databases.BACKENDS``), dropped afterwards."""
    database = await empty_database(backend, folder)
    try:
        async with running_stack(client, folder, database=database, **options) as running:
            yield running
    finally:
        await drop_database(database)
