"""What a ReferralWorkflow refuses of a phone handoff, as a pure function of its
state: each problem names the field and carries a stable code."""

from domain.problems import Problem, problem
from domain.referral import ManualHandoffRequest, ReferralStatus
from workflows.referral.state import ReferralInput, ReferralState

# Stages at which a counsellor may still record a phone handoff.
AWAITING_HANDOFF = frozenset({ReferralStatus.PENDING, ReferralStatus.FAILED})


def phone_handoff_problems(
    state: ReferralState, input: ReferralInput, request: ManualHandoffRequest
) -> list[Problem]:
    referral_id = input.referral_id
    if request.case_id != input.case_id:
        return [
            problem(
                "referral_of_another_case",
                ("referral_id",),
                f"referral_id: referral {referral_id} is not part of this case",
            )
        ]
    if state.phone_handoff is not None:
        if state.phone_handoff.partner_reference == request.partner_reference:
            return []  # the same phone handoff again: answered with the outcome
        return [
            problem(
                "phone_handoff_recorded",
                ("partner_reference",),
                "partner_reference: a phone handoff was already recorded under reference "
                f"'{state.phone_handoff.partner_reference}'",
            )
        ]
    if state.status is ReferralStatus.CANCELLED or state.finished:
        return [
            problem(
                "referral_ended",
                ("referral_id",),
                f"referral_id: referral {referral_id} is {state.status.value}",
            )
        ]
    if state.status not in AWAITING_HANDOFF:
        return [
            problem(
                "handoff_received",
                ("partner_reference",),
                "partner_reference: the partner already received the automatic handoff "
                f"(reference '{state.reference}'); no phone handoff is needed",
            )
        ]
    return []
