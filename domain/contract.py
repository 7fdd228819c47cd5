"""The typed contract of Relais' workflows: every workflow, update, signal, query and
activity declared once, with its wire name, its request type and its result type.

Workflows register their handlers under these names, activities under theirs, and
the API and the workflows call them through the same declarations, so a request or a
result type cannot drift between the caller and the callee (``tests/workflows/
test_contract.py`` checks every handler against its declaration). Workflows and
activities never import each other: both depend on this module.
"""

from dataclasses import dataclass
from typing import Generic, TypeVar

from domain.case import (
    CallbackOutcomeRequest,
    CaseView,
    ClaimCallbackRequest,
    CloseRequest,
    NoticeReviewRequest,
    NoticeReviewResult,
    ReopenRequest,
    RescheduleCallbackRequest,
    WithdrawConsentRequest,
)
from domain.casework import (
    AddContactRequest,
    AddNoteRequest,
    Assigned,
    AssignRequest,
    CaseContact,
    CaseNote,
    ChangeUrgencyRequest,
    ContactCard,
    CorrectIntakeRequest,
    IntakeCorrected,
    RecordRiskRequest,
)
from domain.items import AddItemsRequest, AddItemsResult
from domain.notice import (
    ContentCheckRequest,
    FetchDecisionRequest,
    NoticeDecision,
    NoticeOutcome,
    NoticeProgress,
    NoticeReceipt,
    PolledDecision,
    SubmitNoticeRequest,
)
from domain.records import CaseRecord, NoticeRecord, ReferralRecord
from domain.referral import (
    FetchHandoffStatusRequest,
    HandoffReceipt,
    HandoffRequest,
    HandoffStatus,
    LateAnswer,
    ManualHandoffRequest,
    ReferralOutcome,
    ReferralProgress,
    ReferralRequest,
)
from domain.retention import (
    DestroyCaseKeyRequest,
    DestroyCaseKeyResult,
    DuePurges,
    DuePurgesRequest,
    PurgedCase,
    SchedulePurgeRequest,
)
from domain.tasks import CloseTasksRequest, CounsellorTask

RequestT = TypeVar("RequestT")
ResultT = TypeVar("ResultT")


@dataclass(frozen=True)
class WorkflowType:
    name: str
    id_prefix: str = ""

    def workflow_id(self, subject_id: str) -> str:
        """``case-<case id>``, ``notice-<notice id>``, ``referral-<referral id>``."""
        return f"{self.id_prefix}{subject_id}"


@dataclass(frozen=True)
class Update(Generic[RequestT, ResultT]):
    name: str
    request: type[RequestT]
    result: type[ResultT]


@dataclass(frozen=True)
class Signal(Generic[RequestT]):
    name: str
    message: type[RequestT]


@dataclass(frozen=True)
class Query(Generic[ResultT]):
    name: str
    result: type[ResultT]


@dataclass(frozen=True)
class Activity(Generic[RequestT, ResultT]):
    name: str
    request: type[RequestT]
    result: type[ResultT]


