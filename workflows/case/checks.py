"""What each update of a SupportCaseWorkflow refuses, as pure functions of the case
state and the request. Each problem names the offending field and carries a stable
code (:class:`domain.problems.Problem`): the validator raises them as the details of
its rejection and the API reports them as they are (a 422)."""

from datetime import datetime, timedelta

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
from domain.case_news import NewsConsentRequest
from domain.casework import (
    AssignRequest,
    ChangeUrgencyRequest,
    CorrectIntakeRequest,
    Handover,
    RecordRiskRequest,
)
from domain.catalog import PHAROS
from domain.intake import CaseOpening
from domain.items import AddItemsRequest
from domain.notice import NoticeStatus, ReviewChoice
from domain.problems import Problem, problem
from domain.referral import ReferralRequest
from domain.rules.referral_rules import referral_basis_problems
from domain.rules.validation import item_problems
from workflows.case.state import CaseState

MAX_RESCHEDULE = timedelta(days=60)
REVIEWABLE = frozenset(
    {NoticeStatus.REFUSED, NoticeStatus.STILL_ONLINE, NoticeStatus.REMOVAL_UNVERIFIED}
)


def closed_problems(state: CaseState) -> list[Problem]:
    if state.closed_at is None:
        return []
    return [problem("case_closed", ("case_id",), "case_id: the case is closed")]


def outstanding_problems(state: CaseState, field: str) -> list[Problem]:
    outstanding = ", ".join(sorted(state.open_children))
    return [
        problem(
            "work_outstanding",
            (field,),
            f"{field}: notices or referrals still outstanding ({outstanding}); "
            "close with force=true to cancel them",
        )
    ]


def add_items_problems(state: CaseState, request: AddItemsRequest) -> list[Problem]:
    return item_problems(request.items, request.catalog or state.catalog, state.consents)


def referral_request_problems(state: CaseState, request: ReferralRequest) -> list[Problem]:
    consents = state.consents.model_copy(deep=True)
    if request.victim_consented:
        consents.referral_partners.append(request.partner)
    catalog = request.catalog or state.catalog
    if problems := referral_basis_problems(request.partner, request.legal_basis, catalog, consents):
        return problems
    if under_way := state.referral_under_way(request.partner):
        return [
            problem(
                "referral_under_way",
                ("partner",),
                f"partner: a referral to '{request.partner}' is already under way ({under_way})",
            )
        ]
    return []


def callback_outcome_problems(state: CaseState, request: CallbackOutcomeRequest) -> list[Problem]:
    if not state.consents.callback.consented:
        return [
            problem(
                "no_callback_consent",
                ("result",),
                "result: the young person did not consent to a callback",
            )
        ]
    if not state.callback.outcome_expected:
        return [
            problem(
                "no_callback_scheduled",
                ("result",),
                "result: no callback is scheduled for this case",
            )
        ]
    if request.close_case and request.result is not CallbackResult.REACHED:
        return [
            problem(
                "close_needs_reached",
                ("close_case",),
                "close_case: only a reached callback can close the case",
            )
        ]
    if request.close_case and state.open_children:
        return outstanding_problems(state, "close_case")
    return []


def close_problems(state: CaseState, request: CloseRequest) -> list[Problem]:
    if state.open_children and not request.force:
        return outstanding_problems(state, "force")
    return []


def review_problems(state: CaseState, request: NoticeReviewRequest) -> list[Problem]:
    notice = state.notices.get(request.notice_id)
    if notice is None:
        return [
            problem(
                "notice_not_found",
                ("notice_id",),
                f"notice_id: no notice '{request.notice_id}' on this case",
            )
        ]
    if notice.status not in REVIEWABLE:
        return [
            problem(
                "notice_not_reviewable",
                ("notice_id",),
                f"notice_id: notice is {notice.status.value}; only a refused, still online or "
                "unverified notice is reviewed",
            )
        ]
    if notice.review is not None:
        return [
            problem(
                "notice_already_reviewed",
                ("notice_id",),
                f"notice_id: already reviewed ({notice.review.value})",
            )
        ]
    if request.choice is ReviewChoice.REFER_TO_PHAROS and state.catalog.partner(PHAROS) is None:
        return [problem("no_pharos", ("choice",), "choice: no Pharos adapter is registered")]
    return []


