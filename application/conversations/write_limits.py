"""How fast a young person may write: ``RELAIS_CHAT__MESSAGE_BURST`` messages at once,
then one every ``RELAIS_CHAT__MESSAGE_INTERVAL_SECONDS``; beyond that a message is
refused with when to send it again (429, ``Retry-After``), and nothing is lost: the
conversation goes on, what was recorded stays, the page keeps the text and sends it
again then.

The count is kept per conversation in the app database
(:class:`~relais.db.repositories.conversation_pages.WriteLimits`), not in each
process: with several API replicas behind a load balancer a young person's messages
reach any of them, and a count per replica would let N replicas take N times the
limit. One small row per conversation, moved by compare-and-set on the same
transaction round trip as the message's own writes; it is deleted with the
conversation's page rows once the conversation is over.
"""

from datetime import datetime, timedelta

from application.conversations.acting import YoungPerson
from application.errors import RateLimited
from application.helpline import Helpline
from relais.db.repositories.conversation_pages import WriteLimits


async def take_a_message(helpline: Helpline, who: YoungPerson, now: datetime) -> None:
    """Count one more message of theirs, or :class:`RateLimited` (nothing counted)."""
    chat = helpline.settings.chat
    wait = await WriteLimits(helpline.database).take(
        who.conversation_id,
        now,
        interval=timedelta(seconds=chat.message_interval_seconds),
        burst=chat.message_burst,
    )
    if wait is not None:
        raise RateLimited("too many messages at once: send this one again in a moment", wait)
