"""Who may receive a referral without consent, the handoff deadlines, and which
partner news moves a referral on."""

from datetime import timedelta

import pytest

from domain.catalog import AdapterInfo, PartnerCatalog, PartnerKind
from domain.intake import Consents
from domain.policy import CasePolicy
from domain.referral import LegalBasis, ReferralStatus
from domain.rules.referral_rules import further, handoff_deadline, moves_on, referral_basis_problems

PARTNERS = {
    "pharos": PartnerKind.AUTHORITY,
    "police": PartnerKind.POLICE,
    "enfance-en-danger-119": PartnerKind.CHILD_PROTECTION,
    "france-victimes": PartnerKind.VICTIM_SUPPORT,
}
CATALOG = PartnerCatalog(
    partners={s: AdapterInfo(slug=s, display_name=s, kind=k) for s, k in PARTNERS.items()}
)
NO_CONSENT = Consents()


def test_consent_is_checked_per_partner() -> None:
    consents = Consents(referral_partners=["france-victimes"])
    assert referral_basis_problems("france-victimes", LegalBasis.CONSENT, CATALOG, consents) == []
    [problem] = referral_basis_problems("pharos", LegalBasis.CONSENT, CATALOG, consents)
    assert problem.msg == "partner: the victim has not consented to a referral to 'pharos'"
    assert (problem.loc, problem.code) == (["partner"], "no_partner_consent")


@pytest.mark.parametrize(
    ("partner", "basis"),
    [
        ("enfance-en-danger-119", LegalBasis.CHILD_IN_DANGER),
        ("police", LegalBasis.LIFE_AT_RISK),
        ("pharos", LegalBasis.ILLEGAL_CONTENT_REPORT),
    ],
)
def test_legal_exceptions_need_no_consent(partner: str, basis: LegalBasis) -> None:
    assert referral_basis_problems(partner, basis, CATALOG, NO_CONSENT) == []


@pytest.mark.parametrize(
    ("partner", "basis"),
    [
        ("france-victimes", LegalBasis.CHILD_IN_DANGER),
        ("police", LegalBasis.CHILD_IN_DANGER),
        ("enfance-en-danger-119", LegalBasis.LIFE_AT_RISK),
        ("france-victimes", LegalBasis.ILLEGAL_CONTENT_REPORT),
    ],
)
def test_a_legal_exception_reaches_only_the_partners_the_law_names(
    partner: str, basis: LegalBasis
) -> None:
    [problem] = referral_basis_problems(partner, basis, CATALOG, NO_CONSENT)
    assert problem.loc == ["legal_basis"]
    assert problem.msg.startswith(f"legal_basis: '{basis.value}' allows a referral without consent")
    assert f"'{partner}' is {PARTNERS[partner].value}" in problem.msg


def test_unknown_partner_is_named() -> None:
    [problem] = referral_basis_problems("cnil", LegalBasis.CONSENT, CATALOG, NO_CONSENT)
    assert problem.msg.startswith("partner: unknown partner 'cnil' (known: enfance-en-danger-119")
    assert problem.code == "unknown_partner"


def test_deadline_is_hours_for_119_and_police_and_days_for_others() -> None:
    policy = CasePolicy()
    info = {s: AdapterInfo(slug=s, display_name=s, kind=k) for s, k in PARTNERS.items()}
    assert handoff_deadline(policy, info["police"], emergency=False) == timedelta(hours=2)
    assert handoff_deadline(policy, info["enfance-en-danger-119"], False) == timedelta(hours=2)
    assert handoff_deadline(policy, info["france-victimes"], False) == timedelta(days=2)
    assert handoff_deadline(policy, info["pharos"], emergency=True) == timedelta(hours=2)


def test_news_moves_a_referral_only_forward() -> None:
    assert moves_on(ReferralStatus.ACKNOWLEDGED, ReferralStatus.IN_PROGRESS)
    assert moves_on(ReferralStatus.IN_PROGRESS, ReferralStatus.CLOSED)
    assert moves_on(ReferralStatus.PENDING, ReferralStatus.DECLINED)
    assert not moves_on(ReferralStatus.IN_PROGRESS, ReferralStatus.ACKNOWLEDGED)
    assert not moves_on(ReferralStatus.ACCEPTED, ReferralStatus.ACCEPTED)
    assert further(ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS) is ReferralStatus.ACCEPTED
    assert further(ReferralStatus.IN_PROGRESS, ReferralStatus.CLOSED) is ReferralStatus.CLOSED
