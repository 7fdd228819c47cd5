"""The live pages' watch over the app database: a page is woken when its
conversation's row count moves, except while a line this process stored is still on
its way to its workflow, and then once, when it got there (its read then finds the
line instead of reading "nothing yet" and again a moment later)."""

import asyncio
import uuid
from datetime import UTC, datetime

from relais.db import Database
from relais.db.pulse_watch import PulseWatch
from relais.db.tables import ConversationMessageRow
from tests.support.waiting import eventually

NOW = datetime(2026, 12, 5, 20, 0, tzinfo=UTC)
EVERY = 0.01  # the watch's round; a page waits for many rounds below


async def stored_line(database: Database, conversation_id: str) -> None:
    async with database.session_factory() as session, session.begin():
        session.add(
            ConversationMessageRow(
                message_id=uuid.uuid4().hex,
                conversation_id=conversation_id,
                key_digest=uuid.uuid4().hex,
                body_digest="b",
                author_kind="counsellor",
                author="c-1",
                internal=False,
                stored_at=NOW,
                key_id="k",
                ciphertext=b"sealed",
            )
        )


async def held(watch: PulseWatch, conversation_id: str) -> None:
    """A round of the watch read the new row while its line was in flight."""
    await eventually(
        lambda: asyncio.sleep(0, watch._held.get(conversation_id)),
        lambda pulse: pulse is not None and pulse.stored > 0,
        what="the row read while in flight",
        interval=EVERY,
    )


async def test_a_page_wakes_when_a_line_is_stored(database: Database) -> None:
    watch = PulseWatch(database, every=EVERY, clock=lambda: NOW)
    async with watch.watching("conv-1") as page:
        await page.next_change(1.0)  # the first round: where it stands
        await stored_line(database, "conv-1")
        assert await page.next_change(5.0)
        assert page.pulse is not None and page.pulse.stored == 1


async def test_a_line_in_flight_wakes_its_pages_once_it_got_there(database: Database) -> None:
    watch = PulseWatch(database, every=EVERY, clock=lambda: NOW)
    async with watch.watching("conv-1") as page, watch.watching("conv-2") as other:
        assert await page.next_change(1.0) and await other.next_change(1.0)
        async with watch.line_in_flight("conv-1"):
            await stored_line(database, "conv-1")
            await stored_line(database, "conv-2")
            # Another conversation's line wakes its page meanwhile: the watch runs on.
            assert await other.next_change(5.0)
            await held(watch, "conv-1")
            assert not await page.next_change(5 * EVERY)
        assert page._moved.is_set()  # woken as the workflow answered, not a round later
        assert await page.next_change(0.0)
        assert page.pulse is not None and page.pulse.stored == 1


async def test_two_lines_in_flight_wake_their_page_when_both_got_there(
    database: Database,
) -> None:
    watch = PulseWatch(database, every=EVERY, clock=lambda: NOW)
    async with watch.watching("conv-1") as page:
        assert await page.next_change(1.0)
        first, second = watch.line_in_flight("conv-1"), watch.line_in_flight("conv-1")
        await first.__aenter__()
        await second.__aenter__()
        await stored_line(database, "conv-1")
        await stored_line(database, "conv-1")
        await held(watch, "conv-1")
        await first.__aexit__(None, None, None)
        assert not await page.next_change(5 * EVERY)
        await second.__aexit__(None, None, None)
        assert await page.next_change(0.0)
        assert page.pulse is not None and page.pulse.stored == 2


async def test_a_line_that_never_got_there_still_wakes_its_page(database: Database) -> None:
    watch = PulseWatch(database, every=EVERY, clock=lambda: NOW)
    async with watch.watching("conv-1") as page:
        assert await page.next_change(1.0)
        try:
            async with watch.line_in_flight("conv-1"):
                await stored_line(database, "conv-1")
                await held(watch, "conv-1")
                raise TimeoutError("Temporal late")
        except TimeoutError:
            pass
        assert await page.next_change(0.0)
