"""Privacy tests: key stores on SQLite and PostgreSQL, keyrings, personal strings."""

import base64
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from application.catalog import StaticCatalog
from domain.catalog import PartnerCatalog
from relais.crypto.keyring import MasterKeyring
from relais.db import Database
from relais.serving import serve_app
from relais.settings import Role, Settings, TokenGrant
from tests.support.databases import BACKENDS, drop_database, empty_database

# Strings no one else would type: a journey carries them, and no raw byte may show them.
PERSONAL = {
    "first_name": "Zephyrine-Kallisto",
    "phone": "+33799887766",
    "email": "zephyrine.k@example.org",
    "handle": "@zeph_kallisto_91",
    "free_text": "lives with her aunt Morwenna",
    "instructions": "never call the landline at Morwenna's",
    "url": "https://www.tiktok.com/@harasser_qx7/video/7788990011",
    "reason": "the victim Zephyrine asked for help",
}


def random_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def keyring(**keys: str) -> MasterKeyring:
    """``keyring(old=..., new=...)``: the last one given is active."""
    return MasterKeyring.from_base64(keys, active=list(keys)[-1])


@pytest.fixture(params=BACKENDS)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated app database of its own, on SQLite and on PostgreSQL."""
    database = await empty_database(request.param, tmp_path)
    try:
        await database.create_schema()
        yield database
    finally:
        await drop_database(database)


@dataclass
class PrivacyApi:
    http: httpx.AsyncClient
    client: Client
    settings: Settings
    database: Database
    base_url: str


SECOND = "test-other-counsellor"


def tokens() -> dict[str, TokenGrant]:
    grants = {
        f"t-{role.value}": TokenGrant(subject=f"test-{role.value}", role=role) for role in Role
    }
    grants["t-other-counsellor"] = TokenGrant(subject=SECOND, role=Role.COUNSELLOR)
    return grants


def bearer(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer t-{name}"}


@pytest.fixture(scope="module")
async def privacy_api(
    local_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[PrivacyApi]:
    """The API on a loopback port with the session's client (whose codec seals with
    the in-memory key store) and a SQLite database; no worker: these tests seal
    payloads themselves."""
    folder = tmp_path_factory.mktemp("privacy-api")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder / 'relais.db'}",
        api_tokens=tokens(),
        ui_origins=["http://127.0.0.1:8233"],
    )
    database = Database(settings.database_url)
    await database.create_schema()
    app = create_app(
        settings,
        temporal_client=local_env.client,
        database=database,
        registry=StaticCatalog(PartnerCatalog()),
    )
    async with serve_app(app) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
            yield PrivacyApi(http, local_env.client, settings, database, base_url)
    await database.dispose()
