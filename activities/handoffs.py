"""Activities that hand referrals over to partners and follow them, whichever
adapter the partner's slug names; each call's outcome feeds the adapter's health.

The package the workflow built carries no evidence (claim check): for a partner that
takes content or offences (Pharos, police), ``hand_over`` reads the case's evidence
manifest from the evidence book and adds it (hashes, times, who, door) before sending."""

from temporalio import activity

from activities.errors import partner_errors
from activities.heartbeat import heartbeating
from domain import contract
from domain.evidence import EvidenceRecord
from domain.referral import (
    FetchHandoffStatusRequest,
    HandedEvidence,
    HandoffReceipt,
    HandoffRequest,
    HandoffStatus,
)
from domain.rules.handoff_package import Facet, facets_for
from partners.health import HealthRecorder, observed
from partners.registry import AdapterRegistry
from relais.db.repositories.evidence import EvidenceBook

# Who gets the evidence manifest: partners acting on the content or its offences.
MANIFEST_FACETS = frozenset({Facet.CONTENT, Facet.OFFENCES})


class HandoffActivities:
    def __init__(
        self,
        registry: AdapterRegistry,
        health: HealthRecorder | None = None,
        evidence: EvidenceBook | None = None,
    ) -> None:
        self._registry = registry
        self._health = health
        self._evidence = evidence

    @activity.defn(name=contract.HAND_OVER.name)
    async def hand_over(self, request: HandoffRequest) -> HandoffReceipt:
        async with partner_errors(), observed(self._health, request.partner, "hand_over"):
            channel = self._registry.handoff_channel(request.partner)
            return await heartbeating(channel.hand_over(await self._with_manifest(request)))

    async def _with_manifest(self, request: HandoffRequest) -> HandoffRequest:
        adapter = self._registry.get(request.partner)
        if self._evidence is None or adapter is None:
            return request
        if not facets_for(adapter.info) & MANIFEST_FACETS:
            return request
        records = await self._evidence.of_case(request.package.case_id)
        package = request.package.model_copy(
            update={"evidence_manifest": [handed(record) for record in records]}
        )
        return request.model_copy(update={"package": package})

    @activity.defn(name=contract.FETCH_HANDOFF_STATUS.name)
    async def fetch_handoff_status(self, request: FetchHandoffStatusRequest) -> HandoffStatus:
        async with partner_errors(), observed(self._health, request.partner, "fetch_status"):
            channel = self._registry.handoff_channel(request.partner)
            return await channel.fetch_status(request.partner_reference)


def handed(record: EvidenceRecord) -> HandedEvidence:
    return HandedEvidence(
        evidence_id=record.evidence_id,
        sha256=record.hashes.sha256,
        kind=record.hashes.kind.value,
        size=record.hashes.size,
        added_at=record.added_at,
        added_by=record.added_by,
        channel=record.channel.value,
        item_id=record.item_id,
        kept=record.purged_at is None and not record.intimate,
    )
