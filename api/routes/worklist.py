"""``GET /me/worklist``: what a counsellor works on today."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.auth import AuditTrailDep, CaseWorker
from api.deps import CaseCommandsDep, DatabaseDep, SettingsDep
from api.schemas.worklist import Worklist
from api.services.worklist import Worklists
from relais.clock import utc_now
from relais.db.repositories.worklist import WorklistBook

router = APIRouter(prefix="/me", tags=["counsellor's day"])


@router.get("/worklist")
async def my_worklist(
    actor: CaseWorker,
    commands: CaseCommandsDep,
    audit: AuditTrailDep,
    db: DatabaseDep,
    settings: SettingsDep,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=200, description="Cases per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Cases skipped")] = 0,
) -> Worklist:
    """My open cases (mine, shared with me, or reached through a task I claimed),
    most urgent first then soonest due; the callbacks due or due within 4 hours; my
    open tasks. A due callback I claimed says whom to call and how."""
    response.headers["Cache-Control"] = "no-store"
    timezone = settings.case_policy().opening_hours.timezone
    lists = Worklists(WorklistBook(db), commands, audit, timezone)
    return await lists.of(actor.subject, limit, offset, utc_now())
