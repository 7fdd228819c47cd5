"""A bare worker for workflow tests: the real workflows, fake activities under the
real names (``domain.contract``), on a task queue of its own. The fakes stand in for
the app database and the platforms' and partners' channels, which these tests do not
exercise (the HTTP journeys do): they record what the workflows asked and answer as
the test sets them."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

from domain import contract
from domain.audit import AuditEntry
from domain.case_news import CaseNewsRequest, CaseNewsSent
from domain.catalog import (
    CHILD_PROTECTION_119,
    FRANCE_VICTIMES,
    PHAROS,
    POLICE,
    AdapterInfo,
    DeliveryMode,
    PartnerCatalog,
    PartnerKind,
)
from domain.items import EvidenceHash
from domain.notice import (
    ContentCheckRequest,
    FetchDecisionRequest,
    NoticeEvidence,
    NoticeEvidenceRequest,
    NoticeReceipt,
    PolledDecision,
    SubmitNoticeRequest,
)
from domain.records import CaseOpenedRecord, CaseRecord, NoticeRecord, ReferralRecord
from domain.referral import (
    FetchHandoffStatusRequest,
    HandoffReceipt,
    HandoffRequest,
    HandoffStatus,
    ReferralStatus,
)
from domain.retention import (
    DestroyCaseKeyRequest,
    DestroyCaseKeyResult,
    DuePurges,
    DuePurgesRequest,
    PurgedCase,
    SchedulePurgeRequest,
)
from domain.tasks import CloseTasksRequest, CounsellorTask, TaskKind
from partners.builtin import EMERGENCY_RETRY, PARTNER_RETRY, PLATFORM_RETRY
from worker import WORKFLOWS

# The built-in adapters' retry profiles (production: police and 119 every 5 minutes at
# most for 2 days, the others every 2 hours at most for 5 days; platforms every hour
# at most for 3 days).
CATALOG = PartnerCatalog(
    platforms={
        "tiktok": AdapterInfo(
            slug="tiktok", display_name="TikTok", kind=PartnerKind.PLATFORM, retry=PLATFORM_RETRY
        ),
    },
    partners={
        POLICE: AdapterInfo(
            slug=POLICE, display_name="Police", kind=PartnerKind.POLICE, retry=EMERGENCY_RETRY
        ),
        CHILD_PROTECTION_119: AdapterInfo(
            slug=CHILD_PROTECTION_119,
            display_name="119",
            kind=PartnerKind.CHILD_PROTECTION,
            retry=EMERGENCY_RETRY,
        ),
        FRANCE_VICTIMES: AdapterInfo(
            slug=FRANCE_VICTIMES,
            display_name="France Victimes",
            kind=PartnerKind.VICTIM_SUPPORT,
            retry=PARTNER_RETRY,
        ),
        PHAROS: AdapterInfo(
            slug=PHAROS,
            display_name="Pharos",
            kind=PartnerKind.AUTHORITY,
            delivery=DeliveryMode.POLL,
            retry=PARTNER_RETRY,
        ),
    },
)


@dataclass
class FakeActivities:
    tasks: dict[str, CounsellorTask] = field(default_factory=dict)
    closed: list[CloseTasksRequest] = field(default_factory=list)
    cases: dict[str, CaseRecord] = field(default_factory=dict)
    # The audit trail's lines workflows wrote, by idempotency key (recorded once each)
    audit: dict[str, AuditEntry] = field(default_factory=dict)
    audit_writes: int = 0
    notices: dict[str, NoticeRecord] = field(default_factory=dict)
    referrals: dict[str, ReferralRecord] = field(default_factory=dict)
    submitted: list[SubmitNoticeRequest] = field(default_factory=list)
    submit_attempts: int = 0
    platform_down: bool = False
    # The wait a platform that is down asks for (its Retry-After), if any.
    platform_retry_after: timedelta | None = None
    handoffs: list[HandoffRequest] = field(default_factory=list)
    handoff_attempts: int = 0
    partner_down: bool = False
    # The wait a partner that is down asks for (its Retry-After), if any.
    partner_retry_after: timedelta | None = None
    partner_status: HandoffStatus = field(
        default_factory=lambda: HandoffStatus(status=ReferralStatus.ACKNOWLEDGED)
    )
    content_online: bool = False
    # Set to hold ``close_tasks`` of that kind until the test lets it through.
    hold_closing: TaskKind | None = None
    closing_held: asyncio.Event = field(default_factory=asyncio.Event)
    let_close: asyncio.Event = field(default_factory=asyncio.Event)
    # Set to hold ``record_referral`` of a referral reaching that status likewise.
    hold_referral: ReferralStatus | None = None
    referral_held: asyncio.Event = field(default_factory=asyncio.Event)
    let_record: asyncio.Event = field(default_factory=asyncio.Event)
    # News of the case told to the young person (its key each time it is asked)
    news: list[CaseNewsRequest] = field(default_factory=list)
    news_answer: CaseNewsSent = field(
        default_factory=lambda: CaseNewsSent(sent=True, channel="whatsapp")
    )
    # The case's evidence files a notice adds to its item's hashes (``notice_evidence``).
    case_evidence: list[EvidenceHash] = field(default_factory=list)
    evidence_reads: int = 0

    def open_tasks(self, kind: TaskKind) -> list[CounsellorTask]:
        closed = {c.task_id for c in self.closed if c.task_id}
        kinds = {(c.case_id, c.kind) for c in self.closed if c.task_id is None}
        return [
            t
            for t in self.tasks.values()
            if t.kind is kind and t.task_id not in closed and (t.case_id, t.kind) not in kinds
        ]

    # ---- the app database ----------------------------------------------------------------

    @activity.defn(name=contract.RECORD_CASE.name)
    async def record_case(self, record: CaseRecord) -> None:
        self.cases[record.case_id] = record

    @activity.defn(name=contract.RECORD_CASE_OPENED.name)
    async def record_case_opened(self, opened: CaseOpenedRecord) -> None:
        line = opened.opening_line
        assert line.idempotency_key is not None
        self.audit_writes += 1
        self.audit.setdefault(line.idempotency_key, line)
        await self.record_case(opened.record)

    @activity.defn(name=contract.RECORD_NOTICE.name)
    async def record_notice(self, record: NoticeRecord) -> None:
        self.notices[record.notice_id] = record

    @activity.defn(name=contract.RECORD_REFERRAL.name)
    async def record_referral(self, record: ReferralRecord) -> None:
        if record.status is self.hold_referral:
            self.hold_referral = None
            self.referral_held.set()
            await self.let_record.wait()
        known = self.referrals.get(record.referral_id)
        if known is None or known.version < record.version:
            self.referrals[record.referral_id] = record

    @activity.defn(name=contract.OPEN_TASK.name)
    async def open_task(self, task: CounsellorTask) -> bool:
        created = task.task_id not in self.tasks
        self.tasks.setdefault(task.task_id, task)
        return created

    @activity.defn(name=contract.CLOSE_TASKS.name)
    async def close_tasks(self, request: CloseTasksRequest) -> None:
        if request.kind is self.hold_closing:
            self.hold_closing = None
            self.closing_held.set()
            await self.let_close.wait()
        self.closed.append(request)

    @activity.defn(name=contract.SCHEDULE_PURGE.name)
    async def schedule_purge(self, request: SchedulePurgeRequest) -> None:
        pass

    @activity.defn(name=contract.FIND_DUE_PURGES.name)
    async def find_due_purges(self, request: DuePurgesRequest) -> DuePurges:
        return DuePurges(case_ids=[])

    @activity.defn(name=contract.MARK_PURGED.name)
    async def mark_purged(self, purged: PurgedCase) -> None:
        pass

    @activity.defn(name=contract.DESTROY_CASE_KEY.name)
    async def destroy_case_key(self, request: DestroyCaseKeyRequest) -> DestroyCaseKeyResult:
        return DestroyCaseKeyResult(case_id=request.case_id, destroyed=True)

    # ---- platforms and partners ----------------------------------------------------------

    @activity.defn(name=contract.NOTICE_EVIDENCE.name)
    async def notice_evidence(self, request: NoticeEvidenceRequest) -> NoticeEvidence:
        """The item's hashes and the case's files at the time of the call."""
        self.evidence_reads += 1
        return NoticeEvidence(evidence=[*request.item.evidence, *self.case_evidence])

    @activity.defn(name=contract.SUBMIT_NOTICE.name)
    async def submit_notice(self, request: SubmitNoticeRequest) -> NoticeReceipt:
        self.submit_attempts += 1
        if self.platform_down:
            raise ApplicationError(
                "platform unreachable",
                type=contract.TRANSIENT_PARTNER_ERROR,
                next_retry_delay=self.platform_retry_after,
            )
        self.submitted.append(request)
        return NoticeReceipt(platform_reference=f"ref-{request.notice_id}")

    @activity.defn(name=contract.FETCH_NOTICE_DECISION.name)
    async def fetch_notice_decision(self, request: FetchDecisionRequest) -> PolledDecision:
        return PolledDecision()

    @activity.defn(name=contract.CHECK_CONTENT_ONLINE.name)
    async def check_content_online(self, request: ContentCheckRequest) -> bool:
        return self.content_online

    @activity.defn(name=contract.HAND_OVER.name)
    async def hand_over(self, request: HandoffRequest) -> HandoffReceipt:
        self.handoff_attempts += 1
        if self.partner_down:
            raise ApplicationError(
                "partner unreachable",
                type=contract.TRANSIENT_PARTNER_ERROR,
                next_retry_delay=self.partner_retry_after,
            )
        self.handoffs.append(request)
        return HandoffReceipt(partner_reference=f"ref-{request.idempotency_key}")

    @activity.defn(name=contract.FETCH_HANDOFF_STATUS.name)
    async def fetch_handoff_status(self, request: FetchHandoffStatusRequest) -> HandoffStatus:
        return self.partner_status

    @activity.defn(name=contract.SEND_CASE_NEWS.name)
    async def send_case_news(self, request: CaseNewsRequest) -> CaseNewsSent:
        self.news.append(request)
        return self.news_answer

    def all(self) -> list[object]:
        return [
            getattr(self, name)
            for name in dir(self)
            if hasattr(getattr(self, name), "__temporal_activity_definition")
        ]


@asynccontextmanager
async def bare_worker(client: Client, fakes: FakeActivities) -> AsyncIterator[str]:
    """The real workflows on a fresh task queue, with ``fakes`` as their activities."""
    task_queue = f"workflow-tests-{uuid.uuid4().hex[:8]}"
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=list(WORKFLOWS),
        activities=fakes.all(),
        graceful_shutdown_timeout=timedelta(seconds=1),
    ):
        yield task_queue
