"""Activities that talk to platforms' trusted-flagger channels, whichever adapter
the platform's slug names; each call's outcome feeds the adapter's health."""

from temporalio import activity

from activities.adapters.health import HealthRecorder, observed
from activities.adapters.registry import AdapterRegistry
from activities.errors import partner_errors
from workflows.models.notice import (
    ContentCheckRequest,
    FetchDecisionRequest,
    NoticeDecision,
    NoticeReceipt,
    SubmitNoticeRequest,
)


class NoticeActivities:
    def __init__(self, registry: AdapterRegistry, health: HealthRecorder | None = None) -> None:
        self._registry = registry
        self._health = health

    @activity.defn
    async def submit_notice(self, request: SubmitNoticeRequest) -> NoticeReceipt:
        slug = request.item.platform
        async with partner_errors(), observed(self._health, slug, "submit_notice"):
            channel = self._registry.notice_channel(slug)
            return await channel.submit_notice(request)

    @activity.defn
    async def fetch_notice_decision(self, request: FetchDecisionRequest) -> NoticeDecision | None:
        async with partner_errors(), observed(self._health, request.platform, "fetch_decision"):
            channel = self._registry.notice_channel(request.platform)
            return await channel.fetch_decision(request.platform_reference)

    @activity.defn
    async def check_content_online(self, request: ContentCheckRequest) -> bool:
        async with partner_errors(), observed(self._health, request.platform, "check_content"):
            channel = self._registry.notice_channel(request.platform)
            return await channel.is_content_online(request.item.location)
