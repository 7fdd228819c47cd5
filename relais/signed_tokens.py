"""Decode a JWT and check its times against the caller's clock.

PyJWT checks ``exp``, ``nbf`` and ``iat`` against the real clock, with no way to
pass another ``now``; a session that decides "expired" with one clock and "idle"
with another is wrong whenever the two disagree (a test that sets ``now`` first of
all). So PyJWT checks the signature, audience, issuer and required claims, and the
times are checked here against the ``now`` the caller gives, with PyJWT's own
errors, so callers catch what they caught before.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import jwt


def decode_at(
    token: str,
    key: Any,
    now: datetime,
    *,
    algorithms: Sequence[str],
    audience: str | None = None,
    issuer: str | None = None,
    require: Iterable[str] = (),
    leeway: timedelta = timedelta(0),
    verify_aud: bool = True,
    verify_iss: bool = True,
) -> dict[str, Any]:
    """The token's claims, once its signature and claims hold at ``now``."""
    claims: dict[str, Any] = jwt.decode(
        token,
        key,
        algorithms=list(algorithms),
        audience=audience,
        issuer=issuer,
        options={
            "verify_exp": False,  # the times are checked below, at the caller's now
            "verify_nbf": False,
            "verify_iat": False,
            "require": list(require),
            "verify_aud": verify_aud and audience is not None,
            "verify_iss": verify_iss and issuer is not None,
        },
    )
    check_times(claims, now, leeway)
    return claims


def check_times(claims: dict[str, Any], now: datetime, leeway: timedelta) -> None:
    """``exp``, ``nbf`` and ``iat`` as PyJWT checks them, at ``now``."""
    at = now.timestamp()
    slack = leeway.total_seconds()
    if "exp" in claims and at >= _seconds(claims, "exp") + slack:
        raise jwt.ExpiredSignatureError("Signature has expired")
    if "nbf" in claims and at < _seconds(claims, "nbf") - slack:
        raise jwt.ImmatureSignatureError("The token is not yet valid (nbf)")
    if "iat" in claims and at < _seconds(claims, "iat") - slack:
        raise jwt.ImmatureSignatureError("The token is not yet valid (iat)")


def _seconds(claims: dict[str, Any], name: str) -> float:
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise jwt.DecodeError(f"The {name} claim must be a number")
    return float(value)
