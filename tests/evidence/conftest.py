"""Evidence tests: the real parts. The app database on SQLite and PostgreSQL, the
store as a folder and as an S3 bucket on a real S3-compatible server (SeaweedFS on
loopback, see s3_server.py), case keys in the database wrapped by a master key."""

import base64
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from domain.policy import EvidencePolicy
from relais.crypto.db_key_store import DatabaseKeyStore
from relais.crypto.keyring import MasterKeyring
from relais.db import Database
from relais.db.repositories.evidence import EvidenceBook
from relais.evidence.intake import EvidenceIntake
from relais.evidence.matching import EvidenceMatcher
from relais.evidence.store import EvidenceStore
from relais.evidence.vault import EvidenceVault
from tests.evidence.s3_server import S3Server, seaweedfs
from tests.support.databases import BACKENDS, drop_database, empty_database

STORES = ["folder", "s3"]


@pytest.fixture(scope="session", params=BACKENDS)
async def migrated_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    database = await empty_database(request.param, tmp_path_factory.mktemp("evidence-db"))
    await database.create_schema()
    yield database
    await drop_database(database)


@pytest.fixture
async def database(migrated_database: Database) -> Database:
    """The session's database, its evidence, keys and audit emptied before each test."""
    async with migrated_database.engine.begin() as conn:
        for table in ("evidence", "case_keys", "audit_log"):
            await conn.execute(text(f"DELETE FROM {table}"))
    return migrated_database


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    with seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server


def s3_store(server: S3Server) -> EvidenceStore:
    return EvidenceStore.s3(
        bucket=server.bucket,
        endpoint=server.endpoint,
        region="us-east-1",
        access_key_id=server.access_key,
        secret_access_key=server.secret_key,
        allow_http=True,
    )


@pytest.fixture(params=STORES)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> EvidenceStore:
    """An empty evidence store: a folder under this test's data dir, or the bucket."""
    if request.param == "folder":
        return EvidenceStore.local(tmp_path / "data" / "evidence")
    bucket = s3_store(request.getfixturevalue("s3_server"))
    for found in await bucket.keys():
        await bucket._delete_key(found.key)
    return bucket


MASTER_KEY = base64.b64encode(os.urandom(32)).decode()  # one per test run


def keyring() -> MasterKeyring:
    return MasterKeyring.from_base64({"test": MASTER_KEY}, "test")


@dataclass
class Evidence:
    """The evidence core as the application layer will hold it."""

    database: Database
    store: EvidenceStore
    keys: DatabaseKeyStore
    book: EvidenceBook
    intake: EvidenceIntake
    vault: EvidenceVault
    matcher: EvidenceMatcher
    policy: EvidencePolicy


def assemble(
    database: Database, store: EvidenceStore, policy: EvidencePolicy | None = None
) -> Evidence:
    policy = policy or EvidencePolicy()
    keys = DatabaseKeyStore(database, keyring())
    book = EvidenceBook(database)
    return Evidence(
        database=database,
        store=store,
        keys=keys,
        book=book,
        intake=EvidenceIntake(store=store, keys=keys, book=book, policy=policy),
        vault=EvidenceVault(store=store, keys=keys, book=book),
        matcher=EvidenceMatcher(book, policy),
        policy=policy,
    )


@pytest.fixture
def evidence(database: Database, store: EvidenceStore) -> Evidence:
    return assemble(database, store)
