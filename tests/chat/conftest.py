"""One whole system per test module for the web chat (``running_stack``: a real
Temporal dev server, worker, simulator, the API serving ``/chat`` over loopback
HTTP, SQLite), open round the clock unless a test closes it."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.support.policies import fast_policy
from tests.support.stack import Stack, running_stack


@pytest.fixture(scope="module")
async def stack(
    local_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("chat")
    async with running_stack(local_env.client, folder, policy=fast_policy()) as running:
        yield running
