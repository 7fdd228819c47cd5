"""The change feed a live page waits on, for every door: what changed in a
conversation after the last line (``seq``) the page shows.

:func:`changes` is the loop any feed runs, whoever reads: it reads once at once,
then again each time the conversation's pulse moves (:mod:`relais.db.pulse_watch`:
a message stored, its directory row rewritten, someone writing) or a refresh falls
due, and hands each read that differs from the last to the page. A message is
stored before its workflow takes it, so a new row may show a moment before its line:
the feed reads again shortly until the line is there (or gives up and waits for the
next change). The console's conversation screen builds its counsellor's feed on it
with its own read: :func:`first_change` holds the screen's request until what it
shows is out of date (a long poll), so a line reaches the screen as soon as this
process sees its pulse move instead of at the screen's next read, and a screen with
nothing new costs no query to the conversation's workflow.

:func:`young_person_feed` is the young person's (the web chat's server-sent events):
their own read, a refresh every few seconds while they wait (their place moves as
others are answered), and their page kept "in touch" (``absence``).
"""

import asyncio
import random
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
SCREEN_REFRESH = 1.0  # a counsellor's screen held for a change: read at least this often


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


async def first_change(
    helpline: Helpline,
    conversation_id: str,
    read: Callable[[], Awaitable[U]],
    differs: Callable[[U], bool],
    *,
    lasting: float,
) -> U | None:
    """The first read of the conversation that ``differs`` from what a screen shows,
    read at once, then again as soon as its pulse moves (a line stored, a web chat line
    fetched, its directory row rewritten: not someone writing nor a page closing, which
    the transcript does not show) and at least every ``SCREEN_REFRESH`` seconds (a line
    whose workflow update outlasts the settling reads, a channel's delivery mark: at
    most the console's former rhythm, whatever the screen's); None when nothing
    differed within ``lasting`` seconds."""
    async with helpline.pulses.watching(conversation_id, _screen_sees) as watcher:
        async for update in changes(
            watcher, lambda _: read(), 0, lasting=lasting, refresh=lambda _: SCREEN_REFRESH
        ):
            if differs(update):
                return update
    return None


def _screen_sees(pulse: Pulse) -> object:
    """What the counsellor's transcript shows: lines, delivery marks, where it stands
    (a young person typing woke it before: a query per keystroke burst, for nothing)."""
    return (pulse.stored, pulse.fetched, pulse.version)


def _young_person_sees(pulse: Pulse) -> object:
    """An answer stored, the conversation moved, the counsellor writing or not. Not
    their own message: the page that sent it draws it from its answer (seq and time),
    so reading the workflow for it was a query per message for nothing; another tab of
    the same chat shows it with the next change, or the next refresh."""
    return (pulse.answers, pulse.version, AuthorKind.COUNSELLOR in pulse.writing)


def stream_length(longest: float) -> float:
    return random.uniform(longest / 2, longest)


async def young_person_feed(
    helpline: Helpline,
    who: YoungPerson,
    after_seq: int,
    *,
    lasting: float | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> AsyncIterator[YoungPersonUpdate]:
    """What the young person's page shows, live, for ``lasting`` seconds (by default
    somewhere between half the chat's stream length and all of it, drawn for each
    stream); the page reconnects after it. Drawn, so that pages opened together do not
    all reconnect together a minute later, and every minute after: 200 streams ending
    at once were 200 reads of their conversations at once, seconds of delay for every
    line meanwhile (measured: ``bench.conversations``)."""
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
            lasting=stream_length(chat.stream_seconds) if lasting is None else lasting,
            refresh=refresh,
        ):
            yield update
