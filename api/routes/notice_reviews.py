"""A counsellor's review of a refused notice, and the withdrawal of a consent."""

from fastapi import APIRouter, Path

from api.auth import AuditTrailDep, Counsellor
from api.deps import CaseCommandsDep
from api.routes.case_actions import ActionKey
from api.routes.cases import CaseId
from api.schemas.errors import CASE_UPDATE_ERRORS
from api.schemas.notice_reviews import ConsentWithdrawal, NoticeReviewCreate
from domain import contract
from domain.case import CaseView, NoticeReviewResult

router = APIRouter(prefix="/cases/{case_id}", tags=["case actions"], responses=CASE_UPDATE_ERRORS)


@router.post("/notices/{notice_id}/review")
async def review_notice(
    case_id: CaseId,
    body: NoticeReviewCreate,
    actor: Counsellor,
    commands: CaseCommandsDep,
    audit: AuditTrailDep,
    notice_id: str = Path(pattern=r"^[A-Za-z0-9_-]{1,100}$"),
    idempotency_key: ActionKey = None,
) -> NoticeReviewResult:
    """Answer a refusal (or content still online after a removal, or a removal Relais
    could not check itself): appeal to the platform, refer the content to Pharos, or
    accept the platform's decision."""
    result = await commands.update(
        case_id, contract.REVIEW_NOTICE, body.request(notice_id, actor.subject), idempotency_key
    )
    await audit.record("case.notice.review", case_id, f"notice={notice_id} choice={body.choice}")
    return result


@router.post("/consents/withdraw")
async def withdraw_consent(
    case_id: CaseId,
    body: ConsentWithdrawal,
    actor: Counsellor,
    commands: CaseCommandsDep,
    audit: AuditTrailDep,
    idempotency_key: ActionKey = None,
) -> CaseView:
    """The young person withdraws a consent: outstanding notices (or that partner's
    consented referrals, or the callback) are cancelled."""
    view = await commands.update(
        case_id, contract.WITHDRAW_CONSENT, body.request(actor.subject), idempotency_key
    )
    await audit.record(
        "case.consent.withdraw", case_id, f"scope={body.scope} partner={body.partner or '-'}"
    )
    return view
