"""Fixtures: the simulator playing Meta and a webhook door, over real HTTP."""

from collections.abc import AsyncIterator

import pytest

from tests.channels.stack import Stack, running_stack


@pytest.fixture
async def stack() -> AsyncIterator[Stack]:
    async with running_stack() as running:
        yield running
