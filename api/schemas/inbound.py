"""What a partner (France Victimes, 119, ...) gets back when it hands a young person
over to the helpline: our reference for the case (what it sends:
``application.requests.opening.InboundReferral``)."""

from datetime import datetime

from pydantic import BaseModel, Field

from domain.case import CaseStatus
from domain.intake import Urgency


class InboundAccepted(BaseModel):
    """Our acknowledgement: quote ``reference`` when calling the helpline about it."""

    reference: str = Field(description="Our case reference")
    inbound_reference: str
    created: bool = Field(description="False when this inbound reference already had a case")
    status: CaseStatus
    urgency: Urgency
    opened_at: datetime
