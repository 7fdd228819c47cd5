"""What a case carries from one run to the next when it continues as new: its
whole state but the input it was opened with."""

from datetime import datetime

from pydantic import BaseModel, Field

from domain.case import CallbackResult, TimelineEntry
from domain.catalog import PartnerCatalog
from domain.intake import CaseOpening, Consents, Urgency
from domain.items import QualifiedItem
from domain.notice import NoticeOutcome
from domain.referral import LegalBasis, ReferralOutcome


class CallbackState(BaseModel):
    owed: bool = False  # a callback is to be made once the pending work settles
    due_at: datetime | None = None
    is_due: bool = False
    overdue: bool = False
    unclaimed_escalated: bool = False
    claimed_by: str | None = None
    attempts: int = 0
    last_result: CallbackResult | None = None

    def escalated(self) -> bool:
        return self.overdue or self.unclaimed_escalated


class CaseSnapshot(BaseModel):
    """What a case carries into its next run when it continues as new."""

    opened_at: datetime
    urgency: Urgency
    catalog: PartnerCatalog
    consents: Consents
    notices: dict[str, NoticeOutcome]
    referrals: dict[str, ReferralOutcome]
    open_children: list[str]
    callback: CallbackState
    last_outcome_at: datetime | None
    timeline: list[TimelineEntry]
    closed_at: datetime | None
    close_reason: str | None
    reopened: int
    version: int
    runs: int
    items: dict[str, QualifiedItem] = {}
    legal_basis: dict[str, LegalBasis] = {}


class CaseInput(CaseOpening):
    """The case workflow's input: the opening, and from the second run on the state
    carried over by continue-as-new."""

    carried: CaseSnapshot | None = Field(
        default=None, description="State carried over from the previous run (continue-as-new)"
    )
