"""The codec session cookie: a JWT that names who signed in and their role, for the
session's lifetime only, and that nothing else passes for."""

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from pydantic import ValidationError

from api.codec_sessions import AUDIENCE, CodecSessions
from relais.settings import Role, Settings
from relais.tokens import Identity

SECRET = b"a-test-secret-of-at-least-32-bytes!"
LIFETIME = timedelta(minutes=480)
SUPERVISOR = Identity("sup-1", Role.SUPERVISOR)


def sessions(secret: bytes = SECRET) -> CodecSessions:
    return CodecSessions(secret, LIFETIME)


# A fixed instant: the cookie is judged at the caller's clock, never the machine's.
NOW = datetime(2026, 12, 1, 21, 0, 5, tzinfo=UTC)


def now() -> datetime:
    return NOW


def segment(claims: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")


@pytest.mark.parametrize("role", list(Role))
def test_a_fresh_cookie_names_who_signed_in_and_their_role(role: Role) -> None:
    identity = Identity(f"someone-{role.value}", role)
    assert sessions().verify(sessions().issue(identity, now()), NOW) == identity


def test_it_lasts_the_configured_lifetime() -> None:
    issued = now().replace(microsecond=0)
    claims = jwt.decode(
        sessions().issue(SUPERVISOR, issued),
        SECRET,
        algorithms=["HS256"],
        audience=AUDIENCE,
        options={"verify_exp": False},  # read the claims; validity is the tests below
    )
    assert claims["exp"] - claims["iat"] == LIFETIME.total_seconds()
    assert claims["iat"] == issued.timestamp()


def test_an_expired_cookie_is_refused() -> None:
    issued = now() - LIFETIME - timedelta(seconds=1)
    assert sessions().verify(sessions().issue(SUPERVISOR, issued), NOW) is None
    almost = now() - LIFETIME + timedelta(seconds=30)
    assert sessions().verify(sessions().issue(SUPERVISOR, almost), NOW) == SUPERVISOR


def test_a_tampered_cookie_is_refused() -> None:
    """A counsellor who rewrites their cookie's role to supervisor gets nothing."""
    cookie = sessions().issue(Identity("c-1", Role.COUNSELLOR), now())
    header, payload, signature = cookie.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    promoted = segment({**claims, "role": Role.SUPERVISOR.value})
    assert sessions().verify(f"{header}.{promoted}.{signature}", NOW) is None
    assert sessions().verify(f"{header}.{payload}.{signature[:-4]}AAAA", NOW) is None


def test_a_cookie_signed_with_another_secret_is_refused() -> None:
    other = sessions(b"another-secret-of-at-least-32-bytes")
    assert sessions().verify(other.issue(SUPERVISOR, now()), NOW) is None


@pytest.mark.parametrize("audience", ["relais-api", None])
def test_a_token_for_another_audience_is_refused(audience: str | None) -> None:
    """Same secret, same claims, but not minted as a codec session."""
    claims: dict[str, object] = {
        "sub": "sup-1",
        "role": "supervisor",
        "exp": now() + LIFETIME,
    }
    if audience is not None:
        claims["aud"] = audience
    assert sessions().verify(jwt.encode(claims, SECRET, algorithm="HS256"), NOW) is None


def test_an_unsigned_token_is_refused() -> None:
    claims = {"sub": "sup-1", "role": "supervisor", "aud": AUDIENCE, "exp": now() + LIFETIME}
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert sessions().verify(unsigned, NOW) is None


@pytest.mark.parametrize("role", ["root", ["supervisor"], None])
def test_a_cookie_without_a_relais_role_is_refused(role: object) -> None:
    claims = {"sub": "sup-1", "role": role, "aud": AUDIENCE, "exp": now() + LIFETIME}
    assert sessions().verify(jwt.encode(claims, SECRET, algorithm="HS256"), NOW) is None


@pytest.mark.parametrize("garbage", ["", "x.y", "a.b.c", "not a cookie at all"])
def test_garbage_is_refused(garbage: str) -> None:
    assert sessions().verify(garbage, NOW) is None


def test_the_secret_must_be_as_long_as_an_hs256_key() -> None:
    with pytest.raises(ValidationError, match="codec_session_secret"):
        Settings(codec_session_secret="too-short-for-hs256")
    assert len(Settings().codec_session_secret.get_secret_value()) >= 32


def test_the_cookie_is_judged_at_the_callers_clock_not_the_machines() -> None:
    """Issued and checked years from today: valid within its lifetime at that clock,
    expired after it, whatever the machine's clock says."""
    later = datetime(2031, 6, 1, 12, 0, tzinfo=UTC)
    cookie = sessions().issue(SUPERVISOR, later)
    assert sessions().verify(cookie, later + LIFETIME - timedelta(seconds=1)) == SUPERVISOR
    assert sessions().verify(cookie, later + LIFETIME) is None
    past = datetime(2020, 1, 1, tzinfo=UTC)
    assert sessions().verify(sessions().issue(SUPERVISOR, past), past) == SUPERVISOR
