"""Activities that talk to platforms' trusted-flagger channels."""

from temporalio import activity

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
    def __init__(self, registry: AdapterRegistry) -> None:
        self._registry = registry

    @activity.defn
    async def submit_notice(self, request: SubmitNoticeRequest) -> NoticeReceipt:
        async with partner_errors():
            channel = self._registry.notice_channel(request.item.platform)
            return await channel.submit_notice(request)

    @activity.defn
    async def fetch_notice_decision(self, request: FetchDecisionRequest) -> NoticeDecision | None:
        async with partner_errors():
            channel = self._registry.notice_channel(request.platform)
            return await channel.fetch_decision(request.platform_reference)

    @activity.defn
    async def check_content_online(self, request: ContentCheckRequest) -> bool:
        async with partner_errors():
            channel = self._registry.notice_channel(request.platform)
            return await channel.is_content_online(request.item.location)