def withdraw_problems(state: CaseState, request: WithdrawConsentRequest) -> list[Problem]:
    consents = state.consents
    if request.scope is ConsentScope.PARTNER:
        if not request.partner:
            return [
                problem(
                    "partner_missing",
                    ("partner",),
                    "partner: name the partner whose referral consent is withdrawn",
                )
            ]
        if request.partner not in consents.referral_partners:
            return [
                problem(
                    "no_consent_given",
                    ("partner",),
                    f"partner: no consent to a referral to '{request.partner}'",
                )
            ]
    elif request.scope is ConsentScope.PLATFORMS and not consents.report_to_platforms:
        return [
            problem(
                "no_consent_given", ("scope",), "scope: no consent to report to platforms was given"
            )
        ]
    elif request.scope is ConsentScope.CALLBACK and not consents.callback.consented:
        return [
            problem("no_consent_given", ("scope",), "scope: no consent to a callback was given")
        ]
    return []


def news_consent_problems(state: CaseState, request: NewsConsentRequest) -> list[Problem]:
    """No more news when none was asked for; the same yes, in the same place, twice."""
    wanted, news = state.consents.case_news, state.news
    if not request.wanted and not wanted:
        return [problem("no_consent_given", ("wanted",), "wanted: no consent to news was given")]
    same_place = news.conversation_id == request.conversation_id
    if request.wanted and wanted and same_place and news.stopped_at is None:
        return [
            problem(
                "already_consented",
                ("wanted",),
                "wanted: the young person already asked for news of the case, there",
            )
        ]
    return []


def claim_problems(state: CaseState, request: ClaimCallbackRequest) -> list[Problem]:
    cb = state.callback
    if not cb.is_due:
        return [
            problem("callback_not_due", ("callback",), "callback: no callback is due on this case")
        ]
    if cb.claimed_by is not None and cb.claimed_by != request.actor:
        return [
            problem(
                "callback_claimed", ("callback",), f"callback: already claimed by {cb.claimed_by}"
            )
        ]
    return []


def reschedule_problems(
    state: CaseState, request: RescheduleCallbackRequest, now: datetime
) -> list[Problem]:
    if not state.consents.callback.consented:
        return [
            problem(
                "no_callback_consent", ("at",), "at: the young person did not consent to a callback"
            )
        ]
    if request.at.tzinfo is None:
        return [
            problem(
                "time_zone_missing",
                ("at",),
                "at: give a time zone (e.g. 2026-11-24T18:00:00+01:00)",
            )
        ]
    if request.at <= now:
        return [problem("time_in_past", ("at",), "at: must be in the future")]
    if request.at > now + MAX_RESCHEDULE:
        return [problem("time_too_far", ("at",), f"at: at most {MAX_RESCHEDULE.days} days ahead")]
    return []


def reopen_problems(state: CaseState, opening: CaseOpening, now: datetime) -> list[Problem]:
    if state.closed_at is None:
        return [problem("case_open", ("case_id",), "case_id: the case is open")]
    if now >= state.closed_at + opening.policy.reopen_window:
        return [
            problem(
                "reopen_window_passed",
                ("case_id",),
                "case_id: the reopen window has passed; open a new case",
            )
        ]
    return []


# ---- a counsellor's work beyond the opening ------------------------------------------


def contact_problems(state: CaseState, opening: CaseOpening, now: datetime) -> list[Problem]:
    """A later contact reopens a closed case inside its reopen window."""
    if state.closed_at is not None and now >= state.closed_at + opening.policy.reopen_window:
        return [
            problem(
                "reopen_window_passed",
                ("case_id",),
                "case_id: the case is closed and its reopen window has passed; open a new case",
            )
        ]
    return []


def risk_problems(state: CaseState, request: RecordRiskRequest) -> list[Problem]:
    if set(request.risk_flags) <= set(state.intake.risk_flags):
        return [
            problem(
                "risk_already_recorded",
                ("risk_flags",),
                "risk_flags: already recorded on this case",
            )
        ]
    return []


def urgency_problems(state: CaseState, request: ChangeUrgencyRequest) -> list[Problem]:
    if request.urgency is state.urgency:
        return [
            problem(
                "urgency_unchanged",
                ("urgency",),
                f"urgency: the case is {state.urgency.value} already",
            )
        ]
    return []


def correction_problems(state: CaseState, request: CorrectIntakeRequest) -> list[Problem]:
    intake = state.intake
    if (
        (request.categories is None or request.categories == intake.categories)
        and request.age_band in (None, intake.age_band)
        and request.caller_role in (None, intake.caller_role)
    ):
        return [
            problem(
                "nothing_to_correct",
                ("body",),
                "body: give a categories, age_band or caller_role that differs from the intake",
            )
        ]
    return []


def assign_problems(state: CaseState, request: AssignRequest) -> list[Problem]:
    if request.to == state.owner:
        return [problem("already_owner", ("to",), f"to: the case is already with {request.to}")]
    if request.kind is Handover.HANDED_OVER and request.actor != state.owner:
        return [
            problem(
                "not_the_owner",
                ("to",),
                f"to: only the case's counsellor ({state.owner}) hands it over; "
                "a supervisor assigns it",
            )
        ]
    return []
