"""``GET /me/worklist``: what a counsellor works on today (``application.worklist``)."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.doors import HelplineDep, permitted
from api.schemas.errors import CASE_READ_ERRORS
from application import worklist
from application.acting import Permit
from application.worklist_lines import Worklist
from relais.clock import utc_now

router = APIRouter(prefix="/me", tags=["counsellor's day"])


@router.get("/worklist", responses=CASE_READ_ERRORS)
async def my_worklist(
    permit: Annotated[Permit, permitted(worklist.my_worklist)],
    helpline: HelplineDep,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=200, description="Cases per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Cases skipped")] = 0,
) -> Worklist:
    """My open cases (mine, shared with me, or reached through a task I claimed),
    most urgent first then soonest due; the callbacks due or due within 4 hours; my
    open tasks. A due callback I claimed says whom to call and how."""
    response.headers["Cache-Control"] = "no-store"
    return await worklist.my_worklist(helpline, permit, limit, offset, utc_now())
