"""Share a case with another counsellor (the read rule: docs/privacy.md)."""

from fastapi import APIRouter, status

from api.auth import AuditTrailDep, CaseWorker, ReadableCase
from api.deps import DatabaseDep
from api.routes.cases import CaseId
from api.schemas.case_shares import CaseShare, CaseShareCreate
from relais.clock import utc_now
from relais.db.repositories.access import AccessReason, CaseAccessBook

router = APIRouter(prefix="/cases/{case_id}/shares", tags=["cases"], dependencies=[ReadableCase])


@router.get("")
async def list_shares(
    case_id: CaseId, actor: CaseWorker, db: DatabaseDep, audit: AuditTrailDep
) -> list[CaseShare]:
    """Who besides supervisors may read the case, and why."""
    grants = await CaseAccessBook(db).grants(case_id)
    await audit.record("case.shares.read", case_id, f"shares={len(grants)}")
    return [
        CaseShare(
            case_id=g.case_id,
            counsellor=g.subject,
            reason=g.reason,
            granted_by=g.granted_by,
            granted_at=g.granted_at,
        )
        for g in grants
    ]


@router.post("", status_code=status.HTTP_201_CREATED)
async def share_case(
    case_id: CaseId,
    body: CaseShareCreate,
    actor: CaseWorker,
    db: DatabaseDep,
    audit: AuditTrailDep,
) -> CaseShare:
    """Let another counsellor read and act on the case (a colleague taking over, a
    second opinion). Idempotent: sharing twice keeps the first grant."""
    book = CaseAccessBook(db)
    now = utc_now()
    if await book.grant(case_id, body.counsellor, AccessReason.SHARED, actor.subject, now):
        await audit.record("case.share", case_id, f"with={body.counsellor}")
    grant = next(g for g in await book.grants(case_id) if g.subject == body.counsellor)
    return CaseShare(
        case_id=case_id,
        counsellor=grant.subject,
        reason=grant.reason,
        granted_by=grant.granted_by,
        granted_at=grant.granted_at,
    )
