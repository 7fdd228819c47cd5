"""Built-in messaging channels: WhatsApp, Messenger and the web chat, configured from
the settings (``RELAIS_WHATSAPP_*``, ``RELAIS_MESSENGER_*``, ``RELAIS_META_GRAPH_*``,
``RELAIS_CHANNELS_*``). In the local run they reach the simulator, whose Meta has the
same secrets; a deployment sets its own in the environment, or overrides a channel's
``config`` in the adapter configuration file like any adapter's.
"""

from datetime import timedelta
from typing import Any

from domain.catalog import AdapterInfo, PartnerKind, RetryProfile
from partners.messenger import MessengerChannel, MessengerConfig
from partners.spec import AdapterSpec
from partners.webchat import WebChatChannel, WebChatConfig
from partners.whatsapp import WhatsAppChannel, WhatsAppConfig
from relais.settings import BuiltInChannel, Settings

WHATSAPP = BuiltInChannel.WHATSAPP.value
MESSENGER = BuiltInChannel.MESSENGER.value
WEBCHAT = BuiltInChannel.WEBCHAT.value

# A young person waits for the answer: retry fast, and hand over to a person after two
# hours (their window may close meanwhile; the counsellor then offers a template).
CHANNEL_RETRY = RetryProfile(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=2),
    give_up_after=timedelta(hours=2),
    attempt_timeout=timedelta(seconds=20),
)


def _literal(secret: Any) -> str:
    """A value from the settings, kept as is by the ``${VAR}`` resolution."""
    return str(secret.get_secret_value()).replace("${", "$${")


def _meta(settings: Settings) -> dict[str, Any]:
    return {
        "graph_url": settings.graph_url(),
        "graph_version": settings.meta_graph_version,
        "max_webhook_bytes": settings.channels_max_webhook_bytes,
    }


def channel_specs(settings: Settings) -> list[AdapterSpec[Any]]:
    specs: list[AdapterSpec[Any]] = []
    enabled = set(settings.channels_enabled)
    if WHATSAPP in enabled:
        config = _meta(settings) | {
            "app_secret": _literal(settings.whatsapp_app_secret),
            "verify_token": _literal(settings.whatsapp_verify_token),
            "access_token": _literal(settings.whatsapp_access_token),
            "phone_number_ids": list(settings.whatsapp_phone_number_ids),
        }
        info = _info(WHATSAPP, "WhatsApp")
        specs.append(
            AdapterSpec(info, WhatsAppConfig, config=config, conversation_channel=WhatsAppChannel)
        )
    if MESSENGER in enabled:
        config = _meta(settings) | {
            "app_secret": _literal(settings.messenger_app_secret),
            "verify_token": _literal(settings.messenger_verify_token),
            "page_access_token": _literal(settings.messenger_page_access_token),
            "page_ids": list(settings.messenger_page_ids),
            "human_agent_tag": settings.messenger_human_agent_tag,
        }
        info = _info(MESSENGER, "Messenger")
        specs.append(
            AdapterSpec(info, MessengerConfig, config=config, conversation_channel=MessengerChannel)
        )
    if WEBCHAT in enabled:
        config = {"max_webhook_bytes": min(settings.channels_max_webhook_bytes, 64 * 1024)}
        info = _info(WEBCHAT, "Chat 3018")
        specs.append(
            AdapterSpec(info, WebChatConfig, config=config, conversation_channel=WebChatChannel)
        )
    return specs


def _info(slug: str, name: str) -> AdapterInfo:
    return AdapterInfo(
        slug=slug, display_name=name, kind=PartnerKind.MESSAGING, retry=CHANNEL_RETRY
    )
