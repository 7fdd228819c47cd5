"""Reports an auditor or a regulator reads: the trusted flagger's yearly figures."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.auth import AuditReader, AuditTrailDep
from api.deps import DatabaseDep
from api.services.errors import Problem, RequestRejected
from api.services.trusted_flagger_report import (
    TrustedFlaggerReport,
    build_report,
    report_csv,
    year_period,
)
from relais.db import NoticeLedger

router = APIRouter(prefix="/reports", tags=["reports"])


def _period(
    year: int | None, since: datetime | None, until: datetime | None
) -> tuple[datetime, datetime]:
    if year is not None:
        if since is not None or until is not None:
            raise RequestRejected(
                [Problem(("query", "year"), "year: give a year, or since and until, not both")]
            )
        return year_period(year)
    problems = [
        Problem(("query", name), f"{name}: required without a year (an ISO date with its offset)")
        for name, value in (("since", since), ("until", until))
        if value is None
    ]
    problems += [
        Problem(("query", name), f"{name}: give the time zone offset (e.g. +01:00 or Z)")
        for name, value in (("since", since), ("until", until))
        if value is not None and value.tzinfo is None
    ]
    if problems:
        raise RequestRejected(problems)
    assert since is not None and until is not None
    if until <= since:
        raise RequestRejected([Problem(("query", "until"), "until: must be after since")])
    return since, until


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
    start, end = _period(year, since, until)
    report = await build_report(NoticeLedger(database), start, end)
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
