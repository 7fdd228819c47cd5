"""The wall clock, read in one place.

A decision takes its ``now`` from its caller: a request handler reads the clock once
with :func:`utc_now` at the door and passes it down, so the same instant decides the
whole request and a test can set it. ``tests/devtools/test_one_clock.py`` fails when
another module of Relais reads the wall clock itself (``datetime.now``, ``time.time``,
``date.today``) or lets a JWT library check an expiry against it (see
:mod:`relais.signed_tokens`).
"""

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Now, timezone-aware in UTC."""
    return datetime.now(UTC)
