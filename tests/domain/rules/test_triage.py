"""Triage rules: who is alerted at once, on which legal basis, and how urgent."""

import pytest

from domain.catalog import CHILD_PROTECTION_119, POLICE
from domain.intake import AgeBand, CallerRole, Category, Channel, Intake, RiskFlag, Urgency
from domain.referral import LegalBasis
from domain.rules.triage import triage


def intake(categories: list[Category], flags: list[RiskFlag] | None = None) -> Intake:
    return Intake(
        channel=Channel.PHONE,
        caller_role=CallerRole.VICTIM,
        age_band=AgeBand.AGE_11_14,
        categories=categories,
        risk_flags=flags or [],
    )


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        (RiskFlag.SUICIDAL_RISK, {POLICE: LegalBasis.LIFE_AT_RISK}),
        (RiskFlag.CHILD_AT_RISK_AT_HOME, {CHILD_PROTECTION_119: LegalBasis.CHILD_IN_DANGER}),
        (
            RiskFlag.ONGOING_SEXUAL_EXPLOITATION,
            {POLICE: LegalBasis.LIFE_AT_RISK, CHILD_PROTECTION_119: LegalBasis.CHILD_IN_DANGER},
        ),
        (
            RiskFlag.MINOR_IN_PROSTITUTION,
            {POLICE: LegalBasis.LIFE_AT_RISK, CHILD_PROTECTION_119: LegalBasis.CHILD_IN_DANGER},
        ),
    ],
)
def test_immediate_danger_alerts_partners_at_once(
    flag: RiskFlag, expected: dict[str, LegalBasis]
) -> None:
    decision = triage(intake([Category.SEXTORTION], [flag]))
    assert decision.urgency is Urgency.CRITICAL
    assert {r.partner: r.legal_basis for r in decision.emergency_referrals} == expected


def test_several_flags_alert_each_partner_once() -> None:
    decision = triage(
        intake(
            [Category.GROOMING],
            [
                RiskFlag.SUICIDAL_RISK,
                RiskFlag.ONGOING_SEXUAL_EXPLOITATION,
                RiskFlag.CHILD_AT_RISK_AT_HOME,
            ],
        )
    )
    assert [r.partner for r in decision.emergency_referrals] == sorted(
        {POLICE, CHILD_PROTECTION_119}
    )


@pytest.mark.parametrize(
    ("categories", "urgency"),
    [
        ([Category.INTIMATE_IMAGE], Urgency.HIGH),
        ([Category.CYBERHARASSMENT, Category.SEXTORTION], Urgency.HIGH),
        ([Category.CYBERHARASSMENT], Urgency.NORMAL),
        ([Category.HACKING, Category.IDENTITY_THEFT], Urgency.NORMAL),
        ([Category.SCREEN_TIME], Urgency.LOW),
        ([Category.SCREEN_TIME, Category.OTHER], Urgency.LOW),
    ],
)
def test_urgency_without_immediate_danger(categories: list[Category], urgency: Urgency) -> None:
    decision = triage(intake(categories))
    assert decision.urgency is urgency
    assert decision.emergency_referrals == []


def test_the_referring_partner_is_not_alerted_again_about_what_it_reported() -> None:
    """119 hands over a child at risk at home: 119 already knows, nobody else is called
    for that flag, and the case stays critical."""
    decision = triage(
        intake([Category.CYBERHARASSMENT], [RiskFlag.CHILD_AT_RISK_AT_HOME]),
        referred_by=CHILD_PROTECTION_119,
    )
    assert decision.urgency is Urgency.CRITICAL
    assert decision.emergency_referrals == []
    assert decision.already_informed == [CHILD_PROTECTION_119]


def test_other_partners_are_still_alerted_when_a_partner_refers() -> None:
    decision = triage(
        intake([Category.GROOMING], [RiskFlag.ONGOING_SEXUAL_EXPLOITATION]),
        referred_by=CHILD_PROTECTION_119,
    )
    assert [(r.partner, r.legal_basis) for r in decision.emergency_referrals] == [
        (POLICE, LegalBasis.LIFE_AT_RISK)
    ]
    assert decision.already_informed == [CHILD_PROTECTION_119]


def test_a_referring_partner_the_danger_does_not_call_for_changes_nothing() -> None:
    flagged = intake([Category.SEXTORTION], [RiskFlag.SUICIDAL_RISK])
    decision = triage(flagged, referred_by="france-victimes")
    assert decision == triage(flagged)
    assert decision.already_informed == []
