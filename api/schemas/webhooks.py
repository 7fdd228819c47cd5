"""Bodies platforms and partners post to our webhooks.

Their words are not ours: a decision or status string is mapped onto our enums
(case and surrounding spaces ignored) and an unknown one is a 422 naming the field.
"""

from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from domain.notice import Decision, NoticeDecision
from domain.referral import HandoffStatus, ReferralStatus


def _normalise(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


class PlatformDecisionWebhook(BaseModel):
    notice_id: str = Field(min_length=1, max_length=100)
    idempotency_key: str = Field(min_length=1, max_length=256)
    reference: str | None = Field(default=None, max_length=200)
    decision: Decision
    reason: str | None = Field(default=None, max_length=2000)
    decided_at: datetime | None = None
    decision_reference: str | None = Field(
        default=None,
        max_length=256,
        description="Your id for the decision (the statement of reasons' PUID), if any",
    )

    _decision = field_validator("decision", mode="before")(_normalise)

    def notice_decision(self) -> NoticeDecision:
        return NoticeDecision(
            decision=self.decision,
            reason=self.reason,
            decided_at=self.decided_at,
            platform_reference=self.reference,
            decision_reference=self.decision_reference,
        )


class PartnerStatusWebhook(BaseModel):
    referral_id: str = Field(min_length=1, max_length=100)
    idempotency_key: str = Field(min_length=1, max_length=256)
    reference: str | None = Field(default=None, max_length=200)
    status: ReferralStatus
    detail: str | None = Field(default=None, max_length=2000)
    at: datetime | None = None

    _status = field_validator("status", mode="before")(_normalise)

    def handoff_status(self) -> HandoffStatus:
        return HandoffStatus(
            status=self.status, partner_reference=self.reference, detail=self.detail
        )


class WebhookAccepted(BaseModel):
    accepted: bool = True
    workflow_id: str
