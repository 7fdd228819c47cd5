"""One whole system for the console's page tests: the stack of ``running_stack`` (real
Temporal dev server, worker, simulator, API over loopback HTTP, SQLite), the console
served by that API under /console."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.support.stack import Stack, running_stack


@pytest.fixture(scope="module")
async def stack(
    local_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("console")
    async with running_stack(local_env.client, folder) as running:
        yield running
