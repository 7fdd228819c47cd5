"""Cutting a connection, for the outage knob ``{"answer": "reset"}``: the caller sees
its connection dropped without an answer (as when Meta's edge is unreachable) rather
than an HTTP 503.

``keep_transport`` (called by the app before any middleware) notes the server
connection's transport in the request scope; ``cut`` aborts it. It relies on uvicorn
handing the app a bound ``send`` of an object with a ``transport`` attribute (true of
its h11 and httptools protocols); elsewhere ``cut`` returns False and the outage
answers 503 instead.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import Request

from simulator.tracing import Scope, Send

SCOPE_KEY = "simulator.transport"


def keep_transport(scope: Scope, send: Send) -> None:
    """Note the connection of a request, from the server's own ``send``."""
    if scope["type"] == "http":
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        if transport is not None:
            scope[SCOPE_KEY] = transport


async def cut(request: Request) -> bool:
    """Abort the request's connection; False if the server does not allow it."""
    transport: Any = request.scope.get(SCOPE_KEY)
    if transport is None or not hasattr(transport, "abort"):
        return False
    transport.abort()
    await asyncio.sleep(0)  # let the server see the connection lost before it answers
    return True
