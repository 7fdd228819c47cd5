"""The report and scorecard routes served for real on a loopback port, over an app
database (SQLite and PostgreSQL) seeded with a year of notices whose answers are
known (``tests.db.builders.accountability_year``). Nothing here needs a worker:
the figures come from the notices ledger alone."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from application.catalog import StaticCatalog
from domain.catalog import PartnerCatalog
from relais.db import Database, NoticeLedger
from relais.serving import serve_app
from relais.settings import Role, Settings, TokenGrant
from tests.db.builders import accountability_year
from tests.support.databases import BACKENDS, drop_database, empty_database


def bearer(role: Role | str) -> dict[str, str]:
    return {"Authorization": f"Bearer reports-{Role(role).value}"}


@dataclass
class ReportsApi:
    http: httpx.AsyncClient
    base_url: str
    database: Database


@pytest.fixture(scope="module", params=BACKENDS)
async def reports_api(
    request: pytest.FixtureRequest,
    local_env: WorkflowEnvironment,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[ReportsApi]:
    folder: Path = tmp_path_factory.mktemp("reports-api")
    database = await empty_database(request.param, folder)
    try:
        await database.create_schema()
        ledger = NoticeLedger(database)
        for notice in accountability_year():
            await ledger.upsert(notice)
        settings = Settings(
            database_url=str(database.url),
            api_tokens={
                f"reports-{role.value}": TokenGrant(subject=f"test-{role.value}", role=role)
                for role in Role
            },
        )
        app = create_app(
            settings,
            temporal_client=local_env.client,
            database=database,
            registry=StaticCatalog(PartnerCatalog()),
        )
        async with serve_app(app) as base_url:
            async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
                yield ReportsApi(http, base_url, database)
    finally:
        await drop_database(database)
