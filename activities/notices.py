"""Activities that talk to platforms' trusted-flagger channels, whichever adapter
the platform's slug names; each call's outcome feeds the adapter's health.

A notice lists the SHA-256 of the case's evidence files (claim check: the workflow's
item carries only the hashes it was given; ``notice_evidence`` adds those of the evidence
book): the files of the case not tied to another item, never an intimate image's hash
(that route is the young person's choice: Take It Down, StopNCII), never a purged one.
The workflow reads them before the first submission and carries them: a retried
``submit_notice`` sends the same body under the same key (a file added meanwhile does
not make the platform see the key reused for another body); it reads them again before
each re-notice (its own key), which so carries a file linked to the item since.

Where the platform's channel takes attachments, ``notice_evidence`` also chooses the
files the notice attaches (their ids: :mod:`activities.notice_attachments`) and
``submit_notice`` reads their sanitised copies, in memory, for the call."""

from temporalio import activity

from activities.errors import partner_errors
from activities.notice_attachments import NoticeFiles
from domain import contract
from domain.evidence import EvidenceRecord
from domain.items import EvidenceHash
from domain.notice import (
    AttachmentLimits,
    ContentCheckRequest,
    FetchDecisionRequest,
    NoticeEvidence,
    NoticeEvidenceRequest,
    NoticeReceipt,
    PolledDecision,
    SubmitNoticeRequest,
)
from partners.errors import UnknownAdapterError
from partners.health import HealthRecorder, observed
from partners.registry import AdapterRegistry
from relais.db.repositories.evidence import EvidenceBook
from relais.evidence.vault import EvidenceVault

MAX_HASHES = 20  # QualifiedItem.evidence's limit


class NoticeActivities:
    def __init__(
        self,
        registry: AdapterRegistry,
        health: HealthRecorder | None = None,
        evidence: EvidenceBook | None = None,
        vault: EvidenceVault | None = None,
    ) -> None:
        self._registry = registry
        self._health = health
        self._evidence = evidence
        self._files = NoticeFiles(vault) if vault is not None else None

    @activity.defn(name=contract.SUBMIT_NOTICE.name)
    async def submit_notice(self, request: SubmitNoticeRequest) -> NoticeReceipt:
        slug = request.item.platform
        async with partner_errors():
            channel = self._registry.notice_channel(slug)
            limits = channel.accepts_attachments
            if not request.attachments or limits is None or self._files is None:
                async with observed(self._health, slug, "submit_notice"):
                    return await channel.submit_notice(request)
            # Read before the call: the store's trouble is not the platform's health.
            files = await self._files.read(request, limits)
            activity.logger.info("notice with %d of %d files", len(files), len(request.attachments))
            async with observed(self._health, slug, "submit_notice"):
                return await channel.submit_notice(request, files)

    @activity.defn(name=contract.NOTICE_EVIDENCE.name)
    async def notice_evidence(self, request: NoticeEvidenceRequest) -> NoticeEvidence:
        """The item's own hashes and those of the case's files meant for this notice;
        the files it attaches where the platform's channel takes attachments."""
        given = list(request.item.evidence)
        if self._evidence is None:
            return NoticeEvidence(evidence=given)
        records = await self._evidence.of_case(request.case_id)
        known = {e.digest.lower() for e in given}
        added = [
            EvidenceHash(digest=r.hashes.sha256, media_type=r.hashes.kind.media_type)
            for r in records
            if _for_notice(r, request.notice_id) and r.hashes.sha256 not in known
        ]
        attachments = []
        if self._files is not None:
            attachments = await self._files.choose(request, records, self._limits(request))
        return NoticeEvidence(evidence=[*given, *added][:MAX_HASHES], attachments=attachments)

    def _limits(self, request: NoticeEvidenceRequest) -> AttachmentLimits | None:
        try:
            return self._registry.notice_channel(request.item.platform).accepts_attachments
        except UnknownAdapterError:  # the submit says so, as it always did
            return None

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
