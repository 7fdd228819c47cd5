"""Reports an auditor or a regulator reads: the trusted flagger's yearly figures
(``application.figures``)."""

from typing import Annotated

from fastapi import APIRouter, Request, Response

from api.doors import HelplineDep, permitted
from api.routes import documents
from application.acting import Permit
from application.figures import reads
from application.figures.periods import resolve_period
from application.figures.trusted_flagger_report import TrustedFlaggerReport

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get(
    "/trusted-flagger",
    response_model=TrustedFlaggerReport,
    responses=documents.IN_EVERY_FORMAT,
)
async def trusted_flagger_report(
    request: Request,
    permit: Annotated[Permit, permitted(reads.read_report)],
    helpline: HelplineDep,
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
    report = await reads.read_report(helpline, permit, start, end, format)
    if format != "json":
        return documents.report_document(report, format, start, end, documents.links(request))
    return report
