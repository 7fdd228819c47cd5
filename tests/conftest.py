"""Session fixtures: real Temporal dev servers, started once and only when needed."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.support.temporal import start_local_server, start_time_skipping_server


@pytest.fixture(scope="session")
async def local_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await start_local_server()
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await start_time_skipping_server()
    yield env
    await env.shutdown()


# Suites that start whole stacks or browsers, or hammer the API: run by `.ci/run` and a
# plain `./dev test`, skipped by `./dev test --quick` (pytest -m "not slow").
SLOW = (
    "tests/chaos/",
    "tests/fuzz/",
    "tests/devtools/test_dev_up.py",
    "tests/devtools/test_local_stack.py",
    "tests/privacy/test_supervisor_ui.py",
)
ROOT = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        where = item.path.relative_to(ROOT).as_posix()
        if where.startswith(SLOW):
            item.add_marker(pytest.mark.slow)
