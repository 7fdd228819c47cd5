"""A bare worker per test with fresh fakes, and a helpline of its own (its own queue)."""

from collections.abc import AsyncIterator

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.workflows.conversation.support import (
    ConversationFakes,
    Helpline,
    bare_conversation_worker,
)


@pytest.fixture
def fakes() -> ConversationFakes:
    return ConversationFakes()


@pytest.fixture
async def task_queue(
    time_skipping_env: WorkflowEnvironment, fakes: ConversationFakes
) -> AsyncIterator[str]:
    async with bare_conversation_worker(time_skipping_env.client, fakes) as queue:
        yield queue


@pytest.fixture
def helpline(time_skipping_env: WorkflowEnvironment, task_queue: str) -> Helpline:
    return Helpline(time_skipping_env, task_queue)
