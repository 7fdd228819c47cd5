"""Responses for figures read as files or pages: CSV, HTML, PDF, and the links from
one format (or page) of a period's figures to the others."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Query, Request, Response

from api.pages.html import CONTENT_SECURITY_POLICY, Links, report_page, scorecard_page
from api.pages.pdf import report_pdf, scorecard_pdf
from api.services.platform_scorecard import PlatformScorecard, scorecard_csv
from api.services.trusted_flagger_report import TrustedFlaggerReport, report_csv

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


def file_name(stem: str, since: datetime, until: datetime, extension: str) -> str:
    return f"relais-{stem}-{since.date().isoformat()}-{until.date().isoformat()}.{extension}"


def attachment(body: str | bytes, media_type: str, name: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
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


def pdf(body: bytes, name: str) -> Response:
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
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
    """Every format of the report and of the scorecard, for the same period (the
    console serves them under its own paths, for its signed-in people)."""
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
    if format == "csv":
        name = file_name("trusted-flagger", since, until, "csv")
        return attachment(report_csv(report), "text/csv; charset=utf-8", name)
    if format == "pdf":
        return pdf(report_pdf(report), file_name("trusted-flagger", since, until, "pdf"))
    return page(report_page(report, links))


def scorecard_document(
    card: PlatformScorecard, format: str, since: datetime, until: datetime, links: Links
) -> Response:
    """The platform scorecard as a CSV file, a PDF or (any other format) a page."""
    if format == "csv":
        name = file_name("platform-scorecard", since, until, "csv")
        return attachment(scorecard_csv(card), "text/csv; charset=utf-8", name)
    if format == "pdf":
        return pdf(scorecard_pdf(card), file_name("platform-scorecard", since, until, "pdf"))
    return page(scorecard_page(card, links))
