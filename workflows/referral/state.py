"""What a ReferralWorkflow knows about its handoff, and what it shows of it: the
outcome, the ledger record, the progress signalled to the case, the search
attributes and the supervisor's current details. Pure: no I/O, no clock reads.

Only ids, slugs, statuses, references and dates go out of here; the handoff
package (with the young person's contact details) stays in the workflow input.
"""

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel
from temporalio.common import SearchAttributeUpdate

from domain import search_attributes as sa
from domain.catalog import AdapterInfo
from domain.policy import CasePolicy
from domain.records import ReferralRecord
from domain.referral import HandoffPackage, ReferralOutcome, ReferralProgress, ReferralStatus


class ReferralInput(BaseModel):
    case_id: str
    referral_id: str
    partner: AdapterInfo
    package: HandoffPackage
    emergency: bool = False
    policy: CasePolicy
    parent_workflow_id: str | None = None


@dataclass
class ReferralState:
    input: ReferralInput
    status: ReferralStatus = ReferralStatus.PENDING
    reference: str | None = None
    detail: str | None = None
    sent_at: datetime | None = None
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    manual: bool = False
    manual_by: str | None = None
    phone_handoff_due: datetime | None = None  # when a counsellor was asked to phone
    version: int = 0

    @property
    def referral_id(self) -> str:
        return self.input.referral_id

    def outcome(self) -> ReferralOutcome:
        return ReferralOutcome(
            referral_id=self.referral_id,
            partner=self.input.partner.slug,
            status=self.status,
            partner_reference=self.reference,
            detail=self.detail,
            sent_at=self.sent_at,
            resolved_at=self.resolved_at,
            manual=self.manual,
        )

    def search_attributes(self) -> list[SearchAttributeUpdate]:  # type: ignore[type-arg]
        return [
            sa.CASE_ID.value_set(self.input.case_id),
            sa.REFERRAL_STATUS.value_set(self.status.value),
            sa.CASE_PARTNERS.value_set([self.input.partner.slug]),
        ]

    def details_markdown(self, news: str) -> str:
        partner = self.input.partner
        lines = [
            f"**Referral** `{self.referral_id}` to **{partner.display_name}**"
            + (" (emergency)" if self.input.emergency else ""),
            "",
            f"- Status: **{self.status.value}**: {news}",
            f"- Legal basis: {self.input.package.legal_basis.value}",
            f"- Partner reference: {self.reference or 'not yet'}",
        ]
        if self.manual:
            lines.append(f"- Handed over **by phone** (recorded by {self.manual_by})")
        elif self.phone_handoff_due is not None and self.status is ReferralStatus.PENDING:
            lines.append(
                f"- Automatic handoff still retrying; a counsellor was asked to phone "
                f"at {self.phone_handoff_due:%Y-%m-%d %H:%M} UTC"
            )
        return "\n".join(lines)

    def record(self, news: str, now: datetime) -> ReferralRecord:
        """The ledger row. Its detail is our own words (``news``), never the
        partner's free text, which may name the young person."""
        return ReferralRecord(
            referral_id=self.referral_id,
            case_id=self.input.case_id,
            version=self.version,
            partner=self.input.partner.slug,
            idempotency_key=self.referral_id,
            legal_basis=self.input.package.legal_basis,
            emergency=self.input.emergency,
            status=self.status,
            partner_reference=self.reference,
            sent_at=self.sent_at,
            acknowledged_at=self.acknowledged_at,
            outcome_at=self.resolved_at,
            detail=news[:300],
            updated_at=now,
        )

    def progress(self, news: str, now: datetime) -> ReferralProgress:
        return ReferralProgress(
            referral_id=self.referral_id,
            partner=self.input.partner.slug,
            status=self.status,
            at=now,
            partner_reference=self.reference,
            detail=news,
            manual=self.manual,
        )
