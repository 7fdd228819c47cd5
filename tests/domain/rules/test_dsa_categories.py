"""Every legal qualification a counsellor can choose is counted under one DSA
Transparency Database category, with codes spelled as the database spells them."""

from domain.items import LegalQualification
from domain.rules.dsa_categories import (
    CATEGORY_LABELS,
    DSA_CATEGORIES,
    DsaCategory,
    DsaKeyword,
    dsa_category_of,
)


def test_every_qualification_has_a_category_and_every_category_a_label() -> None:
    assert set(DSA_CATEGORIES) == set(LegalQualification)
    assert set(CATEGORY_LABELS) == set(DsaCategory)
    assert all(code.startswith("STATEMENT_CATEGORY_") for code in DsaCategory)
    assert all(code.startswith("KEYWORD_") for code in DsaKeyword)


def test_offences_against_minors_count_as_protection_of_minors() -> None:
    for qualification in (
        LegalQualification.CHILD_SEXUAL_ABUSE_MATERIAL,
        LegalQualification.SEXUAL_SOLICITATION_OF_MINOR,
        LegalQualification.PROSTITUTION_OF_MINOR,
        LegalQualification.PORNOGRAPHY_SEEN_BY_MINORS,
    ):
        assert dsa_category_of(qualification).category is DsaCategory.PROTECTION_OF_MINORS


def test_a_notice_without_a_recorded_qualification_is_not_specified() -> None:
    assert dsa_category_of(None).category is DsaCategory.NOT_SPECIFIED_NOTICE
