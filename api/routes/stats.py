"""Figures a supervisor or an auditor reads: no personal data, only counts and times
(``application.figures``)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.doors import HelplineDep, permitted
from api.routes import documents
from application.acting import Permit
from application.figures import reads
from application.figures.periods import resolve_period
from application.figures.platform_scorecard import PlatformScorecard
from application.figures.removal_times import RemovalTimes

router = APIRouter(prefix="/stats", tags=["statistics"])


@router.get("/removal-times")
async def get_removal_times(
    permit: Annotated[Permit, permitted(reads.read_removal_times)],
    helpline: HelplineDep,
    since: Annotated[datetime | None, Query(description="Removals verified at or after")] = None,
    until: Annotated[datetime | None, Query(description="Removals verified before")] = None,
    platform: Annotated[str | None, Query(max_length=64)] = None,
) -> RemovalTimes:
    """Time from notice to verified removal, per platform: p50 and p90 over the period."""
    return await reads.read_removal_times(helpline, permit, since, until, platform)


@router.get(
    "/platforms",
    response_model=PlatformScorecard,
    responses=documents.IN_EVERY_FORMAT,
)
async def get_platform_scorecard(
    request: Request,
    permit: Annotated[Permit, permitted(reads.read_scorecard)],
    helpline: HelplineDep,
    year: documents.Year = None,
    since: documents.Since = None,
    until: documents.Until = None,
    format: documents.FormatQuery = "json",
) -> PlatformScorecard | Response:
    """How each platform answered the notices submitted in the period: removal,
    refusal and no-answer rates, time to removal (p50, p90, max), shares removed
    within 1 h, 24 h and 7 days and after 42 days, re-notices, SLA breaches, appeals
    and their outcome. Counts and durations only."""
    start, end = resolve_period(year, since, until)
    card = await reads.read_scorecard(helpline, permit, start, end, format)
    if format != "json":
        return documents.scorecard_document(card, format, start, end, documents.links(request))
    return card
