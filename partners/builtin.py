"""Built-in registrations: the platforms and partners the 3018 works with today, and
its messaging channels (:mod:`partners.channels_builtin`).

Each speaks the reference REST contract at ``settings.simulator_url`` in the local
run; a deployment points them at the real channels through configuration.
"""

from datetime import timedelta
from typing import Any

from domain.catalog import (
    CHILD_PROTECTION_119,
    FRANCE_VICTIMES,
    PHAROS,
    POLICE,
    AdapterInfo,
    DeliveryMode,
    PartnerKind,
    RetryProfile,
)
from partners.channels_builtin import channel_specs
from partners.rest_channel import RestChannelConfig, RestHandoffChannel, RestNoticeChannel
from partners.spec import AdapterSpec
from relais.settings import Settings

PLATFORMS: dict[str, tuple[str, DeliveryMode]] = {
    "facebook": ("Facebook", DeliveryMode.WEBHOOK),
    "instagram": ("Instagram", DeliveryMode.WEBHOOK),
    "snapchat": ("Snapchat", DeliveryMode.WEBHOOK),
    "x": ("X (Twitter)", DeliveryMode.POLL),
    "tiktok": ("TikTok", DeliveryMode.WEBHOOK),
    "twitch": ("Twitch", DeliveryMode.WEBHOOK),
    "youtube": ("YouTube", DeliveryMode.WEBHOOK),
    "roblox": ("Roblox", DeliveryMode.POLL),
    "discord": ("Discord", DeliveryMode.WEBHOOK),
    "yubo": ("Yubo", DeliveryMode.POLL),
    "mym": ("Mym", DeliveryMode.POLL),
}

# The files each platform's channel takes beside a notice (the sanitised screenshots of
# the item), as the simulator plays them: TikTok a web form's upload (multipart), Facebook
# and Instagram a JSON body with base64 files; the others take none (hashes only). A
# deployment declares what its real channel takes in the adapter configuration file.
MB = 1024 * 1024
_META_FORM = {
    "encoding": "json_base64",
    "max_files": 3,
    "max_bytes": 4 * MB,
    "media_types": ["image/png", "image/jpeg"],
}
PLATFORM_ATTACHMENTS: dict[str, dict[str, Any]] = {
    "tiktok": {
        "encoding": "multipart",
        "max_files": 5,
        "max_bytes": 10 * MB,
        "media_types": ["image/png", "image/jpeg", "image/webp", "application/pdf"],
    },
    "facebook": _META_FORM,
    "instagram": _META_FORM,
}

# Platforms may be down for maintenance over a weekend: keep trying for days.
PLATFORM_RETRY = RetryProfile(
    initial_interval=timedelta(seconds=10),
    maximum_interval=timedelta(hours=1),
    give_up_after=timedelta(days=3),
)
# Emergency partners: retry fast and keep going while a counsellor phones them.
EMERGENCY_RETRY = RetryProfile(
    initial_interval=timedelta(seconds=2),
    maximum_interval=timedelta(minutes=5),
    give_up_after=timedelta(days=2),
)
PARTNER_RETRY = RetryProfile(
    initial_interval=timedelta(seconds=30),
    maximum_interval=timedelta(hours=2),
    give_up_after=timedelta(days=5),
)

PARTNERS: dict[str, tuple[str, PartnerKind, DeliveryMode, RetryProfile]] = {
    PHAROS: ("Pharos", PartnerKind.AUTHORITY, DeliveryMode.POLL, PARTNER_RETRY),
    POLICE: ("Police / gendarmerie", PartnerKind.POLICE, DeliveryMode.WEBHOOK, EMERGENCY_RETRY),
    CHILD_PROTECTION_119: (
        "119 Enfance en danger",
        PartnerKind.CHILD_PROTECTION,
        DeliveryMode.WEBHOOK,
        EMERGENCY_RETRY,
    ),
    FRANCE_VICTIMES: (
        "France Victimes 116 006",
        PartnerKind.VICTIM_SUPPORT,
        DeliveryMode.WEBHOOK,
        PARTNER_RETRY,
    ),
}


def builtin_specs(settings: Settings) -> list[AdapterSpec[Any]]:
    """The seeds' platforms and partners, then the messaging channels. In the local run
    they reach the simulator, which is also their sandbox; a deployment overrides
    ``base_url``, ``api_token`` and ``sandbox_url`` per slug in the adapter
    configuration file."""
    config = {"base_url": settings.simulator_url, "sandbox_url": settings.simulator_url}
    specs: list[AdapterSpec[Any]] = []
    for slug, (name, delivery) in PLATFORMS.items():
        info = AdapterInfo(
            slug=slug,
            display_name=name,
            kind=PartnerKind.PLATFORM,
            delivery=delivery,
            retry=PLATFORM_RETRY,
        )
        attachments = PLATFORM_ATTACHMENTS.get(slug)
        platform = {**config, "attachments": attachments} if attachments else config
        specs.append(
            AdapterSpec(info, RestChannelConfig, notice_channel=RestNoticeChannel, config=platform)
        )
    for slug, (name, kind, delivery, retry) in PARTNERS.items():
        info = AdapterInfo(slug=slug, display_name=name, kind=kind, delivery=delivery, retry=retry)
        specs.append(
            AdapterSpec(info, RestChannelConfig, handoff_channel=RestHandoffChannel, config=config)
        )
    return specs + channel_specs(settings)
