"""Messaging channels are adapters like platforms and partners: found by slug in the
registry, built from the settings, overridden or declared in the adapter configuration
file, and added by a plugin through the ``relais.partners`` entry points."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.catalog import PartnerKind
from partners.config_file import parse_config
from partners.errors import UnknownAdapterError
from partners.loading import load_adapters
from partners.spec import Capability
from partners.whatsapp import WhatsAppChannel, WhatsAppConfig
from relais.settings import Settings
from tests.adapters.installing import installed_distribution


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_the_built_in_channels_are_found_by_slug_beside_platforms_and_partners() -> None:
    registry = load_adapters(settings(), None, plugins=False).registry()

    assert registry.channel_slugs() == ["messenger", "webchat", "whatsapp"]
    assert registry.conversation_channel("webchat").features.window is None
    whatsapp = registry.get("whatsapp")
    assert whatsapp is not None
    assert whatsapp.info.kind is PartnerKind.MESSAGING
    assert whatsapp.spec.capabilities == [Capability.CONVERSATION]
    assert isinstance(registry.conversation_channel("whatsapp"), WhatsAppChannel)
    assert registry.conversation_channel("whatsapp") is not registry.conversation_channel(
        "whatsapp"
    )  # a fresh channel per call, like any adapter
    assert "whatsapp" not in registry.catalog().platforms | registry.catalog().partners
    with pytest.raises(UnknownAdapterError):
        registry.conversation_channel("tiktok")  # a platform, not a messaging channel
    with pytest.raises(UnknownAdapterError):
        registry.notice_channel("whatsapp")


def test_the_settings_give_the_channels_their_secrets_and_the_graph_api() -> None:
    registry = load_adapters(
        settings(
            meta_graph_url="https://graph.facebook.com",
            meta_graph_version="v23.0",
            whatsapp_app_secret="s3cret-with-${NOT_A_VAR}",
            whatsapp_phone_number_ids=["1", "2"],
            channels_enabled=["whatsapp"],
        ),
        None,
        plugins=False,
    ).registry()

    config = registry.get("whatsapp").config  # type: ignore[union-attr]
    assert isinstance(config, WhatsAppConfig)
    assert config.graph_url == "https://graph.facebook.com" and config.graph_version == "v23.0"
    assert config.app_secret.get_secret_value() == "s3cret-with-${NOT_A_VAR}"
    assert config.phone_number_ids == ["1", "2"]
    assert registry.channel_slugs() == ["whatsapp"]
    assert "s3cret" not in repr(config)


def test_an_unknown_built_in_channel_is_a_settings_error() -> None:
    with pytest.raises(ValueError, match="channels_enabled"):
        settings(channels_enabled=["telegram"])


def test_the_local_graph_api_is_the_simulators() -> None:
    config = load_adapters(settings(simulator_url="http://127.0.0.1:28100"), None, plugins=False)
    whatsapp = next(a for a in config.adapters if a.info.slug == "whatsapp")
    assert whatsapp.config.graph_url == "http://127.0.0.1:28100"


def test_a_channel_is_overridden_and_declared_in_the_configuration_file() -> None:
    text = """
[overrides.whatsapp]
config = { phone_number_ids = ["110000000003018", "110000000003019"] }

[[adapter]]
slug = "whatsapp-parents"
display_name = "WhatsApp (parents)"
kind = "messaging"
channel = "whatsapp"
graph_url = "${GRAPH}"
app_secret = "${PARENTS_APP_SECRET}"
verify_token = "${PARENTS_VERIFY}"
access_token = "${PARENTS_TOKEN}"
phone_number_ids = ["130000000003018"]
"""
    environ = {
        "GRAPH": "http://g",
        "PARENTS_APP_SECRET": "a",
        "PARENTS_VERIFY": "v",
        "PARENTS_TOKEN": "t",
    }

    report = load_adapters(settings(), parse_config(text, "a.toml"), environ=environ, plugins=False)

    assert report.problems == []
    registry = report.registry()
    assert registry.get("whatsapp").config.phone_number_ids[1] == "110000000003019"  # type: ignore[union-attr]
    parents = registry.get("whatsapp-parents")
    assert parents is not None and parents.info.kind is PartnerKind.MESSAGING
    assert isinstance(registry.conversation_channel("whatsapp-parents"), WhatsAppChannel)


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        (
            'channel = "whatsapp"\nkind = "other"',
            "kind: must be 'messaging' for channel 'whatsapp'",
        ),
        (
            'channel = "email"\nkind = "messaging"',
            "channel: a messaging channel is 'whatsapp' or 'messenger'",
        ),
        ('channel = "messenger"\nkind = "messaging"', "page_ids: Field required"),
    ],
)
def test_a_broken_channel_declaration_names_the_field(table: str, problem: str) -> None:
    text = f'[[adapter]]\nslug = "x"\ndisplay_name = "X"\n{table}\n'

    report = load_adapters(settings(), parse_config(text, "a.toml"), environ={}, plugins=False)

    assert any(problem in str(p) for p in report.problems), [str(p) for p in report.problems]


PLUGIN = """
from collections.abc import Mapping
from contextlib import asynccontextmanager

from partners.plugin import (
    AdapterConfig, AdapterInfo, AdapterSpec, ChannelFeatures, ChannelReceipt,
    ConversationChannel, InboundBatch, PartnerKind, PermanentAdapterError,
    WebhookTokenMismatch, check_hmac_sha256,
)
from pydantic import SecretStr


class SmsConfig(AdapterConfig):
    secret: SecretStr


class SmsChannel(ConversationChannel):
    features = ChannelFeatures(templates=False, media_captions=False, max_text_length=160)

    def __init__(self, info, config):
        super().__init__(info)
        self.config = config

    def answer_handshake(self, query: Mapping[str, str]) -> str:
        raise WebhookTokenMismatch("no handshake")

    def verify_webhook(self, body, headers):
        check_hmac_sha256(self.config.secret, body, headers, "X-Sms-Signature")

    def parse_webhook(self, body):
        return InboundBatch()

    async def send(self, message):
        return ChannelReceipt(channel_message_id="sms-" + message.idempotency_key)

    @asynccontextmanager
    async def fetch_media(self, media, *, max_bytes):
        raise PermanentAdapterError("no media")
        yield


def adapters():
    info = AdapterInfo(slug="sms-ovh", display_name="SMS", kind=PartnerKind.MESSAGING)
    config = {"secret": "${SMS_SECRET}"}
    return AdapterSpec(info, SmsConfig, config=config, conversation_channel=SmsChannel)
"""


@pytest.fixture
def sms_plugin(tmp_path: Path) -> Iterator[None]:
    code = tmp_path / "code"
    code.mkdir()
    (code / "plugin_sms_channel.py").write_text(PLUGIN, encoding="utf-8")
    with installed_distribution(
        tmp_path / "site", "relais-sms", "0.1.0", {"sms": "plugin_sms_channel:adapters"}, (code,)
    ):
        yield
    sys.modules.pop("plugin_sms_channel", None)


def test_a_plugin_adds_a_channel_through_the_entry_points(sms_plugin: None) -> None:
    report = load_adapters(settings(), None, environ={"SMS_SECRET": "x"})

    assert report.problems == []
    registry = report.registry()
    assert "sms-ovh" in registry.channel_slugs()
    channel = registry.conversation_channel("sms-ovh")
    assert channel.features.max_text_length == 160
    assert "entry point 'sms'" in registry.get("sms-ovh").spec.source  # type: ignore[union-attr]
