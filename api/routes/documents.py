"""Responses for figures read as files or pages: CSV and PDF
(``application.figures.documents``), the API's HTML page (``api.pages``), and the
links from one format of a period's figures to the others."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Query, Request, Response

from api.pages.html import CONTENT_SECURITY_POLICY, Links, report_page, scorecard_page
from application.figures.documents import (
    FILE_FORMATS,
    FigureFile,
    report_file,
    scorecard_file,
)
from application.figures.platform_scorecard import PlatformScorecard
from application.figures.trusted_flagger_report import TrustedFlaggerReport

Format = Literal["json", "csv", "html", "pdf"]
FORMATS = "json (default), csv, html (a page with charts) or pdf"

# The query parameters and the OpenAPI answer of a route serving a period's figures in
# every format (the yearly report, the platform scorecard).
FormatQuery = Annotated[Format, Query(description=FORMATS)]
Year = Annotated[int | None, Query(ge=2000, le=2100, description="Calendar year, Europe/Paris")]
Since = Annotated[datetime | None, Query(description="Notices submitted at or after")]
Until = Annotated[datetime | None, Query(description="Notices submitted before")]
IN_EVERY_FORMAT: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {}, "text/html": {}, "application/pdf": {}},
        "description": "JSON, or CSV, an HTML page with charts, or PDF with format=",
    }
}


def served(document: FigureFile) -> Response:
    return Response(
        document.body,
        media_type=document.media_type,
        headers={"Content-Disposition": document.disposition},
    )


def page(body: str) -> Response:
    return Response(
        body,
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
        },
    )


def _same_period(request: Request, path: str, format: str) -> str:
    """``path`` for the period of ``request`` (its year, or since and until)."""
    query = request.url.include_query_params(format=format).query
    return f"{path}?{query}"


def links(
    request: Request,
    report: str = "/reports/trusted-flagger",
    scorecard: str = "/stats/platforms",
) -> Links:
    """Every format of the report and of the scorecard, for the same period."""
    return [
        ("Report (page)", _same_period(request, report, "html")),
        ("Report (PDF)", _same_period(request, report, "pdf")),
        ("Report (CSV)", _same_period(request, report, "csv")),
        ("Scorecard (page)", _same_period(request, scorecard, "html")),
        ("Scorecard (PDF)", _same_period(request, scorecard, "pdf")),
        ("Scorecard (CSV)", _same_period(request, scorecard, "csv")),
    ]


def report_document(
    report: TrustedFlaggerReport, format: str, since: datetime, until: datetime, links: Links
) -> Response:
    """The yearly report as a CSV file, a PDF or (any other format) a page."""
    if (as_file := FILE_FORMATS.get(format)) is not None:
        return served(report_file(report, as_file, since, until))
    return page(report_page(report, links))


def scorecard_document(
    card: PlatformScorecard, format: str, since: datetime, until: datetime, links: Links
) -> Response:
    """The platform scorecard as a CSV file, a PDF or (any other format) a page."""
    if (as_file := FILE_FORMATS.get(format)) is not None:
        return served(scorecard_file(card, as_file, since, until))
    return page(scorecard_page(card, links))
