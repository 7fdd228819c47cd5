"""Reports an auditor or a regulator reads: the trusted flagger's yearly figures."""

from fastapi import APIRouter, Request, Response

from api.auth import AuditReader, AuditTrailDep
from api.deps import DatabaseDep
from api.routes import documents
from api.services.period_figures import read_report
from api.services.periods import resolve_period
from api.services.trusted_flagger_report import TrustedFlaggerReport

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get(
    "/trusted-flagger",
    response_model=TrustedFlaggerReport,
    responses=documents.IN_EVERY_FORMAT,
)
async def trusted_flagger_report(
    request: Request,
    actor: AuditReader,
    database: DatabaseDep,
    audit: AuditTrailDep,
    year: documents.Year = None,
    since: documents.Since = None,
    until: documents.Until = None,
    format: documents.FormatQuery = "json",
) -> TrustedFlaggerReport | Response:
    """Notices sent as a trusted flagger (DSA Art. 22(3)): by hosting provider, by type
    of allegedly illegal content (its legal qualification and its DSA Transparency
    Database category), by month and by the action taken. Counts only, no personal
    data. ``format=html`` is the same report as a page with charts (a stable URL to
    link to), ``format=pdf`` as a PDF."""
    start, end = resolve_period(year, since, until)
    report = await read_report(database, audit, start, end, format)
    if format != "json":
        return documents.report_document(report, format, start, end, documents.links(request))
    return report
