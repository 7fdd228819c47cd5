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
- Meta has no idempotency key: after an answer lost (a timeout, a 500), the retry
  waits :data:`LOOK_BEFORE_RESEND` and first asks the conversation whether a status
  webhook carrying this message's key came in the meantime (WhatsApp sends ``sent``
  within seconds; Messenger only with ``message_echoes`` subscribed): if so, Meta took
  it and it is not sent again.
- The question about news of the case (``domain.news_question``) goes with its two
  buttons (WhatsApp reply buttons, Messenger quick replies), their ids naming it.
- A counsellor's answer goes ``by_counsellor`` (Messenger's ``HUMAN_AGENT`` tag, 7
  days); the helpline's automatic answer (what it cannot read) does not.
- Nothing personal in an error: the adapters' messages name codes, never the text or the
  number.
"""

from datetime import timedelta

from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from activities.conversation_delivery import ChannelSender
from domain import contract
from domain.channel_messages import (
    ChannelDeliveryState,
    ChoiceMessage,
    OutboundChannelMessage,
    TemplateMessage,
    TextMessage,
)
from domain.channel_templates import WHAT_WE_READ, template_for
from domain.conversation import ViewRequest
from domain.conversation_desk import CounsellorView
from domain.conversation_records import (
    PERMANENT_CHANNEL_ERROR,
    DeliveryReceipt,
    DeliveryRequest,
)
from domain.intake import Channel
from domain.news_question import question_of, with_buttons
from partners.channel_errors import OutcomeUnknownError, OutsideWindowError
from partners.errors import PermanentAdapterError, TransientAdapterError, UnknownAdapterError
from partners.registry import AdapterRegistry
from relais.crypto.identifiers import open_address
from relais.crypto.key_store import KeyStore
from relais.db.engine import Database
from relais.db.repositories.channel_contacts import ChannelContacts

OUTSIDE_WINDOW = "outside_window"  # the detail of a refusal for the window's sake
TRANSIENT_CHANNEL_ERROR = "TransientChannelError"
LOOK_BEFORE_RESEND = timedelta(seconds=10)  # time for Meta's "sent" status to come
_TAKEN = (ChannelDeliveryState.SENT, ChannelDeliveryState.DELIVERED, ChannelDeliveryState.READ)


def delivery_key(conversation_id: str, message_id: str) -> str:
    """The key a message goes under on the channel (its idempotency key)."""
    return f"{conversation_id}:{message_id}"


def permanent(message: str, *details: str) -> ApplicationError:
    return ApplicationError(message, *details, type=PERMANENT_CHANNEL_ERROR, non_retryable=True)


class AdapterSender:
    """Sends on the channel adapter registered under ``slug``."""

    def __init__(
        self,
        slug: str,
        registry: AdapterRegistry,
        database: Database,
        keys: KeyStore,
        client: Client | None = None,
    ) -> None:
        self._client = client
        self._slug = slug
        self._registry = registry
        self._contacts = ChannelContacts(database)
        self._keys = keys

    async def send(self, request: DeliveryRequest, body: str) -> DeliveryReceipt:
        if activity.in_activity() and activity.info().attempt > 1 and await self._taken(request):
            return DeliveryReceipt()  # an earlier attempt reached Meta: not sent twice
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
        question = question_of(body)
        content: TextMessage | TemplateMessage | ChoiceMessage
        if question is not None:  # its buttons' ids name it: its line's message id
            content = with_buttons(question, request.message_id)
        elif template is not None:
            content = TemplateMessage(name=template.name, language=template.language)
        else:
            content = TextMessage(text=body[: adapter.features.max_text_length])
        message = OutboundChannelMessage(
            idempotency_key=delivery_key(request.conversation_id, request.message_id),
            recipient=address.recipient,
            business_id=address.business_id,
            content=content,
            # Messenger: HUMAN_AGENT for a person's own words; the helpline's automatic
            # answer and the question with buttons go inside the 24-hour window
            by_counsellor=body != WHAT_WE_READ and question is None,
        )
        try:
            receipt = await adapter.send(message)
        except OutsideWindowError as exc:
            raise permanent(str(exc), OUTSIDE_WINDOW) from None
        except PermanentAdapterError as exc:
            raise permanent(str(exc)) from None
        except OutcomeUnknownError as exc:
            wait = max(exc.retry_after or timedelta(0), LOOK_BEFORE_RESEND)
            raise ApplicationError(
                str(exc), type=TRANSIENT_CHANNEL_ERROR, next_retry_delay=wait
            ) from None
        except TransientAdapterError as exc:
            raise ApplicationError(
                str(exc), type=TRANSIENT_CHANNEL_ERROR, next_retry_delay=exc.retry_after
            ) from None
        return DeliveryReceipt(channel_reference=receipt.channel_message_id)

    async def _taken(self, request: DeliveryRequest) -> bool:
        """Has the channel said it took this message (a status carrying its key)?"""
        if self._client is None:
            return False
        handle = self._client.get_workflow_handle(
            contract.CONVERSATION.workflow_id(request.conversation_id)
        )
        view = await handle.query(
            contract.COUNSELLOR_VIEW.name,
            ViewRequest(since_seq=request.seq - 1),
            result_type=CounsellorView,
        )
        line = next((m for m in view.messages if m.message_id == request.message_id), None)
        return line is not None and line.channel_status in _TAKEN


def channel_senders(
    registry: AdapterRegistry, database: Database, keys: KeyStore, client: Client | None = None
) -> dict[Channel, ChannelSender]:
    """A sender for each channel that pushes and has an adapter configured."""
    slugs = set(registry.channel_slugs())
    return {
        channel: AdapterSender(channel.value, registry, database, keys, client)
        for channel in (Channel.WHATSAPP, Channel.MESSENGER)
        if channel.value in slugs
    }
