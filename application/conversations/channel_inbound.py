"""A messaging channel's webhook, once its door verified it (size, signature, the
helpline's own number or page): each young person's message goes to their open
conversation, or starts one that waits in the helpline's queue like the web chat's.

- Who writes is known only as a keyed hash of their identifier
  (:mod:`relais.crypto.identifiers`): the app database never holds a WhatsApp number
  or a Messenger user id in clear, and neither do the audit lines.
- A message is keyed by the platform's own message id: the same delivery again (Meta
  retries a webhook it thinks failed, a replay) is the same message, stored once and
  told to the workflow once.
- Media are not fetched here: the transcript keeps their kind, size and a placeholder,
  and how to fetch the file from the channel, sealed with the line, until a counsellor
  adds it to the case's evidence (:mod:`application.conversations.channel_media`).
  What the helpline cannot read (a sticker, a
  location, contacts, a call) is recorded as such, and the young person is told once
  what it can read (:mod:`application.conversations.channel_unsupported`).
- A button they tapped (the question about news of their case) is their answer, taken
  once per question asked in this conversation
  (:mod:`application.conversations.news_question`), or in an earlier conversation of
  theirs, even ended: such a tap starts no conversation
  (:mod:`application.conversations.late_tap`).
- Delivery and read statuses of what Relais sent are recorded on the conversation
  (:mod:`application.conversations.channel_statuses`).
"""

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime

