"""Figures a supervisor or an auditor reads: no personal data, only counts and times."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import AuditReader, AuditTrailDep
from api.deps import DatabaseDep
from api.services.removal_times import RemovalTimes, removal_times
from relais.db import NoticeLedger

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
    figures = await removal_times(NoticeLedger(database), since, until, platform)
    await audit.record("stats.removal_times.read", None, f"platforms={len(figures.platforms)}")
    return figures
