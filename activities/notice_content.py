"""Builds the body of a notice a platform receives (DSA Art. 16(2)): why the
content is illegal, where it is, who sends it (except for child sexual abuse
material), and the good-faith statement. Evidence travels as hashes only."""

from typing import Any

from pydantic import BaseModel

from workflows.models.enums import LegalQualification
from workflows.models.notice import SubmitNoticeRequest
from workflows.rules.legal import OFFENCES, explanation_fr

GOOD_FAITH_STATEMENT_FR = (
    "Le 3018 déclare de bonne foi que les informations et allégations contenues dans la "
    "présente notification sont exactes et complètes."
)


class NoticeSender(BaseModel):
    organisation: str = "Association e-Enfance / 3018"
    email: str = "signalement@3018.invalid"
    trusted_flagger_id: str = "FR-TF-0001"


def notice_body(request: SubmitNoticeRequest, sender: NoticeSender | None = None) -> dict[str, Any]:
    item = request.item
    qualification = item.legal_qualification
    body: dict[str, Any] = {
        "notice_id": request.notice_id,
        "case_id": request.case_id,
        "idempotency_key": request.idempotency_key,
        "renotice_of": request.renotice_of,
        "location": item.location.model_dump(exclude_none=True),
        "content_type": item.content_type.value,
        "legal_qualification": qualification.value,
        "legal_article": f"Code pénal, art. {OFFENCES[qualification].article}",
        "explanation": explanation_fr(qualification),
        "evidence": [e.model_dump(exclude_none=True) for e in item.evidence],
        "good_faith_statement": GOOD_FAITH_STATEMENT_FR,
        "trusted_flagger": True,
    }
    # DSA Art. 16(2)(c): no sender identity for child sexual abuse material.
    if qualification is not LegalQualification.CHILD_SEXUAL_ABUSE_MATERIAL:
        body["sender"] = (sender or NoticeSender()).model_dump()
    return body
