"""The trusted flagger's figures for people signed in to the console: the yearly
report and the platform scorecard, as the API draws them (page with charts, PDF,
CSV), from the same services. The API's own routes take a bearer token; these take
the console's session, so the dashboard's links open in the browser, and an auditor
signed in to the console starts on the report. Without a period, this year's."""

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Response

from api.routes import documents
from api.services.period_figures import read_report, read_scorecard
from api.services.periods import resolve_period
from console.web import FiguresReader, now

router = APIRouter(prefix="/console/figures")
REPORT, SCORECARD = "/console/figures/report", "/console/figures/scorecard"
PageFormat = Literal["html", "pdf", "csv"]


def period(
    year: int | None, since: datetime | None, until: datetime | None
) -> tuple[datetime, datetime]:
    """The period asked for; none (a bookmark, the auditor's start page): this year."""
    if year is None and since is None and until is None:
        year = now().year
    return resolve_period(year, since, until)


@router.get("/report")
async def report(
    p: FiguresReader,
    year: documents.Year = None,
    since: documents.Since = None,
    until: documents.Until = None,
    format: PageFormat = "html",
) -> Response:
    start, end = period(year, since, until)
    built = await read_report(p.database, p.audit, start, end, format)
    return documents.report_document(
        built, format, start, end, documents.links(p.request, REPORT, SCORECARD)
    )


@router.get("/scorecard")
async def scorecard(
    p: FiguresReader,
    year: documents.Year = None,
    since: documents.Since = None,
    until: documents.Until = None,
    format: PageFormat = "html",
) -> Response:
    start, end = period(year, since, until)
    card = await read_scorecard(p.database, p.audit, start, end, format)
    return documents.scorecard_document(
        card, format, start, end, documents.links(p.request, REPORT, SCORECARD)
    )
