"""A messaging channel's webhook, once its door verified it (size, signature, the
helpline's own number or page): each young person's message goes to their open
conversation, or starts one that waits in the helpline's queue like the web chat's.

- Who writes is known only as a keyed hash of their identifier
  (:mod:`relais.crypto.identifiers`): the app database never holds a WhatsApp number
  or a Messenger user id in clear, and neither do the audit lines.
- A message is keyed by the platform's own message id: the same delivery again (Meta
  retries a webhook it thinks failed, a replay) is the same message, stored once and
  told to the workflow once.
- Media are not fetched here (the evidence issue stores files): the transcript keeps
  their kind, size and a placeholder. What the helpline cannot read (a sticker, a
  location, contacts, a call) is recorded as such.
- Delivery and read statuses of what Relais sent are counted, not yet recorded: the
  conversation workflow has no update for them (outbound sending is not built yet).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from application.conversations.acting import YoungPerson
from application.conversations.commands import ConversationOver
from application.conversations.requests import PreChatForm
from application.conversations.starting import (
    helpline_hours,
    new_conversation_id,
    start_conversation,
)
from application.conversations.young_person import record_message
from application.errors import Conflict, RequestRejected
from application.helpline import Helpline
from domain.audit_actions import AuditAction
from domain.channel_messages import (
    InboundBatch,
    InboundChannelMessage,
    MediaContent,
    TextContent,
)
from domain.conversation import MAX_MESSAGE_CHARS, AuthorKind, ConversationStatus, Writer
from domain.intake import AgeBand, Channel
from partners.base import ConversationChannel
from partners.errors import UnknownAdapterError
from partners.registry import AdapterRegistry
from relais.converter import key_store_of
from relais.crypto.identifiers import ChannelAddress, IdentifierHasher, seal_address
from relais.db.repositories.channel_contacts import ChannelContacts

log = logging.getLogger(__name__)

# A channel's first message has no pre-chat form: who writes and their age are asked
# in the conversation, by the counsellor.
CHANNEL_PRE_CHAT = PreChatForm(
    writer=Writer.YOUNG_PERSON, age_band=AgeBand.UNKNOWN, privacy_notice_accepted=True
)
_CUT = "…"


@dataclass
class ChannelIntake:
    """What one webhook brought (counts and ids only, safe to log)."""

    messages: int = 0
    already_recorded: int = 0
    conversations_started: list[str] = field(default_factory=list)
    statuses: int = 0
    not_a_conversation_channel: int = 0
    refused: int = 0  # the workflow refused it (the id came before with other content)
    missed: int = 0  # written while the helpline is closed: counted as missed, not queued


def conversation_channel(slug: str) -> Channel | None:
    """The conversation's channel for a channel adapter's slug (built-in ones)."""
    try:
        channel = Channel(slug)
    except ValueError:
        return None
    return channel if channel in (Channel.WHATSAPP, Channel.MESSENGER) else None


def transcript_line(message: InboundChannelMessage) -> str:
    """What the transcript keeps of a message: its text, or a placeholder for media
    (kind and size, the caption) and for what the helpline cannot read."""
    content = message.content
    if isinstance(content, TextContent):
        line = content.text if content.text.strip() else "[message vide]"
    elif isinstance(content, MediaContent):
        media = content.media
        mime = f" {media.mime_type}" if media.mime_type else ""
        size = f", {media.size} octets" if media.size is not None else ""  # WhatsApp: unsaid
        line = f"[{media.kind.value}{mime}{size}, non conservé]"
        if content.caption and content.caption.strip():
            line = f"{line} {content.caption}"
    else:
        line = f"[non pris en charge : {content.what.value}]"
    if len(line) > MAX_MESSAGE_CHARS:
        line = line[: MAX_MESSAGE_CHARS - len(_CUT)] + _CUT
    return line


async def receive_channel_batch(
    helpline: Helpline, slug: str, batch: InboundBatch, now: datetime
) -> ChannelIntake:
    """Every young person's message of a verified webhook, in order, into their
    conversation. Idempotent: the same batch again changes nothing."""
    intake = ChannelIntake(statuses=len(batch.statuses))
    channel = conversation_channel(slug)
    if channel is None:
        intake.not_a_conversation_channel = len(batch.messages)
        return intake
    hasher = IdentifierHasher(key_store_of(helpline.client.data_converter))
    contacts = ChannelContacts(helpline.database)
    for message in batch.messages:
        digest = await hasher.digest(slug, message.sender)
        try:
            await _take(helpline, contacts, channel, digest, message, now, intake)
        except RequestRejected as rejected:
            # Acknowledged all the same: the platform would retry it forever.
            intake.refused += 1
            log.warning("%s message refused: %s", slug, [p.code for p in rejected.problems])
    if batch.statuses or batch.ignored or intake.not_a_conversation_channel:
        log.info(
            "%s webhook: %d statuses not recorded, ignored %s, %d messages on no conversation",
            slug,
            len(batch.statuses),
            batch.ignored,
            intake.not_a_conversation_channel,
        )
    return intake


async def _take(
    helpline: Helpline,
    contacts: ChannelContacts,
    channel: Channel,
    digest: str,
    message: InboundChannelMessage,
    now: datetime,
    intake: ChannelIntake,
) -> None:
    key = f"{message.channel}:{message.message_id}"
    body = transcript_line(message)
    current = await contacts.conversation_of(channel.value, digest)
    if current is not None:
        try:
            await _write(helpline, YoungPerson(current, channel), body, key, now, intake)
            return
        except ConversationOver:  # their last conversation is over
            if await _still_missed(helpline, current, now):
                intake.missed += 1  # closed since: one missed conversation, not one a message
                return
    # Claimed before it starts: two deliveries racing for one person agree on one.
    keys = key_store_of(helpline.client.data_converter)
    address = ChannelAddress(recipient=message.sender, business_id=message.business_id)
    sealed = await seal_address(keys, channel.value, address)
    chosen = await contacts.claim(
        channel.value, digest, new_conversation_id(), current, sealed, now
    )
    who = YoungPerson(chosen, channel)
    if helpline_hours(helpline, now).open_now:
        if await _start_with(helpline, who, body, key, now, intake):
            return
    else:
        try:  # missed: started to be counted, its message refused as the web chat's is
            await start_conversation(helpline, CHANNEL_PRE_CHAT, now, channel, chosen)
            intake.conversations_started.append(chosen)
        except Conflict:
            pass  # a concurrent delivery for the same person started it first
    try:
        await _write(helpline, who, body, key, now, intake)
    except ConversationOver:
        # Written while the helpline is closed: the conversation is missed (never queued,
        # counted) as the web chat's is; acknowledged, or the platform retries forever.
        intake.missed += 1


async def _start_with(
    helpline: Helpline, who: YoungPerson, body: str, key: str, now: datetime, intake: ChannelIntake
) -> bool:
    """A new conversation started with its first message already in it: the message is
    sealed in the store, then the start (one call the server answers without waiting on
    a worker) carries its reference, so the platform's webhook is answered quickly
    (Meta retries slow ones). False when a concurrent delivery for the same person
    started it first: the message then goes in as any later one does."""
    stored = await helpline.transcripts.store_message(
        who.conversation_id, key, body, AuthorKind.YOUNG_PERSON, now
    )
    try:
        await start_conversation(
            helpline, CHANNEL_PRE_CHAT, now, who.channel, who.conversation_id, stored.ref
        )
    except Conflict:
        return False
    intake.conversations_started.append(who.conversation_id)
    intake.messages += 1
    await who.audit(helpline.audit_log).record(
        AuditAction.CONVERSATION_WRITE, None, "seq=1", key=key
    )
    return True


async def _still_missed(helpline: Helpline, conversation_id: str, now: datetime) -> bool:
    if helpline_hours(helpline, now).open_now:
        return False
    record = await helpline.conversation_directory.get(conversation_id)
    return record is not None and record.status is ConversationStatus.MISSED


async def _write(
    helpline: Helpline, who: YoungPerson, body: str, key: str, now: datetime, intake: ChannelIntake
) -> None:
    accepted = await record_message(helpline, who, body, key, now)
    intake.messages += 1
    if accepted.already_recorded:
        intake.already_recorded += 1
        return
    await who.audit(helpline.audit_log).record(
        AuditAction.CONVERSATION_WRITE, None, f"seq={accepted.seq}", key=key
    )


def channel_adapter(helpline: Helpline, slug: str) -> ConversationChannel | None:
    """The messaging channel registered as ``slug`` (None: no such channel, or the
    helpline runs without its adapters loaded)."""
    registry = helpline.catalog_source
    if not isinstance(registry, AdapterRegistry):
        return None
    try:
        return registry.conversation_channel(slug)
    except UnknownAdapterError:
        return None
