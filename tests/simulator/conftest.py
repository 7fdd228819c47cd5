"""Fixtures: a simulator served on a real loopback port, and a webhook receiver."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
from meta_support import Meta, MetaReceiver, fast_meta
from sim_support import SECRET, Receiver, Sim, StartSim

from relais.serving import serve_app
from simulator import SimulatorConfig, create_app


@pytest.fixture
async def start_sim() -> AsyncIterator[StartSim]:
    """``await start_sim(defaults={...}, targets={...}, ...)`` -> a running simulator."""
    async with AsyncExitStack() as stack:

        async def start(**config: Any) -> Sim:
            config.setdefault("webhook_secret", SECRET)
            config.setdefault("webhook_retry_delays", [0.02, 0.05, 0.1])
            base = await stack.enter_async_context(
                serve_app(create_app(SimulatorConfig.model_validate(config)))
            )
            http = await stack.enter_async_context(httpx.AsyncClient(base_url=base))
            return Sim(base, http)

        yield start


@pytest.fixture
async def sim(start_sim: StartSim) -> Sim:
    """A simulator whose targets decide fast and are polled (no webhooks)."""
    return await start_sim(defaults={"decision_delay_seconds": 0.05, "delivery": "poll"})


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    async with serve_app(receiver.app()) as base:
        receiver.base_url = base
        yield receiver


@pytest.fixture
async def meta_receiver() -> AsyncIterator[MetaReceiver]:
    receiver = MetaReceiver()
    async with serve_app(receiver.app()) as base:
        receiver.base_url = base
        yield receiver


@pytest.fixture
async def start_meta(
    start_sim: StartSim, meta_receiver: MetaReceiver
) -> Callable[..., Awaitable[Meta]]:
    """``await start_meta(whatsapp={...knobs})`` -> a simulator posting to the receiver."""

    async def start(**overrides: Any) -> Meta:
        sim = await start_sim(webhook_base_url=meta_receiver.base_url, meta=fast_meta(**overrides))
        return Meta(sim.http)

    return start


@pytest.fixture
async def meta(start_meta: Callable[..., Awaitable[Meta]]) -> Meta:
    return await start_meta()
