"""What a counsellor sends to review a refused notice or withdraw a consent."""

from pydantic import BaseModel, ConfigDict, Field

from domain.case import ConsentScope, NoticeReviewRequest, WithdrawConsentRequest
from domain.notice import ReviewChoice


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
