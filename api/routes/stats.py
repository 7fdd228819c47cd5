"""Figures a supervisor or an auditor reads: no personal data, only counts and times."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.auth import AuditReader, AuditTrailDep
from api.deps import DatabaseDep
from api.routes import documents
from api.services.period_figures import read_scorecard
from api.services.periods import resolve_period
from api.services.platform_scorecard import PlatformScorecard
from api.services.removal_times import RemovalTimes, removal_times
from relais.db.repositories.notice_figures import NoticeFigures

router = APIRouter(prefix="/stats", tags=["statistics"])


@router.get("/removal-times")
async def get_removal_times(
    actor: AuditReader,
    database: DatabaseDep,
    audit: AuditTrailDep,
    since: Annotated[datetime | None, Query(description="Removals verified at or after")] = None,
    until: Annotated[datetime | None, Query(description="Removals verified before")] = None,
    platform: Annotated[str | None, Query(max_length=64)] = None,
) -> RemovalTimes:
    """Time from notice to verified removal, per platform: p50 and p90 over the period."""
    figures = await removal_times(NoticeFigures(database), since, until, platform)
    await audit.record("stats.removal_times.read", None, f"platforms={len(figures.platforms)}")
    return figures


@router.get(
    "/platforms",
    response_model=PlatformScorecard,
    responses=documents.IN_EVERY_FORMAT,
)
async def get_platform_scorecard(
    request: Request,
    actor: AuditReader,
    database: DatabaseDep,
    audit: AuditTrailDep,
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
    card = await read_scorecard(database, audit, start, end, format)
    if format != "json":
        return documents.scorecard_document(card, format, start, end, documents.links(request))
    return card
