"""Activities that talk to platforms' trusted-flagger channels, whichever adapter
the platform's slug names; each call's outcome feeds the adapter's health."""

from temporalio import activity

from activities.errors import partner_errors
from domain import contract
from domain.notice import (
    ContentCheckRequest,
    FetchDecisionRequest,
    NoticeReceipt,
    PolledDecision,
    SubmitNoticeRequest,
)
from partners.health import HealthRecorder, observed
from partners.registry import AdapterRegistry


class NoticeActivities:
    def __init__(self, registry: AdapterRegistry, health: HealthRecorder | None = None) -> None:
        self._registry = registry
        self._health = health

    @activity.defn(name=contract.SUBMIT_NOTICE.name)
    async def submit_notice(self, request: SubmitNoticeRequest) -> NoticeReceipt:
        slug = request.item.platform
        async with partner_errors(), observed(self._health, slug, "submit_notice"):
            channel = self._registry.notice_channel(slug)
            return await channel.submit_notice(request)

    @activity.defn(name=contract.FETCH_NOTICE_DECISION.name)
    async def fetch_notice_decision(self, request: FetchDecisionRequest) -> PolledDecision:
        async with partner_errors(), observed(self._health, request.platform, "fetch_decision"):
            channel = self._registry.notice_channel(request.platform)
            return PolledDecision(decision=await channel.fetch_decision(request.platform_reference))

    @activity.defn(name=contract.CHECK_CONTENT_ONLINE.name)
    async def check_content_online(self, request: ContentCheckRequest) -> bool:
        async with partner_errors(), observed(self._health, request.platform, "check_content"):
            channel = self._registry.notice_channel(request.platform)
            return await channel.is_content_online(request.item.location)
