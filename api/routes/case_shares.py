"""Share a case with another counsellor (the read rule: docs/privacy.md)."""

from typing import Annotated

from fastapi import APIRouter, status

from api.doors import CaseId, HelplineDep, permitted
from api.idempotency import ActionKey
from application import shares
from application.acting import Permit
from application.requests.shares import CaseShare, CaseShareCreate

router = APIRouter(prefix="/cases/{case_id}/shares", tags=["cases"])


@router.get("")
async def list_shares(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(shares.list_shares)],
    helpline: HelplineDep,
) -> list[CaseShare]:
    """Who besides supervisors may read the case, and why."""
    return await shares.list_shares(helpline, permit)


@router.post("", status_code=status.HTTP_201_CREATED)
async def share_case(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(shares.share_case)],
    body: CaseShareCreate,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> CaseShare:
    """Let another counsellor read and act on the case (a colleague taking over, a
    second opinion). Idempotent: sharing twice keeps the first grant."""
    return await shares.share_case(helpline, permit, body, idempotency_key)
