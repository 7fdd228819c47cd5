"""Data keys in the app database (SQLite and PostgreSQL): one per case even when
created concurrently, wrapped by the master key, destroyed for good, re-wrapped at
master key rotation while old cases stay readable."""

import asyncio
import json

import pytest
from sqlalchemy import select
from temporalio.api.common.v1 import Payload
from temporalio.converter import WorkflowSerializationContext

from relais.crypto.codec import CaseCodec
from relais.crypto.db_key_store import DatabaseKeyStore
from relais.crypto.key_store import KeyDestroyed
from relais.crypto.keyring import KeyringError
from relais.db import Database
from relais.db.tables import CaseKeyRow
from tests.privacy.conftest import PERSONAL, keyring, random_key


def plain(value: object) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(value).encode())


async def seal(store: DatabaseKeyStore, case_id: str) -> Payload:
    codec = CaseCodec(store).with_context(
        WorkflowSerializationContext("default", f"case-{case_id}")
    )
    [sealed] = await codec.encode([plain(PERSONAL)])
    return sealed


async def rows(database: Database) -> list[CaseKeyRow]:
    async with database.session_factory() as session:
        return list((await session.scalars(select(CaseKeyRow))).all())


async def test_one_key_per_case_even_when_processes_race(database: Database) -> None:
    ring = keyring(m1=random_key())
    api, worker = DatabaseKeyStore(database, ring), DatabaseKeyStore(database, ring)

    keys = await asyncio.gather(*(s.key_for_case("c1") for s in (api, worker, api, worker)))

    assert len({k.key_id for k in keys}) == 1
    [row] = await rows(database)
    assert (row.case_id, row.master_key_id) == ("c1", "m1")
    assert row.wrapped_key is not None and len(row.wrapped_key) > 32  # stored wrapped only


async def test_another_process_opens_what_one_sealed(database: Database) -> None:
    ring = keyring(m1=random_key())
    sealed = await seal(DatabaseKeyStore(database, ring), "c1")
    [opened] = await CaseCodec(DatabaseKeyStore(database, ring)).decode([sealed])
    assert json.loads(opened.data) == PERSONAL


async def test_destroying_the_key_makes_the_case_unreadable_everywhere(
    database: Database,
) -> None:
    ring = keyring(m1=random_key())
    purger, api = DatabaseKeyStore(database, ring), DatabaseKeyStore(database, ring)
    sealed = await seal(purger, "c1")
    kept = await seal(purger, "c2")

    assert await purger.destroy_case_key("c1") is True

    for store in (purger, api):  # the purging process, and one that never saw the key
        with pytest.raises(KeyDestroyed):
            await CaseCodec(store).decode([sealed])
    [opened] = await CaseCodec(api).decode([kept])  # other cases are untouched
    assert json.loads(opened.data) == PERSONAL
    destroyed = {r.case_id: r for r in await rows(database)}["c1"]
    assert destroyed.wrapped_key is None and destroyed.destroyed_at is not None


async def test_master_key_rotation_keeps_old_cases_readable(database: Database) -> None:
    old, new = random_key(), random_key()
    before = await seal(DatabaseKeyStore(database, keyring(old=old)), "c1")

    # New master key active, old still configured: old cases open, new ones use the new key.
    both = DatabaseKeyStore(database, keyring(old=old, new=new))
    [opened] = await CaseCodec(both).decode([before])
    assert json.loads(opened.data) == PERSONAL
    await seal(both, "c2")
    assert {r.case_id: r.master_key_id for r in await rows(database)} == {"c1": "old", "c2": "new"}

    # Without the rewrap, dropping the old master key would lose c1: refused loudly.
    with pytest.raises(KeyringError, match="rewrap"):
        await CaseCodec(DatabaseKeyStore(database, keyring(new=new))).decode([before])

    assert await both.rewrap() == 1
    assert {r.master_key_id for r in await rows(database)} == {"new"}
    [opened] = await CaseCodec(DatabaseKeyStore(database, keyring(new=new))).decode([before])
    assert json.loads(opened.data) == PERSONAL


async def test_the_rewrap_command_moves_keys_to_the_active_master(
    database: Database, tmp_path: object
) -> None:
    if not database.is_sqlite:
        pytest.skip("the command reads RELAIS_DATABASE_URL: one backend is enough")
    import os
    import sys

    old, new = random_key(), random_key()
    await seal(DatabaseKeyStore(database, keyring(old=old)), "c1")
    env = os.environ | {
        "RELAIS_DATABASE_URL": database.url.render_as_string(hide_password=False),
        "RELAIS_MASTER_KEYS": json.dumps({"old": old, "new": new}),
        "RELAIS_ACTIVE_MASTER_KEY": "new",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "relais.crypto",
        "rewrap",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    assert "re-wrapped 1 case keys under master key 'new'" in out.decode()
    assert {r.master_key_id for r in await rows(database)} == {"new"}
