"""The trusted flagger's figures for people signed in to the console: the yearly
report and the platform scorecard, as the API draws them (page with charts, PDF,
CSV), from the same services. The API's own routes take a bearer token; these take
the console's session, so the dashboard's links open in the browser."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.routes import documents
from api.services.period_figures import read_report, read_scorecard
from api.services.periods import resolve_period
from console.web import SignedIn
from console.web_rules import needs
from relais.settings import Role

router = APIRouter(prefix="/console/figures")
REPORT, SCORECARD = "/console/figures/report", "/console/figures/scorecard"
PageFormat = Literal["html", "pdf", "csv"]
Year = Annotated[int | None, Query(ge=2000, le=2100)]


@router.get("/report")
async def report(
    p: SignedIn,
    year: Year = None,
    since: datetime | None = None,
    until: datetime | None = None,
    format: PageFormat = "html",
) -> Response:
    needs(p, Role.SUPERVISOR, Role.AUDITOR)
    start, end = resolve_period(year, since, until)
    built = await read_report(p.database, p.audit, start, end, format)
    return documents.report_document(
        built, format, start, end, documents.links(p.request, REPORT, SCORECARD)
    )


@router.get("/scorecard")
async def scorecard(
    p: SignedIn,
    year: Year = None,
    since: datetime | None = None,
    until: datetime | None = None,
    format: PageFormat = "html",
) -> Response:
    needs(p, Role.SUPERVISOR, Role.AUDITOR)
    start, end = resolve_period(year, since, until)
    card = await read_scorecard(p.database, p.audit, start, end, format)
    return documents.scorecard_document(
        card, format, start, end, documents.links(p.request, REPORT, SCORECARD)
    )
