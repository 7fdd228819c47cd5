"""What a counsellor sends to act on a case. The acting person (``actor``) comes
from the bearer token, never from the body;
the catalog comes from the adapter registry. Field limits match the workflow models."""

from pydantic import BaseModel, ConfigDict, Field

from domain.case import CallbackOutcomeRequest, CallbackResult, CloseRequest
from domain.catalog import PartnerCatalog
from domain.items import AddItemsRequest, QualifiedItem
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


class CallbackOutcomeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    result: CallbackResult
    close_case: bool = Field(
        default=False, description="When reached: the young person is safe, close the case"
    )
    notes_code: str | None = Field(
        default=None, max_length=200, description="Non-personal outcome note for statistics"
    )

    def request(self, actor: str) -> CallbackOutcomeRequest:
        return CallbackOutcomeRequest(**self.model_dump(), actor=actor)


class CaseClose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=200)
    force: bool = Field(
        default=False, description="Close even with notices or referrals outstanding (cancels them)"
    )

    def request(self, actor: str) -> CloseRequest:
        return CloseRequest(**self.model_dump(), actor=actor)
