"""Serve an ASGI app with uvicorn inside the running event loop.

Used by the tests (API and simulator on real loopback ports) and by anything that
needs a server next to a worker in one process.
"""

import asyncio
import random
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn

GRACEFUL_STOP_SECONDS = 5


# Ports for servers are drawn below the kernel's ephemeral range: a port the kernel
# hands out (bind to 0) can be taken by any outgoing connection before the server
# binds it, and a busy run makes thousands of them.
LISTEN_PORTS = range(20000, 32000)


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now, outside the range outgoing connections use."""
    for _ in range(200):
        port = random.choice(LISTEN_PORTS)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port on {host} in {LISTEN_PORTS}")


@asynccontextmanager
async def serve_app(app: Any, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Run ``app`` until the block exits; yields its base URL (``http://host:port``)."""
    port = port or free_port(host)
    # A stream still open at the end (a page's live events) is cut after a few seconds
    # rather than holding the stop for ever.
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=GRACEFUL_STOP_SECONDS,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()  # re-raises why the server could not start
                raise RuntimeError(f"server on {host}:{port} stopped during start-up")
            await asyncio.sleep(0.01)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        await task
