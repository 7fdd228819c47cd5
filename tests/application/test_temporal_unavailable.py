"""Which Temporal refusals a door answers 503 "try again shortly" (the person's request
may succeed in a moment) rather than 500: seen under load, 50 counsellors reading their
desks at once made the dev server refuse queries on the queue with RESOURCE_EXHAUSTED."""

import pytest
from temporalio.service import RPCError, RPCStatusCode

from application.errors import temporal_unavailable


@pytest.mark.parametrize(
    "status",
    [
        RPCStatusCode.UNAVAILABLE,
        RPCStatusCode.DEADLINE_EXCEEDED,
        RPCStatusCode.CANCELLED,
        RPCStatusCode.RESOURCE_EXHAUSTED,
    ],
)
def test_late_or_shedding_load_is_unavailable(status: RPCStatusCode) -> None:
    assert temporal_unavailable(RPCError("namespace rate limit exceeded", status, b""))


@pytest.mark.parametrize(
    "status",
    [RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT, RPCStatusCode.INTERNAL],
)
def test_anything_else_is_not(status: RPCStatusCode) -> None:
    assert not temporal_unavailable(RPCError("no", status, b""))
