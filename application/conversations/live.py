"""The change feed a live page waits on, for every door: what changed in a
conversation after the last line (``seq``) the page shows.

:func:`changes` is the loop any feed runs, whoever reads: it reads once at once,
then again each time the conversation's pulse moves (:mod:`relais.db.pulse_watch`:
a message stored, its directory row rewritten, someone writing) or a refresh falls
due, and hands each read that differs from the last to the page. A message is
stored before its workflow takes it, so a new row may show a moment before its line:
the feed reads again shortly until the line is there (or gives up and waits for the
next change). The console's conversation screen builds its counsellor's feed on it
with its own read.

:func:`young_person_feed` is the young person's (the web chat's server-sent events):
their own read, a refresh every few seconds while they wait (their place moves as
others are answered), and their page kept "in touch" (``absence``).
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Protocol, TypeVar

from application.conversations.absence import page_in_touch
from application.conversations.acting import YoungPerson
from application.conversations.young_person_reads import YoungPersonUpdate, young_person_reads
from application.helpline import Helpline
from domain.conversation import AuthorKind
from relais.clock import utc_now
from relais.db.pulse_watch import Watcher
from relais.db.repositories.conversation_pulses import Pulse

SETTLE_STEPS = (0.05, 0.1, 0.2, 0.4, 0.8)  # a stored line's workflow update, in flight
IN_TOUCH_EVERY = 30.0  # seconds between "the page is here" while it streams
QUIET_REFRESH = 15.0  # seconds between reads when nothing moves (a missed pulse, a timer)


class Update(Protocol):
    @property
    def last_seq(self) -> int: ...

    @property
    def over(self) -> bool: ...


U = TypeVar("U", bound=Update)
Read = Callable[[int], Awaitable[U]]


async def changes(
    watcher: Watcher,
    read: Read[U],
    after_seq: int,
    *,
    lasting: float,
    refresh: Callable[[U], float] = lambda _: QUIET_REFRESH,
) -> AsyncIterator[U]:
    """Each read after ``after_seq`` that differs from the one before, the first at
    once, for ``lasting`` seconds or until the conversation is over."""
    loop = asyncio.get_running_loop()
    ends = loop.time() + lasting
    shown: U | None = None
    known_stored: int | None = None  # rows stored whose lines were looked for
    update = await read(after_seq)
    while True:
        if update != shown:
            yield update
            shown = update
            after_seq = update.last_seq
        if update.over or loop.time() >= ends:
            return
        await watcher.next_change(min(refresh(update), ends - loop.time()))
        stored = watcher.pulse.stored if watcher.pulse is not None else None
        update = await read(after_seq)
        if stored is None:
            continue
        if known_stored is not None and stored > known_stored:
            for pause in SETTLE_STEPS:  # a new row: its line follows in a moment
                if update.last_seq > shown.last_seq or update.over:
                    break
                await asyncio.sleep(pause)
                update = await read(after_seq)
        known_stored = stored


def _young_person_sees(pulse: Pulse) -> object:
    """A message stored, the conversation moved, the counsellor writing or not."""
    return (pulse.stored, pulse.version, AuthorKind.COUNSELLOR in pulse.writing)


async def young_person_feed(
    helpline: Helpline,
    who: YoungPerson,
    after_seq: int,
    *,
    lasting: float | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> AsyncIterator[YoungPersonUpdate]:
    """What the young person's page shows, live, for ``lasting`` seconds (the chat's
    stream length by default); the page reconnects after it."""
    chat = helpline.settings.chat
    touched = -IN_TOUCH_EVERY

    async def read(after: int) -> YoungPersonUpdate:
        nonlocal touched
        now = clock()
        if asyncio.get_running_loop().time() - touched >= IN_TOUCH_EVERY:
            await page_in_touch(helpline, who, now)
            touched = asyncio.get_running_loop().time()
        return await young_person_reads(helpline, who, after, now)

    def refresh(update: YoungPersonUpdate) -> float:
        waiting = update.status.queued
        return chat.place_refresh_seconds if waiting else QUIET_REFRESH

    async with helpline.pulses.watching(who.conversation_id, _young_person_sees) as watcher:
        async for update in changes(
            watcher,
            read,
            after_seq,
            lasting=chat.stream_seconds if lasting is None else lasting,
            refresh=refresh,
        ):
            yield update
