"""What makes a notice complete in the sense of DSA Art. 16(2), checked before it is
sent: (a) a substantiated explanation of why the content is illegal, (b) its exact
electronic location, (c) the sender's name and email, except for child sexual abuse
material, (d) a good-faith statement. Evidence travels as hashes only."""

from pydantic import BaseModel, Field

from domain.items import EvidenceHash, LegalQualification, QualifiedItem
from domain.personal import ItemLocation
from domain.rules.legal import OFFENCES, explanation_fr

GOOD_FAITH_STATEMENT_FR = (
    "Le 3018 déclare de bonne foi que les informations et allégations contenues dans la "
    "présente notification sont exactes et complètes."
)


class NoticeSender(BaseModel):
    organisation: str = "Association e-Enfance / 3018"
    email: str = "signalement@3018.invalid"
    trusted_flagger_id: str = "FR-TF-0001"


class DsaNotice(BaseModel):
    """The notice as the platform receives it."""

    notice_id: str
    explanation: str = Field(min_length=1)
    legal_qualification: LegalQualification
    legal_article: str
    location: ItemLocation
    content_type: str
    evidence: list[EvidenceHash]
    sender: NoticeSender | None
    good_faith_statement: str = Field(min_length=1)
    renotice_of: str | None = None
    appeal_of: str | None = Field(
        default=None, description="Platform reference of a refused notice (DSA Art. 20 complaint)"
    )


def location_problem(location: ItemLocation) -> str | None:
    if not (location.url or location.account or location.message_id):
        return "exact location missing: give a url, an account or a message id"
    return None


def build_notice(
    notice_id: str,
    item: QualifiedItem,
    sender: NoticeSender,
    *,
    renotice_of: str | None = None,
    appeal_of: str | None = None,
) -> DsaNotice:
    """Build the notice; raises ``IncompleteNotice`` naming the missing element."""
    if problem := location_problem(item.location):
        raise IncompleteNotice(problem)
    qualification = item.legal_qualification
    csam = qualification is LegalQualification.CHILD_SEXUAL_ABUSE_MATERIAL
    if not csam and not (sender.organisation and sender.email):
        raise IncompleteNotice("sender identity missing: organisation name and email required")
    return DsaNotice(
        notice_id=notice_id,
        explanation=explanation_fr(qualification),
        legal_qualification=qualification,
        legal_article=f"Code pénal, art. {OFFENCES[qualification].article}",
        location=item.location,
        content_type=item.content_type.value,
        evidence=item.evidence,
        # DSA Art. 16(2)(c): no sender identity for child sexual abuse material.
        sender=None if csam else sender,
        good_faith_statement=GOOD_FAITH_STATEMENT_FR,
        renotice_of=renotice_of,
        appeal_of=appeal_of,
    )


class IncompleteNotice(ValueError):
    """A notice that would not meet DSA Art. 16(2); the message names what is missing."""
