"""The minimal handoff package: only what a partner needs, built from the case.

Each partner gets a set of *facets* of the case, chosen by its slug (a few partners
are named here) or else by its kind:

- Pharos and other authorities act on content: the reported items (location,
  qualification, evidence hashes) and no way to reach the young person.
- Police get how to reach the young person, the signs of danger and the offences the
  content was qualified under (not where it is).
- 119 (child protection) gets how to reach the young person and the signs of danger.
- Victim support (France Victimes 116 006) gets how to reach the young person and
  what happened (the categories).
- Anyone else gets the categories, age band and urgency only.

"How to reach" is never the whole contact record: the counsellor's free-text notes
and the young person's online handles stay with the helpline. A referral made
without consent to report content (``illegal_content_report``) never carries
contact details, whatever the partner.
"""

from collections.abc import Sequence
from enum import StrEnum

from domain.catalog import PHAROS, AdapterInfo, PartnerKind
from domain.intake import Intake, Urgency
from domain.items import QualifiedItem
from domain.personal import ContactDetails
from domain.referral import HandoffPackage, LegalBasis


class Facet(StrEnum):
    CONTACT = "contact"  # how to reach the young person
    RISK = "risk"  # risk flags and who called
    CONTENT = "content"  # the reported items, with their locations
    OFFENCES = "offences"  # the legal qualifications of the items, without locations


FACETS_BY_KIND: dict[PartnerKind, frozenset[Facet]] = {
    PartnerKind.AUTHORITY: frozenset({Facet.CONTENT}),
    PartnerKind.POLICE: frozenset({Facet.CONTACT, Facet.RISK, Facet.OFFENCES}),
    PartnerKind.CHILD_PROTECTION: frozenset({Facet.CONTACT, Facet.RISK}),
    PartnerKind.VICTIM_SUPPORT: frozenset({Facet.CONTACT}),
    PartnerKind.OTHER: frozenset(),
    PartnerKind.PLATFORM: frozenset(),
}

# Partners whose needs do not follow from their kind alone (an integrator may
# register Pharos under another kind: it still reports content, never people).
FACETS_BY_SLUG: dict[str, frozenset[Facet]] = {
    PHAROS: frozenset({Facet.CONTENT}),
}

# Bases under which the young person's contact details never leave the helpline.
NO_CONTACT_BASES = frozenset({LegalBasis.ILLEGAL_CONTENT_REPORT})


def facets_for(partner: AdapterInfo) -> frozenset[Facet]:
    return FACETS_BY_SLUG.get(partner.slug, FACETS_BY_KIND.get(partner.kind, frozenset()))


def reachable_contact(contact: ContactDetails) -> ContactDetails | None:
    """What a partner needs to call the young person back safely, or None when the
    helpline has no way to reach them."""
    reach = ContactDetails(
        first_name=contact.first_name,
        phone=contact.phone,
        email=contact.email,
        callback_instructions=contact.callback_instructions,
    )
    return reach if (reach.phone or reach.email) else None


def build_handoff_package(
    *,
    partner: AdapterInfo,
    case_id: str,
    referral_id: str,
    intake: Intake,
    urgency: Urgency,
    legal_basis: LegalBasis,
    reason: str | None,
    contact: ContactDetails,
    items: Sequence[QualifiedItem] = (),
) -> HandoffPackage:
    """The package for ``partner``: the facets it needs and nothing else."""
    facets = facets_for(partner)
    with_contact = Facet.CONTACT in facets and legal_basis not in NO_CONTACT_BASES
    offences = sorted({item.legal_qualification for item in items})
    return HandoffPackage(
        case_id=case_id,
        referral_id=referral_id,
        categories=list(intake.categories),
        age_band=intake.age_band,
        urgency=urgency,
        legal_basis=legal_basis,
        reason=reason,
        contact=reachable_contact(contact) if with_contact else None,
        items=[item.model_copy(deep=True) for item in items] if Facet.CONTENT in facets else [],
        risk_flags=list(intake.risk_flags) if Facet.RISK in facets else [],
        caller_role=intake.caller_role if Facet.RISK in facets else None,
        offences=offences if Facet.OFFENCES in facets else [],
    )
