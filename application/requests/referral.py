"""What a counsellor sends about one referral. The acting person comes from the
bearer token; the case comes from the path."""

from pydantic import BaseModel, ConfigDict, Field

from domain.referral import ManualHandoffRequest


class ManualHandoffCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner_reference: str = Field(
        min_length=1,
        max_length=200,
        pattern=r"^\S(.*\S)?$",
        description="The reference the partner gave on the phone (no personal data)",
    )

    def request(self, case_id: str, actor: str) -> ManualHandoffRequest:
        return ManualHandoffRequest(
            case_id=case_id, partner_reference=self.partner_reference, actor=actor
        )
