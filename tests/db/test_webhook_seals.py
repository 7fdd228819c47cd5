"""Signed webhook deliveries are refused when replayed, whichever API replica the
replay reaches: the seals live in the shared database (each verifier below stands
for one replica), expire with the tolerance window, and a delivery that failed on
our side may be sent again."""

import pytest

from api.webhook_signatures import SignatureVerifier, sign
from application.errors import SignatureReplayed
from relais.db import Database
from relais.db.repositories.webhook_seals import WebhookSeals

SECRET = b"shared-webhook-secret"
BODY = b'{"notice_id": "n1", "decision": "removed"}'
SENT = 1_700_000_000


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def replica(database: Database, clock: Clock) -> SignatureVerifier:
    return SignatureVerifier(SECRET, 300, clock=clock, replays=WebhookSeals(database))


async def test_a_replay_to_another_replica_is_refused(database: Database) -> None:
    clock = Clock(SENT + 5)
    first, second = replica(database, clock), replica(database, clock)
    signature = sign(SECRET, str(SENT), BODY)

    await first.verify(str(SENT), signature, BODY)
    with pytest.raises(SignatureReplayed):
        await second.verify(str(SENT), signature, BODY)
    with pytest.raises(SignatureReplayed):
        await first.verify(str(SENT), signature, BODY)


async def test_a_delivery_that_failed_on_our_side_may_be_retried_anywhere(
    database: Database,
) -> None:
    clock = Clock(SENT)
    first, second = replica(database, clock), replica(database, clock)
    signature = sign(SECRET, str(SENT), BODY)
    with pytest.raises(RuntimeError):
        async with first.accepting(str(SENT), signature, BODY):
            raise RuntimeError("Temporal unreachable")
    async with second.accepting(str(SENT), signature, BODY):
        pass


async def test_seals_expire_with_the_window(database: Database) -> None:
    seals = WebhookSeals(database)
    assert await seals.add("sha256=aa", expires=SENT + 300, now=SENT)
    assert not await seals.add("sha256=aa", expires=SENT + 300, now=SENT + 299)
    # Past its expiry the seal is dropped (a fresh delivery could reuse it).
    assert await seals.add("sha256=aa", expires=SENT + 900, now=SENT + 300)
