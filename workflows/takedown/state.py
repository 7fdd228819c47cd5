"""What a TakedownWorkflow is started with."""

from pydantic import BaseModel, Field

from domain.catalog import AdapterInfo
from domain.items import QualifiedItem
from domain.policy import CasePolicy


class NoticeInput(BaseModel):
    case_id: str
    notice_id: str
    item: QualifiedItem
    platform: AdapterInfo
    policy: CasePolicy
    parent_workflow_id: str | None = None
    appeal_of: str | None = Field(
        default=None, description="Notice id of the refused notice this one appeals (DSA Art. 20)"
    )
    appeal_of_reference: str | None = None
