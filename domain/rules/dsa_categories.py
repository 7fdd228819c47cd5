"""Each legal qualification, as the DSA Transparency Database categorises it.

Platforms file a statement of reasons (DSA Art. 17, 24(5)) for each decision in the
DSA Transparency Database, under one ``category`` and optional keywords
(``category_specification``), with ``source_type = SOURCE_TRUSTED_FLAGGER`` when a
trusted flagger's notice prompted it. Counting our notices under the same
categories lets the yearly report (Art. 22(3)) be set against the platforms' own
statements.

Source: the DSA Transparency Database API documentation (the "Category" and
"Category Specification" attributes), European Commission,
https://transparency.dsa.ec.europa.eu/page/api-documentation, in its version with
the categories "Cyber violence" and "Consumer information infringements" (2025).
The codes and labels below are copied from there; which category and keyword fits
each offence of the Code penal is the helpline's choice, written once here and
explained in docs/auditing.md.
"""

from enum import StrEnum
from typing import NamedTuple

from domain.items import LegalQualification


class DsaCategory(StrEnum):
    """The Transparency Database's statement categories this helpline reports under
    (its full list has more: animal welfare, intellectual property, ...)."""

    CYBER_VIOLENCE = "STATEMENT_CATEGORY_CYBER_VIOLENCE"
    PROTECTION_OF_MINORS = "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
    SCAMS_AND_FRAUD = "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"
    SELF_HARM = "STATEMENT_CATEGORY_SELF_HARM"
    NOT_SPECIFIED_NOTICE = "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE"


CATEGORY_LABELS: dict[DsaCategory, str] = {
    DsaCategory.CYBER_VIOLENCE: "Cyber violence",
    DsaCategory.PROTECTION_OF_MINORS: "Protection of minors",
    DsaCategory.SCAMS_AND_FRAUD: "Scams and/or fraud",
    DsaCategory.SELF_HARM: "Self-harm",
    DsaCategory.NOT_SPECIFIED_NOTICE: (
        "Type of alleged illegal content not specified by the notifier"
    ),
}


class DsaKeyword(StrEnum):
    """Keywords (``category_specification``) of the Transparency Database used here."""

    CYBER_HARASSMENT = "KEYWORD_CYBER_HARASSMENT"
    CYBER_BULLYING_INTIMIDATION = "KEYWORD_CYBER_BULLYING_INTIMIDATION"
    NON_CONSENSUAL_IMAGE_SHARING = "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING"
    IMPERSONATION_ACCOUNT_HIJACKING = "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING"
    CHILD_SEXUAL_ABUSE_MATERIAL = "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"
    GROOMING_SEXUAL_ENTICEMENT_MINORS = "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS"
    HUMAN_EXPLOITATION = "KEYWORD_HUMAN_EXPLOITATION"
    AGE_SPECIFIC_RESTRICTIONS_MINORS = "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS"
    SUICIDE = "KEYWORD_SUICIDE"


class DsaStatementCategory(NamedTuple):
    category: DsaCategory
    keyword: DsaKeyword | None


DSA_CATEGORIES: dict[LegalQualification, DsaStatementCategory] = {
    LegalQualification.CYBERHARASSMENT: DsaStatementCategory(
        DsaCategory.CYBER_VIOLENCE, DsaKeyword.CYBER_HARASSMENT
    ),
    LegalQualification.INTIMATE_IMAGE_WITHOUT_CONSENT: DsaStatementCategory(
        DsaCategory.CYBER_VIOLENCE, DsaKeyword.NON_CONSENSUAL_IMAGE_SHARING
    ),
    # Sextortion: threats to publish, to obtain images or money.
    LegalQualification.BLACKMAIL: DsaStatementCategory(
        DsaCategory.CYBER_VIOLENCE, DsaKeyword.CYBER_BULLYING_INTIMIDATION
    ),
    LegalQualification.IDENTITY_THEFT: DsaStatementCategory(
        DsaCategory.SCAMS_AND_FRAUD, DsaKeyword.IMPERSONATION_ACCOUNT_HIJACKING
    ),
    LegalQualification.HACKING: DsaStatementCategory(
        DsaCategory.SCAMS_AND_FRAUD, DsaKeyword.IMPERSONATION_ACCOUNT_HIJACKING
    ),
    LegalQualification.CHILD_SEXUAL_ABUSE_MATERIAL: DsaStatementCategory(
        DsaCategory.PROTECTION_OF_MINORS, DsaKeyword.CHILD_SEXUAL_ABUSE_MATERIAL
    ),
    LegalQualification.SEXUAL_SOLICITATION_OF_MINOR: DsaStatementCategory(
        DsaCategory.PROTECTION_OF_MINORS, DsaKeyword.GROOMING_SEXUAL_ENTICEMENT_MINORS
    ),
    LegalQualification.PROSTITUTION_OF_MINOR: DsaStatementCategory(
        DsaCategory.PROTECTION_OF_MINORS, DsaKeyword.HUMAN_EXPLOITATION
    ),
    LegalQualification.PORNOGRAPHY_SEEN_BY_MINORS: DsaStatementCategory(
        DsaCategory.PROTECTION_OF_MINORS, DsaKeyword.AGE_SPECIFIC_RESTRICTIONS_MINORS
    ),
    LegalQualification.INCITEMENT_TO_SUICIDE: DsaStatementCategory(
        DsaCategory.SELF_HARM, DsaKeyword.SUICIDE
    ),
}

# Notices recorded before their qualification was kept (migration 0005).
UNQUALIFIED = DsaStatementCategory(DsaCategory.NOT_SPECIFIED_NOTICE, None)


def dsa_category_of(qualification: LegalQualification | None) -> DsaStatementCategory:
    return UNQUALIFIED if qualification is None else DSA_CATEGORIES[qualification]