# ---- SupportCaseWorkflow: one per case -------------------------------------------------
SUPPORT_CASE = WorkflowType("SupportCaseWorkflow", "case-")
ADD_ITEMS = Update("add_items", AddItemsRequest, AddItemsResult)
REQUEST_REFERRAL = Update("request_referral", ReferralRequest, ReferralOutcome)
RECORD_CALLBACK_OUTCOME = Update("record_callback_outcome", CallbackOutcomeRequest, CaseView)
CLAIM_CALLBACK = Update("claim_callback", ClaimCallbackRequest, CaseView)
RESCHEDULE_CALLBACK = Update("reschedule_callback", RescheduleCallbackRequest, CaseView)
REVIEW_NOTICE = Update("review_notice", NoticeReviewRequest, NoticeReviewResult)
WITHDRAW_CONSENT = Update("withdraw_consent", WithdrawConsentRequest, CaseView)
CLOSE = Update("close", CloseRequest, CaseView)
REOPEN = Update("reopen", ReopenRequest, CaseView)
ADD_NOTE = Update("add_note", AddNoteRequest, CaseNote)
ADD_CONTACT = Update("add_contact", AddContactRequest, CaseContact)
RECORD_RISK = Update("record_risk", RecordRiskRequest, CaseView)
CHANGE_URGENCY = Update("change_urgency", ChangeUrgencyRequest, CaseView)
CORRECT_INTAKE = Update("correct_intake", CorrectIntakeRequest, IntakeCorrected)
ASSIGN = Update("assign", AssignRequest, Assigned)
CASE_VIEW = Query("view", CaseView)
CASE_CONTACT = Query("contact", ContactCard)  # personal data: every read is audited
NOTICE_PROGRESS = Signal("notice_progress", NoticeProgress)  # from its TakedownWorkflow
REFERRAL_PROGRESS = Signal("referral_progress", ReferralProgress)  # from its ReferralWorkflow
# A partner's answer about a referral that had ended (from the webhook, or the referral)
ANSWER_AFTER_END = Signal("partner_answer_after_end", LateAnswer)

# ---- TakedownWorkflow: one per notice --------------------------------------------------
TAKEDOWN = WorkflowType("TakedownWorkflow", "notice-")
DECISION = Signal("decision", NoticeDecision)  # from the platform's webhook
NOTICE_VIEW = Query("notice", NoticeOutcome)

# ---- ReferralWorkflow: one per handoff -------------------------------------------------
REFERRAL = WorkflowType("ReferralWorkflow", "referral-")
PARTNER_STATUS = Signal("partner_status", HandoffStatus)  # from the partner's webhook
REFERRAL_VIEW = Query("referral", ReferralOutcome)
RECORD_MANUAL_HANDOFF = Update("record_manual_handoff", ManualHandoffRequest, ReferralOutcome)

# ---- RetentionPurgeWorkflow: daily, by schedule ----------------------------------------
RETENTION_PURGE = WorkflowType("RetentionPurgeWorkflow")

# ---- Failures an activity raises and its workflow tells apart ----------------------------
# A platform or partner refused for good (a 4xx, a request it will never take): not
# retried; a person's task follows. Transient ones (5xx, timeouts) are retried.
PERMANENT_PARTNER_ERROR = "PermanentPartnerError"
TRANSIENT_PARTNER_ERROR = "TransientPartnerError"

# ---- Activities ------------------------------------------------------------------------
# The app database (idempotent writes: upserts by id and version)
RECORD_CASE = Activity("record_case", CaseRecord, type(None))
RECORD_NOTICE = Activity("record_notice", NoticeRecord, type(None))
RECORD_REFERRAL = Activity("record_referral", ReferralRecord, type(None))
OPEN_TASK = Activity("open_task", CounsellorTask, bool)  # False: it existed already
CLOSE_TASKS = Activity("close_tasks", CloseTasksRequest, type(None))
SCHEDULE_PURGE = Activity("schedule_purge", SchedulePurgeRequest, type(None))
FIND_DUE_PURGES = Activity("find_due_purges", DuePurgesRequest, DuePurges)
MARK_PURGED = Activity("mark_purged", PurgedCase, type(None))
DESTROY_CASE_KEY = Activity("destroy_case_key", DestroyCaseKeyRequest, DestroyCaseKeyResult)
# Platforms (through their adapter)
SUBMIT_NOTICE = Activity("submit_notice", SubmitNoticeRequest, NoticeReceipt)
FETCH_NOTICE_DECISION = Activity("fetch_notice_decision", FetchDecisionRequest, PolledDecision)
CHECK_CONTENT_ONLINE = Activity("check_content_online", ContentCheckRequest, bool)
# Partners (through their adapter)
HAND_OVER = Activity("hand_over", HandoffRequest, HandoffReceipt)
FETCH_HANDOFF_STATUS = Activity("fetch_handoff_status", FetchHandoffStatusRequest, HandoffStatus)
