"""Webhook signatures: the scheme platforms implement, the time window, replays."""

import hashlib
import hmac

import pytest

from api.webhook_signatures import ReplayCache, SignatureVerifier, sign
from application.errors import SignatureInvalid, SignatureReplayed

SECRET = b"s3cret"
BODY = b'{"notice_id": "n1", "decision": "removed"}'


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def verifier(clock: Clock, replays: ReplayCache | None = None) -> SignatureVerifier:
    return SignatureVerifier(SECRET, tolerance_seconds=300, clock=clock, replays=replays)


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET, b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, "1700000000", BODY) == f"sha256={expected}"


async def test_good_signature_within_tolerance_passes() -> None:
    check = verifier(Clock(1_700_000_299))
    await check.verify("1700000000", sign(SECRET, "1700000000", BODY), BODY)


@pytest.mark.parametrize(
    ("timestamp", "signature", "reason"),
    [
        (None, "sha256=00", "missing"),
        ("1700000000", None, "missing"),
        ("yesterday", "sha256=00", "unix seconds"),
        ("1700000000", "md5=00", "sha256=<hex>"),
        ("1700000000", sign(b"other-secret", "1700000000", BODY), "does not match"),
        ("1700000001", sign(SECRET, "1700000000", BODY), "does not match"),
    ],
)
async def test_bad_signatures_are_refused(
    timestamp: str | None, signature: str | None, reason: str
) -> None:
    with pytest.raises(SignatureInvalid, match=reason):
        await verifier(Clock(1_700_000_000)).verify(timestamp, signature, BODY)


@pytest.mark.parametrize("skew", [-301, 301])
async def test_timestamps_outside_the_window_are_refused(skew: int) -> None:
    check = verifier(Clock(1_700_000_000 + skew))
    with pytest.raises(SignatureInvalid, match="more than 300s"):
        await check.verify("1700000000", sign(SECRET, "1700000000", BODY), BODY)


async def test_a_replay_is_refused_until_the_signature_expires() -> None:
    clock = Clock(1_700_000_000)
    check = verifier(clock)
    signature = sign(SECRET, "1700000000", BODY)
    await check.verify("1700000000", signature, BODY)

    clock.now += 299
    with pytest.raises(SignatureReplayed):
        await check.verify("1700000000", signature, BODY)
    clock.now += 2  # past the window: now the timestamp itself is refused
    with pytest.raises(SignatureInvalid):
        await check.verify("1700000000", signature, BODY)


async def test_a_failed_delivery_may_be_retried() -> None:
    check = verifier(Clock(1_700_000_000))
    signature = sign(SECRET, "1700000000", BODY)

    with pytest.raises(RuntimeError):
        async with check.accepting("1700000000", signature, BODY):
            raise RuntimeError("workflow unreachable")

    async with check.accepting("1700000000", signature, BODY):
        pass


async def test_the_replay_cache_forgets_expired_signatures() -> None:
    cache = ReplayCache()
    assert await cache.add("a", expires=10, now=0)
    assert not await cache.add("a", expires=10, now=5)
    assert await cache.add("b", expires=20, now=11)
    assert await cache.add("a", expires=30, now=11)  # "a" expired at 10


async def test_the_replay_cache_is_bounded() -> None:
    cache = ReplayCache(max_entries=2)
    for name in "abc":
        assert await cache.add(name, expires=100, now=0)
    assert await cache.add("a", expires=100, now=1)  # the oldest was dropped to make room
