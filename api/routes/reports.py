"""Reports an auditor or a regulator reads: the trusted flagger's yearly figures."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.auth import AuditReader, AuditTrailDep
from api.deps import DatabaseDep
from api.services.periods import resolve_period
from api.services.trusted_flagger_report import (
    TrustedFlaggerReport,
    build_report,
    report_csv,
)

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get(
    "/trusted-flagger",
    response_model=TrustedFlaggerReport,
    responses={200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"}},
)
async def trusted_flagger_report(
    actor: AuditReader,
    database: DatabaseDep,
    audit: AuditTrailDep,
    year: Annotated[
        int | None, Query(ge=2000, le=2100, description="Calendar year, Europe/Paris")
    ] = None,
    since: Annotated[datetime | None, Query(description="Submitted at or after")] = None,
    until: Annotated[datetime | None, Query(description="Submitted before")] = None,
    format: Annotated[Literal["json", "csv"], Query(description="json (default) or csv")] = "json",
) -> TrustedFlaggerReport | Response:
    """Notices sent as a trusted flagger (DSA Art. 22(3)): by hosting provider, by type
    of allegedly illegal content (its legal qualification) and by the action taken.
    Counts only, no personal data."""
    start, end = resolve_period(year, since, until)
    report = await build_report(database, start, end)
    await audit.record(
        "report.trusted_flagger.read",
        None,
        f"from={start.isoformat()} to={end.isoformat()} format={format}",
    )
    if format == "csv":
        name = f"relais-trusted-flagger-{start.date().isoformat()}-{end.date().isoformat()}.csv"
        return Response(
            report_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return report
