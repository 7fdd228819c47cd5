"""Triage: which referrals start at once, and how urgent a case is.

Immediate danger overrides consent where the law requires it: a child in danger is
reported to 119 (Code de l'action sociale et des familles, art. L226-3), a life at
risk goes to the police at once. A partner that referred the young person to the
helpline already knows the danger it described: it is not alerted again by triage
(a counsellor can still refer to it when something new comes up).
"""

from pydantic import BaseModel, Field

from domain.catalog import CHILD_PROTECTION_119, POLICE
from domain.intake import Category, Intake, RiskFlag, Urgency
from domain.referral import LegalBasis

# Risk flag -> partners to alert at once, with the legal basis that allows it.
_EMERGENCY_REFERRALS: dict[RiskFlag, tuple[tuple[str, LegalBasis], ...]] = {
    RiskFlag.SUICIDAL_RISK: ((POLICE, LegalBasis.LIFE_AT_RISK),),
    RiskFlag.ONGOING_SEXUAL_EXPLOITATION: (
        (POLICE, LegalBasis.LIFE_AT_RISK),
        (CHILD_PROTECTION_119, LegalBasis.CHILD_IN_DANGER),
    ),
    RiskFlag.MINOR_IN_PROSTITUTION: (
        (POLICE, LegalBasis.LIFE_AT_RISK),
        (CHILD_PROTECTION_119, LegalBasis.CHILD_IN_DANGER),
    ),
    RiskFlag.CHILD_AT_RISK_AT_HOME: ((CHILD_PROTECTION_119, LegalBasis.CHILD_IN_DANGER),),
}

_HIGH_URGENCY_CATEGORIES = frozenset(
    {
        Category.INTIMATE_IMAGE,
        Category.SEXTORTION,
        Category.GROOMING,
        Category.PROSTITUTION_OF_MINOR,
    }
)


class EmergencyReferral(BaseModel):
    partner: str
    legal_basis: LegalBasis


class TriageDecision(BaseModel):
    urgency: Urgency
    emergency_referrals: list[EmergencyReferral]
    already_informed: list[str] = Field(
        default_factory=list,
        description="Partners the danger calls for that referred the case themselves",
    )


def triage(intake: Intake, *, referred_by: str | None = None) -> TriageDecision:
    """``referred_by``: the slug of the partner that handed the case to the helpline."""
    referrals: dict[str, LegalBasis] = {}
    for flag in intake.risk_flags:
        for partner, basis in _EMERGENCY_REFERRALS[flag]:
            referrals.setdefault(partner, basis)
    informed = [referred_by] if referred_by in referrals else []
    if referrals:
        urgency = Urgency.CRITICAL
    elif _HIGH_URGENCY_CATEGORIES.intersection(intake.categories):
        urgency = Urgency.HIGH
    elif set(intake.categories) <= {Category.SCREEN_TIME, Category.OTHER}:
        urgency = Urgency.LOW
    else:
        urgency = Urgency.NORMAL
    return TriageDecision(
        urgency=urgency,
        emergency_referrals=[
            EmergencyReferral(partner=p, legal_basis=b)
            for p, b in sorted(referrals.items())
            if p not in informed
        ],
        already_informed=informed,
    )
