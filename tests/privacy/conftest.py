"""Privacy tests: key stores on SQLite and PostgreSQL, keyrings, personal strings."""

import base64
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from relais.crypto.keyring import MasterKeyring
from relais.db import Database
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
