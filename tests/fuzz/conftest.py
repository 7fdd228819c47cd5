"""The whole system as separate processes (dev server, simulator, API, worker) for
the fuzz tests: schemathesis calls the API synchronously, so nothing of the stack
may run on the test's own event loop."""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chaos.processes import ProcessStack, build_process_stack
from tests.support.policies import fast_policy


async def _start(stack: ProcessStack) -> None:
    await stack.start()
    await stack.start_worker(stack.add_worker())


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProcessStack]:
    # Open round the clock: the chat's routes reach a waiting conversation at any hour;
    # the chat's live stream ends after a second (a page would reconnect), not minutes.
    stack = build_process_stack(
        Path(tmp_path_factory.mktemp("fuzz")),
        policy=fast_policy(),
        env={"RELAIS_CHAT__STREAM_SECONDS": "1"},
    )
    try:
        asyncio.run(_start(stack))
        yield stack
    finally:
        stack.stop_all()
