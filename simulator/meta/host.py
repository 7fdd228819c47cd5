"""What the Meta part needs of the simulator that hosts it (``simulator.state.
SimulatorState``, which imports this package): protocols keep the import graph one
way, so the simulator's modules stay acyclic."""

import asyncio
from collections.abc import Coroutine, Sequence
from typing import Annotated, Any, Protocol, cast

import httpx
from fastapi import Depends, Request

from simulator.meta.journal import Writer
from simulator.meta.state import MetaState


class HostConfig(Protocol):
    @property
    def webhook_base_url(self) -> str: ...

    @property
    def webhook_retry_delays(self) -> Sequence[float]: ...

    @property
    def webhook_timeout_seconds(self) -> float: ...


class SimulatorState(Protocol):
    """The simulator's state as the Meta part sees it."""

    http: httpx.AsyncClient | None

    @property
    def config(self) -> HostConfig: ...

    @property
    def journal(self) -> Writer | None: ...

    @property
    def meta(self) -> MetaState: ...

    def spawn(self, coro: Coroutine[Any, Any, None]) -> "asyncio.Task[None]": ...


def get_state(request: Request) -> SimulatorState:
    return cast(SimulatorState, request.app.state.simulator)


StateDep = Annotated[SimulatorState, Depends(get_state)]
