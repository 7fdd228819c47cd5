"""The messaging channels as the Courier's senders: a counsellor's message goes to the
young person through the channel adapter the registry holds (WhatsApp, Messenger),
at the address sealed when they first wrote, under one key per message.

- The key is ``{conversation id}:{message id}`` (:func:`delivery_key`): the adapter puts
  it where Meta echoes it (``biz_opaque_callback_data``, ``message.metadata``), so a
  status names the conversation and the message it is about.
- The channel's errors become the activity's: a permanent refusal (outside the window,
  an unknown person, a bad token) is non-retryable (the counsellor sees the message
  failed); a rate limit or a transient failure is retried by the Courier's policy,
  after the channel's ``Retry-After`` when it gave one.
- A message whose text is an approved template's (``domain.channel_templates``) goes as
  that template on a channel that has them: what a counsellor sends when the window is
  closed.
- Nothing personal in an error: the adapters' messages name codes, never the text or the
  number.
"""

from temporalio.exceptions import ApplicationError

from activities.conversation_delivery import ChannelSender
from domain.channel_messages import OutboundChannelMessage, TemplateMessage, TextMessage
from domain.channel_templates import template_for
from domain.conversation_records import (
    PERMANENT_CHANNEL_ERROR,
    DeliveryReceipt,
    DeliveryRequest,
)
from domain.intake import Channel
from partners.channel_errors import OutsideWindowError
from partners.errors import PermanentAdapterError, TransientAdapterError, UnknownAdapterError
from partners.registry import AdapterRegistry
from relais.crypto.identifiers import open_address
from relais.crypto.key_store import KeyStore
from relais.db.engine import Database
from relais.db.repositories.channel_contacts import ChannelContacts

OUTSIDE_WINDOW = "outside_window"  # the detail of a refusal for the window's sake
TRANSIENT_CHANNEL_ERROR = "TransientChannelError"


def delivery_key(conversation_id: str, message_id: str) -> str:
    """The key a message goes under on the channel (its idempotency key)."""
    return f"{conversation_id}:{message_id}"


def permanent(message: str, *details: str) -> ApplicationError:
    return ApplicationError(message, *details, type=PERMANENT_CHANNEL_ERROR, non_retryable=True)


class AdapterSender:
    """Sends on the channel adapter registered under ``slug``."""

    def __init__(
        self, slug: str, registry: AdapterRegistry, database: Database, keys: KeyStore
    ) -> None:
        self._slug = slug
        self._registry = registry
        self._contacts = ChannelContacts(database)
        self._keys = keys

    async def send(self, request: DeliveryRequest, body: str) -> DeliveryReceipt:
        found = await self._contacts.address_of(request.conversation_id)
        if found is None:
            raise permanent("the young person has started another conversation since")
        channel, sealed = found
        address = await open_address(self._keys, channel, sealed)
        try:
            adapter = self._registry.conversation_channel(self._slug)
        except UnknownAdapterError as exc:
            raise permanent(str(exc)) from None
        template = template_for(body) if adapter.features.templates else None
        content: TextMessage | TemplateMessage = (
            TemplateMessage(name=template.name, language=template.language)
            if template is not None
            else TextMessage(text=body[: adapter.features.max_text_length])
        )
        message = OutboundChannelMessage(
            idempotency_key=delivery_key(request.conversation_id, request.message_id),
            recipient=address.recipient,
            business_id=address.business_id,
            content=content,
        )
        try:
            receipt = await adapter.send(message)
        except OutsideWindowError as exc:
            raise permanent(str(exc), OUTSIDE_WINDOW) from None
        except PermanentAdapterError as exc:
            raise permanent(str(exc)) from None
        except TransientAdapterError as exc:
            raise ApplicationError(
                str(exc), type=TRANSIENT_CHANNEL_ERROR, next_retry_delay=exc.retry_after
            ) from None
        return DeliveryReceipt(channel_reference=receipt.channel_message_id)


def channel_senders(
    registry: AdapterRegistry, database: Database, keys: KeyStore
) -> dict[Channel, ChannelSender]:
    """A sender for each channel that pushes and has an adapter configured."""
    slugs = set(registry.channel_slugs())
    return {
        channel: AdapterSender(channel.value, registry, database, keys)
        for channel in (Channel.WHATSAPP, Channel.MESSENGER)
        if channel.value in slugs
    }
