"""The minimal handoff package: each partner gets only what it needs."""

import pytest

from domain.catalog import AdapterInfo, PartnerKind
from domain.intake import Urgency
from domain.items import QualifiedItem
from domain.personal import ContactDetails
from domain.referral import HandoffPackage, LegalBasis
from domain.rules.handoff_package import build_handoff_package, reachable_contact
from tests.support import builders

INTAKE = builders.intake(
    caller_role="parent",
    age_band="11_14",
    categories=["sextortion", "intimate_image"],
    risk_flags=["suicidal_risk"],
    consents={},
)
CONTACT = ContactDetails(
    first_name="Lea",
    phone="+33600000000",
    email="lea@example.org",
    handles=["@lea_private"],
    free_text="the counsellor's notes",
    callback_instructions="never on the family phone",
)
ITEM = QualifiedItem.model_validate(
    {
        "platform": "snapchat",
        "content_type": "image",
        "legal_qualification": "intimate_image_without_consent",
        "location": {"url": "https://www.snapchat.com/add/someone"},
        "evidence": [{"digest": "ab" * 32}],
    }
)


def partner(slug: str, kind: PartnerKind) -> AdapterInfo:
    return AdapterInfo(slug=slug, display_name=slug, kind=kind)


def package(
    to: AdapterInfo, basis: LegalBasis = LegalBasis.CONSENT, contact: ContactDetails = CONTACT
) -> HandoffPackage:
    return build_handoff_package(
        partner=to,
        case_id="c1",
        referral_id="c1-r1",
        intake=INTAKE,
        urgency=Urgency.CRITICAL,
        legal_basis=basis,
        reason="a non-personal reason",
        contact=contact,
        items=[ITEM],
    )


def test_pharos_gets_the_content_and_no_way_to_reach_the_young_person() -> None:
    sent = package(partner("pharos", PartnerKind.AUTHORITY), LegalBasis.ILLEGAL_CONTENT_REPORT)
    assert sent.contact is None
    assert [i.location.url for i in sent.items] == ["https://www.snapchat.com/add/someone"]
    assert sent.items[0].evidence[0].digest == "ab" * 32
    assert sent.risk_flags == [] and sent.caller_role is None and sent.offences == []
    assert sent.categories == INTAKE.categories and sent.age_band == INTAKE.age_band


def test_pharos_registered_under_another_kind_still_gets_no_contact() -> None:
    sent = package(partner("pharos", PartnerKind.VICTIM_SUPPORT))
    assert sent.contact is None and len(sent.items) == 1


def test_police_get_contact_risk_and_offences_but_not_where_the_content_is() -> None:
    sent = package(partner("police", PartnerKind.POLICE), LegalBasis.LIFE_AT_RISK)
    assert sent.contact is not None and sent.contact.phone == "+33600000000"
    assert sent.risk_flags == INTAKE.risk_flags
    assert sent.caller_role == "parent"
    assert sent.offences == ["intimate_image_without_consent"]
    assert sent.items == []


def test_119_gets_contact_and_risk_without_offences_or_content() -> None:
    sent = package(partner("119", PartnerKind.CHILD_PROTECTION), LegalBasis.CHILD_IN_DANGER)
    assert sent.contact is not None
    assert sent.risk_flags == INTAKE.risk_flags and sent.caller_role == "parent"
    assert sent.offences == [] and sent.items == []


def test_victim_support_gets_contact_and_categories_only() -> None:
    sent = package(partner("france-victimes", PartnerKind.VICTIM_SUPPORT))
    assert sent.contact is not None
    assert sent.categories == INTAKE.categories
    assert sent.risk_flags == [] and sent.caller_role is None
    assert sent.offences == [] and sent.items == []


@pytest.mark.parametrize("kind", [PartnerKind.OTHER, PartnerKind.PLATFORM])
def test_an_unknown_kind_of_partner_gets_the_bare_minimum(kind: PartnerKind) -> None:
    sent = package(partner("someone", kind))
    assert sent.contact is None and sent.items == [] and sent.risk_flags == []
    assert sent.offences == [] and sent.caller_role is None


@pytest.mark.parametrize(
    "to", [partner("police", PartnerKind.POLICE), partner("fv", PartnerKind.VICTIM_SUPPORT)]
)
def test_handles_and_counsellor_notes_never_leave_the_helpline(to: AdapterInfo) -> None:
    sent = package(to).model_dump_json()
    assert "@lea_private" not in sent
    assert "notes" not in sent
    assert "never on the family phone" in sent  # how to call safely does go


def test_no_contact_without_consent_to_report_people() -> None:
    assert (
        package(partner("police", PartnerKind.POLICE), LegalBasis.ILLEGAL_CONTENT_REPORT).contact
        is None
    )


def test_a_contact_with_no_phone_or_email_is_no_way_to_reach_anyone() -> None:
    assert reachable_contact(ContactDetails(first_name="Lea", handles=["@x"])) is None
    sent = package(partner("fv", PartnerKind.VICTIM_SUPPORT), contact=ContactDetails())
    assert sent.contact is None
