"""Act on an open case: qualify items, request referrals, review a refused notice,
withdraw a consent, record the young person's answer about news of their case
(``application.case_news``), close, reopen (``application.case_actions``).

Each action is a workflow update: the workflow validates it against the case (a
rejection is a 422 naming the field) and accepts it at once; the slow work
(notices, handoffs) runs in the background. An ``Idempotency-Key`` makes a retry safe.
"""

from typing import Annotated

from fastapi import APIRouter, Path, status

from api.doors import CaseId, HelplineDep, permitted
from api.idempotency import ActionKey
from api.schemas.errors import CASE_UPDATE_ERRORS
from application import case_actions, case_news
from application.acting import Permit
from application.case_news import NewsConsent
from application.requests.case_actions import (
    CaseClose,
    CaseReopen,
    ConsentWithdrawal,
    ItemsAccepted,
    ItemsCreate,
    NoticeReviewCreate,
    ReferralCreate,
)
from domain.case import CaseView, NoticeReviewResult
from domain.referral import ReferralOutcome

router = APIRouter(prefix="/cases/{case_id}", tags=["case actions"], responses=CASE_UPDATE_ERRORS)


@router.post("/items", status_code=status.HTTP_202_ACCEPTED)
async def add_items(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(case_actions.add_items)],
    body: ItemsCreate,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> ItemsAccepted:
    """Qualify harmful items; one takedown notice per item goes out in the background."""
    return await case_actions.add_items(helpline, permit, body, idempotency_key)


@router.post("/referrals", status_code=status.HTTP_202_ACCEPTED)
async def request_referral(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(case_actions.request_referral)],
    body: ReferralCreate,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> ReferralOutcome:
    """Hand the case to a partner (with the victim's consent); the handoff runs in the
    background and its status shows on the case."""
    return await case_actions.request_referral(helpline, permit, body, idempotency_key)


@router.post("/notices/{notice_id}/review")
async def review_notice(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(case_actions.review_notice)],
    body: NoticeReviewCreate,
    helpline: HelplineDep,
    notice_id: str = Path(pattern=r"^[A-Za-z0-9_-]{1,100}$"),
    idempotency_key: ActionKey = None,
) -> NoticeReviewResult:
    """Answer a refusal (or content still online after a removal, or a removal Relais
    could not check itself): appeal to the platform, refer the content to Pharos, or
    accept the platform's decision."""
    return await case_actions.review_notice(helpline, permit, notice_id, body, idempotency_key)


@router.post("/consents/withdraw")
async def withdraw_consent(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(case_actions.withdraw_consent)],
    body: ConsentWithdrawal,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> CaseView:
    """The young person withdraws a consent: outstanding notices (or that partner's
    consented referrals, or the callback) are cancelled."""
    return await case_actions.withdraw_consent(helpline, permit, body, idempotency_key)


@router.post("/news")
async def record_news_consent(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(case_news.record_news_consent)],
    body: NewsConsent,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> CaseView:
    """The young person's answer about news of their case, after its opening: `wanted`
    true (told on WhatsApp or Messenger when what they reported is removed, a referral
    is accepted, a callback is planned, the case closes) or false (no more news).
    `conversation_id`: the conversation of this case where they answered; the news then
    go to its channel. A 422 names the field: `conversation_id` (not this case's, or
    the web chat), `wanted` (no news was asked for; the same yes twice)."""
    return await case_news.record_news_consent(helpline, permit, body, idempotency_key)


@router.post("/close")
async def close_case(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(case_actions.close_case)],
    body: CaseClose,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> CaseView:
    """Close the case (``force`` cancels notices and referrals still outstanding)."""
    return await case_actions.close_case(helpline, permit, body, idempotency_key)


@router.post("/reopen")
async def reopen_case(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(case_actions.reopen_case)],
    body: CaseReopen,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> CaseView:
    """Reopen a closed case within the reopen window: same case, same history."""
    return await case_actions.reopen_case(helpline, permit, body, idempotency_key)
