"""Activities that hand referrals over to partners and follow them, whichever
adapter the partner's slug names; each call's outcome feeds the adapter's health."""

from temporalio import activity

from activities.errors import partner_errors
from activities.heartbeat import heartbeating
from domain import contract
from domain.referral import FetchHandoffStatusRequest, HandoffReceipt, HandoffRequest, HandoffStatus
from partners.health import HealthRecorder, observed
from partners.registry import AdapterRegistry


class HandoffActivities:
    def __init__(self, registry: AdapterRegistry, health: HealthRecorder | None = None) -> None:
        self._registry = registry
        self._health = health

    @activity.defn(name=contract.HAND_OVER.name)
    async def hand_over(self, request: HandoffRequest) -> HandoffReceipt:
        async with partner_errors(), observed(self._health, request.partner, "hand_over"):
            channel = self._registry.handoff_channel(request.partner)
            return await heartbeating(channel.hand_over(request))

    @activity.defn(name=contract.FETCH_HANDOFF_STATUS.name)
    async def fetch_handoff_status(self, request: FetchHandoffStatusRequest) -> HandoffStatus:
        async with partner_errors(), observed(self._health, request.partner, "fetch_status"):
            channel = self._registry.handoff_channel(request.partner)
            return await channel.fetch_status(request.partner_reference)
