"""A bare worker for each workflow test: the real workflows, fresh fake activities,
on the time-skipping dev server (see ``fakes.py``)."""

from collections.abc import AsyncIterator

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.workflows.fakes import FakeActivities, bare_worker


@pytest.fixture
def fakes() -> FakeActivities:
    return FakeActivities()


@pytest.fixture
async def task_queue(
    time_skipping_env: WorkflowEnvironment, fakes: FakeActivities
) -> AsyncIterator[str]:
    async with bare_worker(time_skipping_env.client, fakes) as queue:
        yield queue
