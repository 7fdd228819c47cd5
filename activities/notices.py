"""Activities that talk to platforms' trusted-flagger channels, whichever adapter
the platform's slug names; each call's outcome feeds the adapter's health.

A notice lists the SHA-256 of the case's evidence files (claim check: the workflow's
item carries only the hashes it was given; ``submit_notice`` adds those of the evidence
book): the files of the case not tied to another item, never an intimate image's hash
(that route is the young person's choice: Take It Down, StopNCII), never a purged one."""

from temporalio import activity

from activities.errors import partner_errors
from domain import contract
from domain.evidence import EvidenceRecord
from domain.items import EvidenceHash
from domain.notice import (
    ContentCheckRequest,
    FetchDecisionRequest,
    NoticeReceipt,
    PolledDecision,
    SubmitNoticeRequest,
)
from partners.health import HealthRecorder, observed
from partners.registry import AdapterRegistry
from relais.db.repositories.evidence import EvidenceBook

MAX_HASHES = 20  # QualifiedItem.evidence's limit


class NoticeActivities:
    def __init__(
        self,
        registry: AdapterRegistry,
        health: HealthRecorder | None = None,
        evidence: EvidenceBook | None = None,
    ) -> None:
        self._registry = registry
        self._health = health
        self._evidence = evidence

    @activity.defn(name=contract.SUBMIT_NOTICE.name)
    async def submit_notice(self, request: SubmitNoticeRequest) -> NoticeReceipt:
        slug = request.item.platform
        async with partner_errors(), observed(self._health, slug, "submit_notice"):
            channel = self._registry.notice_channel(slug)
            return await channel.submit_notice(await self._with_hashes(request))

    async def _with_hashes(self, request: SubmitNoticeRequest) -> SubmitNoticeRequest:
        if self._evidence is None:
            return request
        records = await self._evidence.of_case(request.case_id)
        known = {e.digest.lower() for e in request.item.evidence}
        added = [
            EvidenceHash(digest=r.hashes.sha256, media_type=r.hashes.kind.media_type)
            for r in records
            if _for_notice(r, request.notice_id) and r.hashes.sha256 not in known
        ]
        if not added:
            return request
        hashes = [*request.item.evidence, *added][:MAX_HASHES]
        item = request.item.model_copy(update={"evidence": hashes})
        return request.model_copy(update={"item": item})

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


def _for_notice(record: EvidenceRecord, notice_id: str) -> bool:
    tied = record.item_id is None or record.item_id == notice_id
    return tied and not record.intimate and record.purged_at is None
