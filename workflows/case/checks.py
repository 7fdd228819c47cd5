"""What each update of a SupportCaseWorkflow refuses, as pure functions of the case
state and the request. Each problem names the offending field, so the counsellor
reads why (the API returns them as a 422)."""

from datetime import datetime, timedelta

from temporalio.exceptions import ApplicationError

from domain.case import (
    CallbackOutcomeRequest,
    CallbackResult,
    ClaimCallbackRequest,
    CloseRequest,
    ConsentScope,
    NoticeReviewRequest,
    RescheduleCallbackRequest,
    WithdrawConsentRequest,
)
from domain.catalog import PHAROS
from domain.items import AddItemsRequest
from domain.notice import NoticeStatus, ReviewChoice
from domain.referral import ReferralRequest
from domain.rules.referral_rules import referral_basis_problems
from domain.rules.validation import item_problems
from workflows.case.state import CaseState

MAX_RESCHEDULE = timedelta(days=60)
REVIEWABLE = frozenset(
    {NoticeStatus.REFUSED, NoticeStatus.STILL_ONLINE, NoticeStatus.REMOVAL_UNVERIFIED}
)


def rejection(problems: list[str]) -> ApplicationError:
    """How a validator refuses: the problems as message and as details."""
    return ApplicationError(
        "; ".join(problems), problems, type="RequestRejected", non_retryable=True
    )


def closed_problems(state: CaseState, closing: bool) -> list[str]:
    return ["case_id: the case is closed"] if state.closed_at is not None or closing else []


def outstanding_problems(state: CaseState, field: str) -> list[str]:
    outstanding = ", ".join(sorted(state.open_children))
    return [
        f"{field}: notices or referrals still outstanding ({outstanding}); "
        "close with force=true to cancel them"
    ]


def add_items_problems(state: CaseState, request: AddItemsRequest) -> list[str]:
    return item_problems(request.items, request.catalog or state.catalog, state.consents)


def referral_request_problems(state: CaseState, request: ReferralRequest) -> list[str]:
    consents = state.consents.model_copy(deep=True)
    if request.victim_consented:
        consents.referral_partners.append(request.partner)
    catalog = request.catalog or state.catalog
    if problems := referral_basis_problems(request.partner, request.legal_basis, catalog, consents):
        return problems
    return [
        f"partner: a referral to '{request.partner}' is already under way ({referral_id})"
        for referral_id in state.open_referrals()
        if state.referrals[referral_id].partner == request.partner
    ]


def callback_outcome_problems(state: CaseState, request: CallbackOutcomeRequest) -> list[str]:
    cb = state.callback
    if not state.consents.callback.consented:
        return ["result: the young person did not consent to a callback"]
    if not (cb.owed or cb.is_due or cb.due_at):
        return ["result: no callback is scheduled for this case"]
    if request.close_case and request.result is not CallbackResult.REACHED:
        return ["close_case: only a reached callback can close the case"]
    if request.close_case and state.open_children:
        return outstanding_problems(state, "close_case")
    return []


def close_problems(state: CaseState, request: CloseRequest) -> list[str]:
    if state.open_children and not request.force:
        return outstanding_problems(state, "force")
    return []


def review_problems(state: CaseState, request: NoticeReviewRequest) -> list[str]:
    notice = state.notices.get(request.notice_id)
    if notice is None:
        return [f"notice_id: no notice '{request.notice_id}' on this case"]
    if notice.status not in REVIEWABLE:
        return [
            f"notice_id: notice is {notice.status.value}; only a refused, still online or "
            "unverified notice is reviewed"
        ]
    if notice.review is not None:
        return [f"notice_id: already reviewed ({notice.review.value})"]
    if request.choice is ReviewChoice.REFER_TO_PHAROS and state.catalog.partner(PHAROS) is None:
        return ["choice: no Pharos adapter is registered"]
    return []


def withdraw_problems(state: CaseState, request: WithdrawConsentRequest) -> list[str]:
    consents = state.consents
    if request.scope is ConsentScope.PARTNER:
        if not request.partner:
            return ["partner: name the partner whose referral consent is withdrawn"]
        if request.partner not in consents.referral_partners:
            return [f"partner: no consent to a referral to '{request.partner}'"]
    elif request.scope is ConsentScope.PLATFORMS and not consents.report_to_platforms:
        return ["scope: no consent to report to platforms was given"]
    elif request.scope is ConsentScope.CALLBACK and not consents.callback.consented:
        return ["scope: no consent to a callback was given"]
    return []


def claim_problems(state: CaseState, request: ClaimCallbackRequest) -> list[str]:
    cb = state.callback
    if not cb.is_due:
        return ["callback: no callback is due on this case"]
    if cb.claimed_by is not None and cb.claimed_by != request.claimed_by:
        return [f"callback: already claimed by {cb.claimed_by}"]
    return []


def reschedule_problems(
    state: CaseState, request: RescheduleCallbackRequest, now: datetime
) -> list[str]:
    if not state.consents.callback.consented:
        return ["at: the young person did not consent to a callback"]
    if request.at.tzinfo is None:
        return ["at: give a time zone (e.g. 2026-11-24T18:00:00+01:00)"]
    if request.at <= now:
        return ["at: must be in the future"]
    if request.at > now + MAX_RESCHEDULE:
        return [f"at: at most {MAX_RESCHEDULE.days} days ahead"]
    return []


def reopen_problems(state: CaseState, now: datetime) -> list[str]:
    if state.closed_at is None:
        return ["case_id: the case is open"]
    if now >= state.closed_at + state.input.policy.reopen_window:
        return ["case_id: the reopen window has passed; open a new case"]
    return []
