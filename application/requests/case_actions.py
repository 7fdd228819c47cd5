"""What a counsellor sends for the case's own actions (``application.case_actions``):
qualify items, refer, review a refused notice, withdraw a consent, close, reopen. The
JSON routes take them as bodies, the console's forms are parsed into them. The acting
person (``actor``) comes from the token or the session, never from the body; the
catalog from the adapter registry. Field limits match the workflow models."""

from pydantic import BaseModel, ConfigDict, Field

from domain.case import (
    CloseRequest,
    ConsentScope,
    NoticeReviewRequest,
    ReopenRequest,
    WithdrawConsentRequest,
)
from domain.catalog import PartnerCatalog
from domain.items import AddItemsRequest, QualifiedItem
from domain.notice import ReviewChoice
from domain.referral import LegalBasis, ReferralRequest


class ItemsCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[QualifiedItem] = Field(min_length=1, max_length=200)

    def request(self, actor: str, catalog: PartnerCatalog) -> AddItemsRequest:
        return AddItemsRequest(items=self.items, actor=actor, catalog=catalog)


class ItemsAccepted(BaseModel):
    case_id: str
    notice_ids: list[str] = Field(
        description="One takedown notice per item, sent in the background"
    )


class ReferralCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner: str = Field(min_length=1, max_length=64, description="A registered partner slug")
    reason: str | None = Field(default=None, max_length=500, description="Non-personal reason")
    victim_consented: bool = Field(
        default=False, description="The victim consents now (recorded on the case)"
    )
    legal_basis: LegalBasis = Field(
        default=LegalBasis.CONSENT,
        description="`consent`, or a legal exception that needs none: `child_in_danger` (119), "
        "`life_at_risk` (police), `illegal_content_report` (Pharos, no contact details)",
    )

    def request(self, actor: str, catalog: PartnerCatalog) -> ReferralRequest:
        return ReferralRequest(**self.model_dump(), actor=actor, catalog=catalog)


class CaseClose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=200)
    force: bool = Field(
        default=False, description="Close even with notices or referrals outstanding (cancels them)"
    )

    def request(self, actor: str) -> CloseRequest:
        return CloseRequest(**self.model_dump(), actor=actor)


class NoticeReviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    choice: ReviewChoice = Field(
        description="appeal: DSA Art. 20 complaint, a new notice linked to the refused one; "
        "refer_to_pharos: report the content to Pharos; accept: leave it there"
    )

    def request(self, notice_id: str, actor: str) -> NoticeReviewRequest:
        return NoticeReviewRequest(notice_id=notice_id, choice=self.choice, actor=actor)


class ConsentWithdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scope: ConsentScope
    partner: str | None = Field(
        default=None, min_length=1, max_length=64, description="With scope=partner"
    )

    def request(self, actor: str) -> WithdrawConsentRequest:
        return WithdrawConsentRequest(**self.model_dump(), actor=actor)


class CaseReopen(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=200, description="Non-personal reason")

    def request(self, actor: str) -> ReopenRequest:
        return ReopenRequest(actor=actor, reason=self.reason)