from application.conversations.acting import YoungPerson
from application.conversations.channel_statuses import record_statuses
from application.conversations.channel_stop import asks_to_stop, stop_case_news
from application.conversations.channel_unsupported import answer_unsupported, unsupported
from application.conversations.commands import ConversationOver
from application.conversations.late_tap import TAKEN, confirm_late_answer, their_question
from application.conversations.news_question import answer_news_question
from application.conversations.requests import PreChatForm
from application.conversations.starting import (
    helpline_hours,
    new_conversation_id,
    start_conversation,
)
from application.conversations.young_person import record_message
from application.errors import Conflict, NotFound, RequestRejected, Unavailable
from application.helpline import Helpline
from domain.audit_actions import AuditAction
from domain.channel_messages import (
    ChoiceContent,
    InboundBatch,
    InboundChannelMessage,
    MediaContent,
    MediaReference,
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


@dataclass(frozen=True)
class InboundLine:
    """One message on its way into a conversation: its key (the channel's message id),
    its transcript line, the file it refers to, when it came."""

    key: str
    body: str
    media: MediaReference | None
    now: datetime


@dataclass
class ChannelIntake:
    """What one webhook brought (counts and ids only, safe to log)."""

    messages: int = 0
    already_recorded: int = 0
    conversations_started: list[str] = field(default_factory=list)
    statuses: int = 0
    statuses_recorded: int = 0
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
        line = f"[{media.kind.value}{mime}{size}]"  # the file stays with the channel
        if content.caption and content.caption.strip():
            line = f"{line} {content.caption}"
    elif isinstance(content, ChoiceContent):  # a button they tapped: its title
        line = f"[bouton] {content.title.strip() or '?'}"
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
            choice = message.content if isinstance(message.content, ChoiceContent) else None
            # A tap on their own question, maybe asked in a conversation ended since.
            theirs = await their_question(helpline, channel, digest, choice) if choice else None
            written = await _take(
                helpline, contacts, channel, digest, message, now, intake, theirs is None
            )
            answer, stop = unsupported(message), asks_to_stop(message)
            # Only these look their conversation up again: not every message's webhook.
            again = answer or stop or choice is not None
            cid = await contacts.conversation_of(channel.value, digest) if again else None
            if answer and cid:
                await answer_unsupported(helpline, cid, slug, now)
            if stop and cid:
                await stop_case_news(helpline, channel, digest, YoungPerson(cid, channel))
            if choice is not None and theirs is not None:
                key = f"{message.channel}:{message.message_id}"
                asked = theirs.asked_of(channel)
                taken = await answer_news_question(helpline, asked, choice, key, now)
                if taken in TAKEN and not written:  # no conversation going on: told here
                    await confirm_late_answer(channel_adapter(helpline, slug), theirs, message)
            elif choice is not None and cid:
                key = f"{message.channel}:{message.message_id}"
                await answer_news_question(helpline, YoungPerson(cid, channel), choice, key, now)
        except RequestRejected as rejected:
            # Acknowledged all the same: the platform would retry it forever.
            intake.refused += 1
            log.warning("%s message refused: %s", slug, [p.code for p in rejected.problems])
    intake.statuses_recorded = await record_statuses(
        helpline, channel, batch.statuses, hasher, contacts
    )
    if batch.ignored or intake.not_a_conversation_channel:
        log.info(
            "%s webhook: %d statuses recorded, ignored %s, %d messages on no conversation",
            slug,
            intake.statuses_recorded,
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
    may_start: bool = True,
) -> bool:
    """The message into their conversation going on, or (``may_start``) a new one;
    False when it went nowhere (a late tap, with no conversation going on)."""
    content = message.content
    line = InboundLine(
        key=f"{message.channel}:{message.message_id}",
        body=transcript_line(message),
        media=content.media if isinstance(content, MediaContent) else None,
        now=now,
    )
    current = await contacts.conversation_of(channel.value, digest)
    if current is not None:
        try:  # claimed by a concurrent delivery, its start may still be landing
            await _write_once_started(helpline, YoungPerson(current, channel), line, intake)
            return True
        except ConversationOver:  # their last conversation is over
            if not may_start:
                return False
            if await _still_missed(helpline, current, now):
                intake.missed += 1  # closed since: one missed conversation, not one a message
                return True
    if not may_start:
        return False
    # Claimed before it starts: two deliveries racing for one person agree on one.
    keys = key_store_of(helpline.client.data_converter)
    address = ChannelAddress(recipient=message.sender, business_id=message.business_id)
    sealed = await seal_address(keys, channel.value, address)
    chosen = await contacts.claim(
        channel.value, digest, new_conversation_id(), current, sealed, now
    )
    who = YoungPerson(chosen, channel)
    if helpline_hours(helpline, now).open_now:
        if await _start_with(helpline, who, line, intake):
            return True
    else:
        try:  # missed: started to be counted, its message refused as the web chat's is
            await start_conversation(helpline, CHANNEL_PRE_CHAT, now, channel, chosen)
            intake.conversations_started.append(chosen)
        except Conflict:
            pass  # a concurrent delivery for the same person started it first
    try:
        await _write_once_started(helpline, who, line, intake)
    except ConversationOver:
        # Written while the helpline is closed: the conversation is missed (never queued,
        # counted) as the web chat's is; acknowledged, or the platform retries forever.
        intake.missed += 1
    return True


# A concurrent delivery's start, refused to this one as existing, can still be landing:
# for a moment the server answers "not found" to the message. Tried again this long.
STARTING = (0.05, 0.1, 0.2, 0.4, 0.8)


async def _write_once_started(
    helpline: Helpline, who: YoungPerson, line: InboundLine, intake: ChannelIntake
) -> None:
    """The message into a conversation another delivery is starting. Still not found
    after :data:`STARTING`: 503, so the platform retries it (never a 404 for a message
    that is theirs: it would be dropped)."""
    for pause in (*STARTING, None):
        try:
            await _write(helpline, who, line, intake)
            return
        except NotFound:
            if pause is None:
                raise Unavailable(
                    f"conversation {who.conversation_id} is still starting; send it again"
                ) from None
            await asyncio.sleep(pause)


async def _start_with(
    helpline: Helpline, who: YoungPerson, line: InboundLine, intake: ChannelIntake
) -> bool:
    """A new conversation started with its first message already in it: the message is
    sealed in the store, then the start (one call the server answers without waiting on
    a worker) carries its reference, so the platform's webhook is answered quickly
    (Meta retries slow ones). False when a concurrent delivery for the same person
    started it first: the message then goes in as any later one does."""
    stored = await helpline.transcripts.store_message(
        who.conversation_id,
        line.key,
        line.body,
        AuthorKind.YOUNG_PERSON,
        line.now,
        media=line.media,
    )
    try:
        await start_conversation(
            helpline, CHANNEL_PRE_CHAT, line.now, who.channel, who.conversation_id, stored.ref
        )
    except Conflict:
        return False
    intake.conversations_started.append(who.conversation_id)
    intake.messages += 1
    await who.audit(helpline.audit_log).record(
        AuditAction.CONVERSATION_WRITE, None, "seq=1", key=line.key
    )
    return True


async def _still_missed(helpline: Helpline, conversation_id: str, now: datetime) -> bool:
    if helpline_hours(helpline, now).open_now:
        return False
    record = await helpline.conversation_directory.get(conversation_id)
    return record is not None and record.status is ConversationStatus.MISSED


async def _write(
    helpline: Helpline, who: YoungPerson, line: InboundLine, intake: ChannelIntake
) -> None:
    accepted = await record_message(helpline, who, line.body, line.key, line.now, line.media)
    intake.messages += 1
    if accepted.already_recorded:
        intake.already_recorded += 1
        return
    await who.audit(helpline.audit_log).record(
        AuditAction.CONVERSATION_WRITE, None, f"seq={accepted.seq}", key=line.key
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
