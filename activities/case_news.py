"""News of a case told to the young person who asked for it (``domain.case_news``), on
the messaging channel they wrote on, through its adapter.

Where: the conversation they agreed in (when they did in a conversation after the
opening), else the case's latest conversation on WhatsApp or Messenger gives the person (the
keyed hash of their identifier, ``channel_conversations``); their current conversation
gives the address, sealed when they last wrote, opened here only. Not on a messaging
channel (a phone call, the web chat): not sent, said so (``no_channel``).

How: WhatsApp, as the approved template ``nouvelles_signalement`` (its one parameter the
news's sentence: it reaches them however long since they wrote); Messenger, as text,
inside its 24-hour window (past it: ``outside_window``, not sent). Under the key
``{case id}:{event}[:{what}]``. A permanent refusal is an answer (``refused``), not an
error: the case's timeline says it; a rate limit or a transient failure is retried by
the case's policy (days), after the channel's Retry-After. Nothing personal in an error
or a log line.
"""

from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain import contract
from domain.case_news import (
    NEWS_TEMPLATE,
    CaseNewsRequest,
    CaseNewsSent,
    NewsEvent,
    news_text,
    sentence,
)
from domain.channel_messages import OutboundChannelMessage, TemplateMessage, TextMessage
from domain.intake import Channel
from partners.channel_errors import OutcomeUnknownError, OutsideWindowError
from partners.errors import PermanentAdapterError, TransientAdapterError, UnknownAdapterError
from partners.registry import AdapterRegistry
from relais.crypto.identifiers import open_address
from relais.crypto.key_store import KeyStore
from relais.db.engine import Database
from relais.db.repositories.channel_contacts import ChannelContacts
from relais.db.repositories.conversations import ConversationDirectory
from relais.db.repositories.returning_contacts import ReturningContacts

MESSAGING = (Channel.WHATSAPP, Channel.MESSENGER)
TRANSIENT_CHANNEL_ERROR = "TransientChannelError"


class CaseNewsActivities:
    def __init__(self, registry: AdapterRegistry, database: Database, keys: KeyStore) -> None:
        self._registry = registry
        self._directory = ConversationDirectory(database)
        self._senders = ReturningContacts(database)
        self._contacts = ChannelContacts(database)
        self._keys = keys

    @activity.defn(name=contract.SEND_CASE_NEWS.name)
    async def send_case_news(self, request: CaseNewsRequest) -> CaseNewsSent:
        conversations = await self._directory.of_case(request.case_id)
        if request.conversation_id is not None:  # where they agreed, if still the case's
            conversations = [
                c for c in conversations if c.conversation_id == request.conversation_id
            ]
        latest = next((c for c in reversed(conversations) if c.channel in MESSAGING), None)
        if latest is None:
            return CaseNewsSent(sent=False, why_not="no_channel")
        channel = latest.channel.value
        sender = await self._senders.sender_of(latest.conversation_id)
        current = (
            await self._contacts.conversation_of(sender.channel, sender.digest)
            if sender is not None
            else None
        )
        found = await self._contacts.address_of(current) if current else None
        if found is None:
            return CaseNewsSent(sent=False, channel=channel, why_not="no_channel")
        address = await open_address(self._keys, found[0], found[1])
        try:
            adapter = self._registry.conversation_channel(channel)
        except UnknownAdapterError:
            return CaseNewsSent(sent=False, channel=channel, why_not="no_channel")
        language = latest.language if latest.language in ("fr", "en") else "fr"
        template = adapter.features.templates and request.event is not NewsEvent.STOPPED
        content: TemplateMessage | TextMessage = (
            TemplateMessage(
                name=NEWS_TEMPLATE,
                language=language,
                parameters=[sentence(request.event, language)],
            )
            if template
            else TextMessage(text=news_text(request.event, language))
        )
        message = OutboundChannelMessage(
            idempotency_key=request.key,
            recipient=address.recipient,
            business_id=address.business_id,
            content=content,
        )
        try:
            await adapter.send(message)
        except OutsideWindowError:
            return CaseNewsSent(sent=False, channel=channel, why_not="outside_window")
        except PermanentAdapterError:
            return CaseNewsSent(sent=False, channel=channel, why_not="refused")
        except (OutcomeUnknownError, TransientAdapterError) as exc:
            raise ApplicationError(
                str(exc), type=TRANSIENT_CHANNEL_ERROR, next_retry_delay=exc.retry_after
            ) from None
        return CaseNewsSent(sent=True, channel=channel)
