"""Updates, queries and results of a SupportCaseWorkflow."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.casework import CaseContact, CaseNote
from domain.intake import AgeBand, CallerRole, Category, Consents, RiskFlag, Urgency
from domain.notice import NoticeOutcome, ReviewChoice
from domain.referral import ReferralOutcome
from domain.rules.hash_routes import HashRoute


class CaseStatus(StrEnum):
    OPEN = "open"
    AWAITING_PLATFORM = "awaiting_platform"
    AWAITING_PARTNER = "awaiting_partner"
    CALLBACK_SCHEDULED = "callback_scheduled"
    CALLBACK_DUE = "callback_due"
    AWAITING_CLOSURE = "awaiting_closure"
    CLOSED = "closed"


class CallbackResult(StrEnum):
    REACHED = "reached"
    NOT_REACHED = "not_reached"
    DECLINED = "declined"


class ConsentScope(StrEnum):
    PLATFORMS = "platforms"
    PARTNER = "partner"
    CALLBACK = "callback"


class CallbackOutcomeRequest(BaseModel):
    result: CallbackResult
    actor: str = Field(description="Who does it: the counsellor, supervisor or system")
    close_case: bool = Field(
        default=False, description="When reached: the young person is safe, close the case"
    )
    notes_code: str | None = Field(
        default=None, max_length=200, description="Non-personal outcome note for statistics"
    )


class CloseRequest(BaseModel):
    actor: str = Field(description="Who does it: the counsellor, supervisor or system")
    reason: str = Field(min_length=1, max_length=200)
    force: bool = Field(
        default=False, description="Close even with notices or referrals outstanding (cancels them)"
    )


class NoticeReviewRequest(BaseModel):
    notice_id: str = Field(min_length=1, max_length=100)
    choice: ReviewChoice
    actor: str = Field(description="Who does it: the counsellor, supervisor or system")


class NoticeReviewResult(BaseModel):
    notice_id: str
    choice: ReviewChoice
    appeal_notice_id: str | None = None
    referral_id: str | None = None


class WithdrawConsentRequest(BaseModel):
    scope: ConsentScope
    partner: str | None = Field(default=None, description="With scope=partner: which partner")
    actor: str = Field(description="Who does it: the counsellor, supervisor or system")


class ClaimCallbackRequest(BaseModel):
    actor: str = Field(description="Who does it: the counsellor, supervisor or system")


class RescheduleCallbackRequest(BaseModel):
    at: datetime = Field(description="When to call; moved into opening hours and the safe window")
    actor: str = Field(description="Who does it: the counsellor, supervisor or system")


class ReopenRequest(BaseModel):
    actor: str = Field(description="Who does it: the counsellor, supervisor or system")
    reason: str = Field(min_length=1, max_length=200)


class TimelineEntry(BaseModel):
    at: datetime
    kind: str
    detail: str = Field(description="The line in English words (what the API shows)")
    code: str | None = Field(
        default=None,
        description='What happened, stable (e.g. "callback.planned"): a screen words it in its '
        "reader's language from ``code`` and ``params``; absent on lines older than codes",
    )
    params: dict[str, str] = Field(
        default_factory=dict,
        description="The line's values: enum values, partner slugs, ids, ISO times",
    )
    actor: str | None = None
    local_time: str | None = Field(
        default=None,
        description='``at`` in the helpline\'s time zone, e.g. "Tue 2 Dec 18:00 (Paris)"',
    )


class CallbackView(BaseModel):
    due_at: datetime | None = None
    attempts: int = 0
    max_attempts: int = 3
    last_result: CallbackResult | None = None
    overdue: bool = Field(default=False, description="Overdue or unclaimed: escalated")
    claimed_by: str | None = None
    due_local: str | None = Field(default=None, description="``due_at`` in the helpline's time")


class CaseView(BaseModel):
    case_id: str
    status: CaseStatus
    urgency: Urgency
    categories: list[Category]
    age_band: AgeBand | None = None
    caller_role: CallerRole | None = Field(default=None, description="Who called first")
    risk_flags: list[RiskFlag] = Field(default_factory=list)
    consents: Consents | None = Field(default=None, description="What the young person agreed to")
    opened_at: datetime
    opened_by: str
    owner: str | None = Field(default=None, description="The counsellor the case is with")
    closed_at: datetime | None = None
    close_reason: str | None = None
    contacts: list[CaseContact] = Field(
        default_factory=list, description="Every contact, the first one included"
    )
    notes: list[CaseNote] = Field(default_factory=list, description="Counsellors' notes")
    notices: list[NoticeOutcome] = Field(default_factory=list)
    referrals: list[ReferralOutcome] = Field(default_factory=list)
    callback: CallbackView = Field(default_factory=CallbackView)
    next_action_at: datetime | None = None
    sla_breached: bool = False
    hash_routes: list[HashRoute] = Field(
        default_factory=list, description="Hash-blocking services that fit this case"
    )
    timeline: list[TimelineEntry] = Field(default_factory=list)
    reopened: int = 0
    runs: int = Field(default=1, description="Runs of the case workflow (continue-as-new)")


class CaseResult(BaseModel):
    """Non-personal closing statistics."""

    case_id: str
    status: CaseStatus
    urgency: Urgency
    categories: list[Category]
    opened_at: datetime
    closed_at: datetime
    close_reason: str
    notices_sent: int
    notices_removed: int
    referrals_sent: int
    callback_attempts: int
