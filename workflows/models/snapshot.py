"""What a case carries from one run to the next when it continues as new: its
whole state but the input it was opened with."""

from datetime import datetime

from pydantic import BaseModel

from workflows.models.case import TimelineEntry
from workflows.models.catalog import PartnerCatalog
from workflows.models.enums import CallbackResult, LegalBasis, Urgency
from workflows.models.intake import Consents
from workflows.models.items import QualifiedItem
from workflows.models.notice import NoticeOutcome
from workflows.models.referral import ReferralOutcome


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
