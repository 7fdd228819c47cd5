"""What the helpline cannot read on a messaging channel (a sticker, a location, a
contact card, a call): recorded as such in the transcript by the door, and the young
person gets, once in the conversation, a polite answer saying what the helpline can
read. The answer is sealed in the transcript store under one key per conversation (the
same key and text again is the same message), then told to the workflow, whose courier
sends it as it sends a counsellor's answer (retried, once under its message id).
"""

import logging
from datetime import datetime

from application.conversations.commands import ConversationCommands, ConversationOver
from application.errors import NotFound, RequestRejected
from application.helpline import Helpline
from domain import contract
from domain.channel_messages import InboundChannelMessage, UnsupportedContent
from domain.channel_templates import WHAT_WE_READ
from domain.conversation import AuthorKind, HelplineAnswers
from relais.crypto.transcripts import ConversationClosed

log = logging.getLogger(__name__)


def unsupported(message: InboundChannelMessage) -> bool:
    return isinstance(message.content, UnsupportedContent)


async def answer_unsupported(
    helpline: Helpline, conversation_id: str, channel: str, now: datetime
) -> bool:
    """Tell the young person what the helpline can read (once per conversation). False
    when the conversation is over (missed, closed): nothing is sent then."""
    key = f"{channel}:what-we-read"
    try:
        stored = await helpline.transcripts.store_message(
            conversation_id, key, WHAT_WE_READ, AuthorKind.COUNSELLOR, now
        )
        await ConversationCommands(helpline.client, helpline.settings.task_queue).update(
            conversation_id,
            contract.HELPLINE_ANSWERS,
            HelplineAnswers(message=stored.ref),
            update_id=f"{contract.HELPLINE_ANSWERS.name}:{stored.ref.key_digest}",
        )
    except (ConversationClosed, ConversationOver, NotFound, RequestRejected):
        log.info("%s: unsupported message in a conversation over: no answer", channel)
        return False
    return True
