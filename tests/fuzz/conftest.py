"""The whole system as separate processes (dev server, simulator, API, worker) for
the fuzz tests: schemathesis calls the API synchronously, so nothing of the stack
may run on the test's own event loop."""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.callback_window import ALWAYS_OPEN
from domain.policy import CasePolicy
from tests.chaos.processes import ProcessStack, build_process_stack

TOKENS = {
    role: f"local-{role}-token" for role in ("counsellor", "supervisor", "integrator", "auditor")
}


async def _start(stack: ProcessStack) -> None:
    await stack.start()
    await stack.start_worker(stack.add_worker())


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProcessStack]:
    # Open round the clock: the chat's routes reach a waiting conversation at any hour;
    # the chat's live stream ends after a second (a page would reconnect), not minutes.
    stack = build_process_stack(
        Path(tmp_path_factory.mktemp("fuzz")),
        policy=CasePolicy(opening_hours=ALWAYS_OPEN),
        env={"RELAIS_CHAT__STREAM_SECONDS": "1"},
    )
    try:
        asyncio.run(_start(stack))
        yield stack
    finally:
        stack.stop_all()
