"""A young person who leaves the queue is counted as having left (abandoned), never
dropped silently while still there. Three ways out:

- the **leave** button and the **quick exit**: they leave at once
  (:func:`~application.conversations.young_person.young_person_leaves`);
- the page is **closed** (a tab shut, another site typed in): its ``pagehide``
  beacon marks it away; a reload sends the same beacon, but the reloaded page is back
  in touch within a second, so only a page not back within
  ``RELAIS_CHAT__AWAY_GRACE_SECONDS`` (30 s) is counted as having left;
- the page falls **silent** with no beacon (a phone put away with the browser
  frozen, a lost network): a waiting young person whose page has not been in touch
  (its live stream, its polls) for ``RELAIS_CHAT__SILENT_AFTER_SECONDS`` (15 min) is
  counted as having left. Long on purpose: phones freeze a page in the background
  after a minute or so, and someone who switched to another app while waiting must
  find their place when they come back. Their page then says they left the queue.

Only conversations still waiting are counted: once a counsellor is with them, the
counsellor sees the page closed or silent and decides.

Each API replica looks every ``RELAIS_CHAT__ABSENCE_CHECK_SECONDS`` (10 s). No lock:
two replicas finding the same page both say "left" and the conversation leaves once
(its update is idempotent, the audit line written once).
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from datetime import datetime, timedelta

from application.conversations.acting import YoungPerson
from application.conversations.commands import ConversationOver
from application.conversations.young_person import NO_MESSAGES, commands, young_person_leaves
from application.errors import DomainError
from application.helpline import Helpline
from domain import contract
from domain.conversation import LeaveReason
from relais.clock import utc_now
from relais.db.repositories.conversation_pages import ConversationPages

log = logging.getLogger(__name__)

AWAY_CLOSED = "closed"  # the page's pagehide beacon
KEEP_FINISHED = timedelta(days=1)  # rows of finished conversations are deleted after this


async def page_in_touch(helpline: Helpline, who: YoungPerson, now: datetime) -> None:
    """Their page loaded, streams or polls: it is here (written again once a tenth of
    the silence that counts them gone has passed: not on every stream and poll)."""
    fresh = timedelta(seconds=helpline.settings.chat.silent_after_seconds / 10)
    await ConversationPages(helpline.database).seen(who.conversation_id, now, fresh)


async def page_closed(helpline: Helpline, who: YoungPerson, now: datetime) -> None:
    """Their page's beacon: closed, or reloading (then back in touch at once)."""
    await ConversationPages(helpline.database).away(who.conversation_id, AWAY_CLOSED, now)


async def count_the_gone(helpline: Helpline, now: datetime) -> list[str]:
    """Waiting conversations whose page is gone: each leaves the queue (abandoned).
    Returns their ids."""
    chat = helpline.settings.chat
    pages = ConversationPages(helpline.database)
    gone = await pages.gone(
        closed_before=now - timedelta(seconds=chat.away_grace_seconds),
        silent_before=now - timedelta(seconds=chat.silent_after_seconds),
    )
    calls = commands(helpline)
    left = []
    for page in gone:
        who = YoungPerson(page.conversation_id)
        try:
            # The directory row follows the workflow by a moment: ask the workflow itself
            # whether the conversation is still waiting (a counsellor may have just
            # taken it: then the counsellor decides).
            view = await calls.query(who.conversation_id, contract.YOUNG_PERSON_VIEW, NO_MESSAGES)
            if not view.status.queued:
                continue
            await young_person_leaves(helpline, who, LeaveReason.CHANNEL_CLOSED, now)
        except ConversationOver:
            await pages.forget([page.conversation_id])
            continue
        except DomainError as error:  # Temporal late: the next round tries again
            log.warning("absence check: %s", type(error).__name__)
            continue
        left.append(page.conversation_id)
    await pages.forget_finished(now - KEEP_FINISHED)
    return left


@asynccontextmanager
async def watching_for_absence(
    helpline: Helpline, clock: Callable[[], datetime] = utc_now
) -> AsyncIterator[None]:
    """While the block runs, this process counts the gone every few seconds."""

    async def watch() -> None:
        while True:
            try:
                await count_the_gone(helpline, clock())
            except Exception as error:  # never let one bad round stop the watch
                log.warning("absence check failed: %s", type(error).__name__)
            await asyncio.sleep(helpline.settings.chat.absence_check_seconds)

    task = asyncio.create_task(watch(), name="relais-chat-absence")
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
