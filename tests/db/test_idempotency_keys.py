"""Idempotency keys: a key carries the request it first came with, whichever API
replica sees it again (each ``IdempotencyKeys`` below stands for one replica, with
its own connection pool), for ``KEY_RETENTION``; a refused first request frees it."""

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from relais.db import Database
from relais.db.repositories.idempotency_keys import KEY_RETENTION, IdempotencyKeys, KeyUse
from relais.db.tables import IdempotencyKeyRow
from tests.db.builders import T0
from tests.db.conftest import NewDatabase

KEY = "k" * 64
ROUTE = "POST /cases/{case_id}/items"


async def stored(database: Database) -> int:
    async with database.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(IdempotencyKeyRow)) or 0)


async def test_the_same_request_is_a_retry_and_another_is_refused(database: Database) -> None:
    keys = IdempotencyKeys(database)

    first = await keys.claim(KEY, "request-a", ROUTE, T0)
    retry = await keys.claim(KEY, "request-a", ROUTE, T0 + timedelta(minutes=5))
    other = await keys.claim(KEY, "request-b", "POST /cases", T0 + timedelta(minutes=6))

    assert first.use is KeyUse.FIRST
    assert (retry.use, retry.route, retry.first_used_at) == (KeyUse.RETRY, ROUTE, T0)
    assert (other.use, other.route, other.first_used_at) == (KeyUse.REUSED, ROUTE, T0)
    # The refusal changed nothing: the first request may still retry.
    again = await keys.claim(KEY, "request-a", ROUTE, T0 + timedelta(minutes=7))
    assert again.use is KeyUse.RETRY


async def test_replicas_racing_with_one_key_let_exactly_one_request_through(
    database: Database, new_database: NewDatabase
) -> None:
    replicas = [IdempotencyKeys(database), IdempotencyKeys(await new_database(same_as=database))]

    claims = await asyncio.gather(
        *(replicas[n % 2].claim(KEY, f"request-{n}", ROUTE, T0) for n in range(8))
    )

    assert sorted(c.use for c in claims) == [KeyUse.FIRST] + [KeyUse.REUSED] * 7
    [winner] = [n for n, c in enumerate(claims) if c.use is KeyUse.FIRST]
    late = await replicas[1].claim(KEY, f"request-{winner}", ROUTE, T0 + timedelta(seconds=1))
    assert late.use is KeyUse.RETRY


async def test_a_released_key_is_free_for_the_corrected_request(database: Database) -> None:
    keys = IdempotencyKeys(database)
    await keys.claim(KEY, "invalid-request", ROUTE, T0)

    await keys.release(KEY, "some-other-request")  # not the one it carries: kept
    assert (await keys.claim(KEY, "corrected", ROUTE, T0)).use is KeyUse.REUSED
    await keys.release(KEY, "invalid-request")

    assert (await keys.claim(KEY, "corrected", ROUTE, T0)).use is KeyUse.FIRST
    assert (await keys.claim(KEY, "corrected", ROUTE, T0)).use is KeyUse.RETRY


async def test_keys_are_forgotten_after_their_retention(database: Database) -> None:
    keys = IdempotencyKeys(database)
    await keys.claim(KEY, "old-request", ROUTE, T0)
    await keys.claim("another-key", "its-request", ROUTE, T0 + timedelta(days=1))

    just_before = T0 + KEY_RETENTION - timedelta(seconds=1)
    assert (await IdempotencyKeys(database).claim(KEY, "new", ROUTE, just_before)).use is (
        KeyUse.REUSED
    )
    later = T0 + KEY_RETENTION + timedelta(minutes=1)
    assert (await IdempotencyKeys(database).claim(KEY, "new", ROUTE, later)).use is KeyUse.FIRST
    # The old use of KEY was replaced, the other key is still within its retention...
    assert await stored(database) == 2
    # ... and pruned a day later (at most once a minute per process).
    a_day_later = later + timedelta(days=1)
    await IdempotencyKeys(database).claim("third-key", "r", ROUTE, a_day_later)
    assert await stored(database) == 2  # KEY's new use and the third key
