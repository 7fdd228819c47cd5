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
from domain.case_news import CaseNewsRequest, CaseNewsSent, NewsConsentRequest, StopCaseNews
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
from domain.conversation import (
    CallbackRequest,
    ChannelStatusNote,
    HelplineAnswers,
    MessageAccepted,
    ViewRequest,
    YoungPersonLeaves,
    YoungPersonView,
    YoungPersonWrites,
)
from domain.conversation_desk import (
    AcceptRequest,
    CounsellorReplies,
    CounsellorView,
    EndChatRequest,
    LinkCaseRequest,
    OfferPassed,
    PassRequest,
    TransferRequest,
    WrapUpRequest,
)
from domain.conversation_queue import (
    ConversationStanding,
    CounsellorDesk,
    DeskRequest,
    MoveUpRequest,
    OfferMade,
    OfferWithdrawn,
    PlaceRequest,
    PresenceHeartbeat,
    QueueSnapshot,
    SetPresenceRequest,
    TellQueueRequest,
    WaitingPlace,
)
from domain.conversation_records import (
    ConversationRecord,
    DeliveryReceipt,
    DeliveryRequest,
    FileTranscriptRequest,
    LinkTranscriptRequest,
    PurgeTranscriptRequest,
    TranscriptFiled,
    TranscriptLinked,
    TranscriptPurged,
)
from domain.items import AddItemsRequest, AddItemsResult
from domain.notice import (
    ContentCheckRequest,
    FetchDecisionRequest,
    NoticeDecision,
    NoticeEvidence,
    NoticeEvidenceRequest,
    NoticeOutcome,
    NoticeProgress,
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
class QueryWith(Query[ResultT], Generic[RequestT, ResultT]):
    """A query that takes an argument (e.g. the messages after a given one); declare
    it with keywords: ``QueryWith("name", request=..., result=...)``."""

    request: type[RequestT]


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
STOP_CASE_NEWS = Signal("stop_case_news", StopCaseNews)  # the young person answered STOP
RECORD_NEWS_CONSENT = Update("record_news_consent", NewsConsentRequest, CaseView)

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

# ---- ConversationWorkflow: one per conversation ----------------------------------------
CONVERSATION = WorkflowType("ConversationWorkflow", "conversation-")
# the young person (the web chat page, a messaging channel)
YOUNG_PERSON_WRITES = Update("young_person_writes", YoungPersonWrites, MessageAccepted)
YOUNG_PERSON_LEAVES = Update("young_person_leaves", YoungPersonLeaves, YoungPersonView)
REQUEST_CALLBACK = Update("request_callback", CallbackRequest, YoungPersonView)
HELPLINE_ANSWERS = Update("helpline_answers", HelplineAnswers, MessageAccepted)  # automatic
CHANNEL_STATUS = Signal("channel_status", ChannelStatusNote)  # WhatsApp, Messenger statuses
YOUNG_PERSON_VIEW = QueryWith("young_person_view", request=ViewRequest, result=YoungPersonView)
# counsellors and supervisors
ACCEPT_CONVERSATION = Update("accept_conversation", AcceptRequest, CounsellorView)
PASS_CONVERSATION = Update("pass_conversation", PassRequest, OfferPassed)
COUNSELLOR_REPLIES = Update("counsellor_replies", CounsellorReplies, MessageAccepted)
END_CHAT = Update("end_chat", EndChatRequest, CounsellorView)
WRAP_UP = Update("wrap_up", WrapUpRequest, CounsellorView)
TRANSFER_CONVERSATION = Update("transfer_conversation", TransferRequest, CounsellorView)
LINK_CASE = Update("link_case", LinkCaseRequest, CounsellorView)
COUNSELLOR_VIEW = QueryWith("counsellor_view", request=ViewRequest, result=CounsellorView)
# from its helpline's queue
OFFERED = Signal("offered", OfferMade)
OFFER_WITHDRAWN = Signal("offer_withdrawn", OfferWithdrawn)

# ---- HelplineQueueWorkflow: one per helpline, forever (continue-as-new) ------------------
HELPLINE_QUEUE = WorkflowType("HelplineQueueWorkflow", "queue-")
SET_PRESENCE = Update("set_presence", SetPresenceRequest, CounsellorDesk)  # update-with-start
PRESENCE_HEARTBEAT = Signal("presence_heartbeat", PresenceHeartbeat)  # signal-with-start
MOVE_UP = Update("move_up", MoveUpRequest, WaitingPlace)  # a supervisor
CONVERSATION_STANDING = Signal("conversation_standing", ConversationStanding)  # TELL_QUEUE
QUEUE_SNAPSHOT = Query("queue_snapshot", QueueSnapshot)
COUNSELLOR_DESK = QueryWith("counsellor_desk", request=DeskRequest, result=CounsellorDesk)
WAITING_PLACE = QueryWith("waiting_place", request=PlaceRequest, result=WaitingPlace)

# ---- Failures an activity raises and its workflow tells apart ----------------------------
# A platform or partner refused for good (a 4xx, a request it will never take): not
# retried; a person's task follows. Transient ones (5xx, timeouts) are retried.
PERMANENT_PARTNER_ERROR = "PermanentPartnerError"
TRANSIENT_PARTNER_ERROR = "TransientPartnerError"

# ---- Activities ------------------------------------------------------------------------
# The app database (idempotent writes: upserts by id and version)
RECORD_CASE = Activity("record_case", CaseRecord, type(None))
# The first row of a case, with the audit line of its opening (one transaction)
RECORD_CASE_OPENED = Activity("record_case_opened", CaseOpenedRecord, type(None))
RECORD_NOTICE = Activity("record_notice", NoticeRecord, type(None))
RECORD_REFERRAL = Activity("record_referral", ReferralRecord, type(None))
OPEN_TASK = Activity("open_task", CounsellorTask, bool)  # False: it existed already
CLOSE_TASKS = Activity("close_tasks", CloseTasksRequest, type(None))
SCHEDULE_PURGE = Activity("schedule_purge", SchedulePurgeRequest, type(None))
FIND_DUE_PURGES = Activity("find_due_purges", DuePurgesRequest, DuePurges)
MARK_PURGED = Activity("mark_purged", PurgedCase, type(None))
DESTROY_CASE_KEY = Activity("destroy_case_key", DestroyCaseKeyRequest, DestroyCaseKeyResult)
# Conversations: their queue, their directory row, their transcript, their channel
TELL_QUEUE = Activity("tell_queue", TellQueueRequest, type(None))
RECORD_CONVERSATION = Activity("record_conversation", ConversationRecord, type(None))
FILE_TRANSCRIPT = Activity("file_transcript", FileTranscriptRequest, TranscriptFiled)
LINK_TRANSCRIPT = Activity("link_transcript", LinkTranscriptRequest, TranscriptLinked)
PURGE_TRANSCRIPT = Activity("purge_transcript", PurgeTranscriptRequest, TranscriptPurged)
DELIVER_MESSAGE = Activity("deliver_message", DeliveryRequest, DeliveryReceipt)
SEND_CASE_NEWS = Activity("send_case_news", CaseNewsRequest, CaseNewsSent)
# Platforms (through their adapter)
NOTICE_EVIDENCE = Activity("notice_evidence", NoticeEvidenceRequest, NoticeEvidence)
SUBMIT_NOTICE = Activity("submit_notice", SubmitNoticeRequest, NoticeReceipt)
FETCH_NOTICE_DECISION = Activity("fetch_notice_decision", FetchDecisionRequest, PolledDecision)
CHECK_CONTENT_ONLINE = Activity("check_content_online", ContentCheckRequest, bool)
# Partners (through their adapter)
HAND_OVER = Activity("hand_over", HandoffRequest, HandoffReceipt)
FETCH_HANDOFF_STATUS = Activity("fetch_handoff_status", FetchHandoffStatusRequest, HandoffStatus)
