"""What WhatsApp and Messenger say of the messages Relais sent (sent, delivered, read,
failed), recorded on the conversation's transcript (the workflow's ``channel_status``
signal): the counsellor sees whether their answer reached the young person.

A status names its message by Relais' key (``{conversation id}:{message id}``,
WhatsApp echoes it in every status), or names only the young person and the channel's
own ids or a watermark (Messenger's deliveries and reads): their current conversation
then. A status for a message that is not a conversation's (a case's news) or a
conversation over is acknowledged and dropped. No personal data in the note: no number,
no text.
"""

import logging
import re

from application.conversations.commands import ConversationCommands, ConversationOver
from application.errors import NotFound
from application.helpline import Helpline
from domain import contract
from domain.channel_messages import ChannelStatusUpdate
from domain.conversation import CONVERSATION_ID_PATTERN, ChannelStatusNote
from domain.intake import Channel
from relais.crypto.identifiers import IdentifierHasher
from relais.db.repositories.channel_contacts import ChannelContacts

log = logging.getLogger(__name__)
_ID = re.compile(CONVERSATION_ID_PATTERN.strip("^$"))


def message_of(reference: str | None) -> tuple[str, str] | None:
    """The conversation and message a delivery key names (None: not a conversation's)."""
    if reference is None or ":" not in reference:
        return None
    conversation_id, message_id = reference.split(":", 1)
    if not (_ID.fullmatch(conversation_id) and _ID.fullmatch(message_id)):
        return None
    return conversation_id, message_id


def note_of(status: ChannelStatusUpdate, message_id: str | None) -> ChannelStatusNote:
    return ChannelStatusNote(
        state=status.state,
        at=status.at,
        message_id=message_id,
        channel_message_ids=status.message_ids,
        up_to=status.up_to,
        failure=status.failure.kind.value if status.failure else None,
    )


async def record_statuses(
    helpline: Helpline,
    channel: Channel,
    statuses: list[ChannelStatusUpdate],
    hasher: IdentifierHasher,
    contacts: ChannelContacts,
) -> int:
    """Tell each status to its conversation; how many were told to one."""
    commands = ConversationCommands(helpline.client, helpline.settings.task_queue)
    told = 0
    for status in statuses:
        named = message_of(status.reference)
        if named is not None:
            conversation_id, message_id = named
            note = note_of(status, message_id)
        elif status.reference is None:  # Messenger: the young person's conversation now
            digest = await hasher.digest(channel.value, status.recipient)
            found = await contacts.conversation_of(channel.value, digest)
            if found is None:
                continue
            conversation_id, note = found, note_of(status, None)
        else:
            continue  # another key: not a conversation's message
        try:
            await commands.signal(conversation_id, contract.CHANNEL_STATUS, note)
            told += 1
        except (NotFound, ConversationOver):
            log.info("%s status for a conversation gone or over: dropped", channel.value)
    return told
