"""Activities that hand referrals over to partners and follow them."""

from temporalio import activity

from activities.adapters.registry import AdapterRegistry
from activities.errors import partner_errors
from workflows.models.referral import (
    FetchHandoffStatusRequest,
    HandoffReceipt,
    HandoffRequest,
    HandoffStatus,
)


class HandoffActivities:
    def __init__(self, registry: AdapterRegistry) -> None:
        self._registry = registry

    @activity.defn
    async def hand_over(self, request: HandoffRequest) -> HandoffReceipt:
        async with partner_errors():
            channel = self._registry.handoff_channel(request.partner)
            return await channel.hand_over(request)

    @activity.defn
    async def fetch_handoff_status(self, request: FetchHandoffStatusRequest) -> HandoffStatus:
        async with partner_errors():
            channel = self._registry.handoff_channel(request.partner)
            return await channel.fetch_status(request.partner_reference)
