"""One watcher per process over the conversations its live pages follow.

Every open page (a young person's chat, a counsellor's conversation screen) waits
for its conversation to change. Asking each conversation's workflow every few
hundred milliseconds from each page would load Temporal with queries that mostly
answer "nothing new". Instead this process reads, every ``every`` seconds, the
pulse of all the conversations its pages watch in one round of queries of the app
database (:class:`~relais.db.repositories.conversation_pulses.ConversationPulses`)
and wakes the pages whose pulse moved; they then ask their workflow. Changes made
through another API replica show in the same rows, so any replica's pages see them.

The polling task runs only while some page watches, and stops with the last one.

A line is stored before its workflow takes it; a door of this process that stores one
holds its conversation's pages (:meth:`PulseWatch.line_in_flight`) until the workflow
answered, so a page woken by the new row reads the line at once instead of reading
"nothing yet" and again a moment later. A line stored through another replica still
shows by its row; the page then settles (:mod:`application.conversations.live`).
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from relais.clock import utc_now
from relais.db.repositories._sql import SessionSource
from relais.db.repositories.conversation_pulses import ConversationPulses, Pulse

log = logging.getLogger(__name__)


Sees = Callable[[Pulse], object]


def everything(pulse: Pulse) -> object:
    return pulse


class Watcher:
    """One page's watch on one conversation; ``sees``: what of the pulse matters to it
    (a young person's page does not wait on their own "is writing")."""

    def __init__(self, conversation_id: str, sees: Sees = everything) -> None:
        self.conversation_id = conversation_id
        self.pulse: Pulse | None = None
        self._sees = sees
        self._moved = asyncio.Event()

    def _see(self, pulse: Pulse) -> None:
        if self.pulse is None or self._sees(pulse) != self._sees(self.pulse):
            self._moved.set()
        self.pulse = pulse

    async def next_change(self, within: float) -> bool:
        """Wait until the pulse moves (True) or ``within`` seconds pass (False)."""
        try:
            async with asyncio.timeout(max(within, 0.0)):
                await self._moved.wait()
        except TimeoutError:
            return False
        self._moved.clear()
        return True


class PulseWatch:
    def __init__(
        self, source: SessionSource, every: float, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self._pulses = ConversationPulses(source)
        self._every = every
        self._clock = clock
        self._watchers: dict[str, set[Watcher]] = {}
        self._task: asyncio.Task[None] | None = None
        self._in_flight: dict[str, int] = {}  # lines stored, their workflow not answered
        self._held: dict[str, Pulse] = {}  # the last pulse read while lines were in flight

    @property
    def watched(self) -> int:
        return len(self._watchers)

    @asynccontextmanager
    async def watching(
        self, conversation_id: str, sees: Sees = everything
    ) -> AsyncIterator[Watcher]:
        watcher = Watcher(conversation_id, sees)
        self._watchers.setdefault(conversation_id, set()).add(watcher)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="relais-pulse-watch")
        try:
            yield watcher
        finally:
            watchers = self._watchers.get(conversation_id)
            if watchers is not None:
                watchers.discard(watcher)
                if not watchers:
                    del self._watchers[conversation_id]

    @asynccontextmanager
    async def line_in_flight(self, conversation_id: str) -> AsyncIterator[None]:
        """While a line this process stored is on its way to its workflow, its pages are
        not woken by its row; what moved meanwhile wakes them once it is answered (or
        failed: they read what is there)."""
        self._in_flight[conversation_id] = self._in_flight.get(conversation_id, 0) + 1
        try:
            yield
        finally:
            left = self._in_flight[conversation_id] - 1
            if left:
                self._in_flight[conversation_id] = left
            else:
                del self._in_flight[conversation_id]
                held = self._held.pop(conversation_id, None)
                if held is not None:
                    self._show(conversation_id, held)

    def _show(self, conversation_id: str, pulse: Pulse) -> None:
        if conversation_id in self._in_flight:
            self._held[conversation_id] = pulse
            return
        for watcher in list(self._watchers.get(conversation_id, ())):
            watcher._see(pulse)

    async def _run(self) -> None:
        while self._watchers:
            try:
                pulses = await self._pulses.read(list(self._watchers), self._clock())
            except Exception as error:  # the database blinked: the next round tries again
                log.warning("live pulse read failed: %s", type(error).__name__)
                pulses = {}
            for conversation_id, pulse in pulses.items():
                self._show(conversation_id, pulse)
            await asyncio.sleep(self._every)
