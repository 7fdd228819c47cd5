"""Rules of a referral: who may receive it without consent, how long the automatic
handoff may take before a counsellor phones, and which partner news moves it on.

The legal exceptions are explicit: a child in danger is reported to child
protection (119, Code de l'action sociale et des familles art. L226-3) without the
family's consent; a life at risk goes to the police (assistance to a person in
danger, Code penal art. 223-6); illegal content is reported to an authority such as
Pharos without the victim's consent because no personal data goes with it.
"""

from datetime import timedelta

from domain.catalog import AdapterInfo, PartnerCatalog, PartnerKind
from domain.intake import Consents
from domain.policy import CasePolicy
from domain.problems import Problem, problem
from domain.referral import LateAnswer, LegalBasis, ReferralStatus

# Legal basis -> the kinds of partner it allows a referral to without consent.
LEGAL_EXCEPTIONS: dict[LegalBasis, frozenset[PartnerKind]] = {
    LegalBasis.CHILD_IN_DANGER: frozenset({PartnerKind.CHILD_PROTECTION}),
    LegalBasis.LIFE_AT_RISK: frozenset({PartnerKind.POLICE}),
    LegalBasis.ILLEGAL_CONTENT_REPORT: frozenset({PartnerKind.AUTHORITY}),
}

# Partners a counsellor phones within hours when the automatic handoff is stuck.
URGENT_KINDS = frozenset({PartnerKind.POLICE, PartnerKind.CHILD_PROTECTION})

# What a partner says when it has taken a referral on.
TAKEN_OVER = frozenset(
    {ReferralStatus.ACKNOWLEDGED, ReferralStatus.IN_PROGRESS, ReferralStatus.ACCEPTED}
)

# How far along a referral is: news that would move it backwards is stale.
_RANK: dict[ReferralStatus, int] = {
    ReferralStatus.PENDING: 0,
    ReferralStatus.SENT: 1,
    ReferralStatus.ACKNOWLEDGED: 2,
    ReferralStatus.IN_PROGRESS: 3,
    ReferralStatus.ACCEPTED: 4,
    ReferralStatus.CLOSED: 5,
    ReferralStatus.DECLINED: 5,
    ReferralStatus.FAILED: 5,
    ReferralStatus.CANCELLED: 5,
}


def handoff_deadline(policy: CasePolicy, partner: AdapterInfo, emergency: bool) -> timedelta:
    """Hours for 119 and the police (and any emergency), days for the others."""
    if emergency or partner.kind in URGENT_KINDS:
        return policy.emergency_handoff_deadline
    return policy.handoff_deadline


def referral_basis_problems(
    partner_slug: str, basis: LegalBasis, catalog: PartnerCatalog, consents: Consents
) -> list[Problem]:
    """Why a referral to ``partner_slug`` on ``basis`` may not go (each problem
    names its field), or nothing when it may."""
    partner = catalog.partner(partner_slug)
    if partner is None:
        known = ", ".join(sorted(catalog.partners)) or "none registered"
        return [
            problem(
                "unknown_partner",
                ("partner",),
                f"partner: unknown partner '{partner_slug}' (known: {known})",
            )
        ]
    if basis is LegalBasis.CONSENT:
        if partner_slug not in consents.referral_partners:
            return [
                problem(
                    "no_partner_consent",
                    ("partner",),
                    f"partner: the victim has not consented to a referral to '{partner_slug}'",
                )
            ]
        return []
    allowed = LEGAL_EXCEPTIONS.get(basis, frozenset())
    if partner.kind not in allowed:
        kinds = ", ".join(sorted(k.value for k in allowed)) or "no partner"
        return [
            problem(
                "legal_basis_not_allowed",
                ("legal_basis",),
                f"legal_basis: '{basis.value}' allows a referral without consent to {kinds} "
                f"only; '{partner_slug}' is {partner.kind.value}",
            )
        ]
    return []


def moves_on(current: ReferralStatus, news: ReferralStatus) -> bool:
    """True when the partner's news takes the referral further than it is."""
    return _RANK[news] > _RANK[current]


def further(a: ReferralStatus, b: ReferralStatus) -> ReferralStatus:
    """The more advanced of two statuses (``b`` on a tie: the later news)."""
    return a if _RANK[a] > _RANK[b] else b


def answer_after_end(answer: LateAnswer, ended: ReferralStatus) -> str:
    """The case's words for a partner's answer about a referral that had ended."""
    news = answer.news
    reference = f" (reference '{news.partner_reference}')" if news.partner_reference else ""
    return (
        f"the partner answered '{news.status.value}'{reference} after the referral had "
        f"ended ({ended.value})"
    )


def answer_after_closing_task(answer: LateAnswer, case_id: str) -> tuple[str, str]:
    """A supervisor's task about a partner's answer on a referral of a closed case:
    which occasion it is (with the case and the kind, the task's id: the same answer
    twice is one task) and what to do."""
    status = answer.news.status
    said = "took over" if status in TAKEN_OVER else f"answered '{status.value}' about"
    summary = (
        f"{answer.partner} {said} referral {answer.referral_id} after case {case_id} was "
        "closed: read the case's timeline and audit trail, then reopen the case or tell "
        "the partner"
    )
    return f"{answer.referral_id}-{status.value}-after-closing", summary
