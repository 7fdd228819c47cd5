"""The trusted flagger's figures for people signed in to the console: the yearly
report and the platform scorecard (``application.figures``), as pages of the console
(its header, its languages, its strict headers), PDF or CSV. The API's own routes
take a bearer token; these take the console's session, so the dashboard's links open
in the browser, and an auditor signed in to the console starts on the report.
Without a period, this year's."""

from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from application.figures import reads
from application.figures.chart_views import report_charts, scorecard_charts
from application.figures.charts import Chart, lay_out, svg
from application.figures.documents import FigureFile, report_file, scorecard_file
from application.figures.periods import HELPLINE_ZONE, resolve_period
from console.i18n import N_
from console.labels import CHART_SERIES, CHART_TITLES
from console.web import FiguresReader, Page, now
from console.web_rules import permit

router = APIRouter(prefix="/console/figures")
REPORT, SCORECARD = "/console/figures/report", "/console/figures/scorecard"
PageFormat = Literal["html", "pdf", "csv"]
Year = Annotated[int | None, Query(ge=2000, le=2100)]


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
    year: Year = None,
    since: datetime | None = None,
    until: datetime | None = None,
    format: PageFormat = "html",
) -> Response:
    start, end = period(year, since, until)
    allowed = await permit(p, reads.read_report)
    built = await reads.read_report(p.helpline, allowed, start, end, format)
    if format != "html":
        return _file(p, report_file(built, format, start, end))
    return p.render(
        "figures_report.html",
        title=N_("Trusted-flagger report (DSA Art. 22(3))"),
        report=built,
        charts=_drawn(p, report_charts(built)),
        **_around(p, start, end),
    )


@router.get("/scorecard")
async def scorecard(
    p: FiguresReader,
    year: Year = None,
    since: datetime | None = None,
    until: datetime | None = None,
    format: PageFormat = "html",
) -> Response:
    start, end = period(year, since, until)
    allowed = await permit(p, reads.read_scorecard)
    card = await reads.read_scorecard(p.helpline, allowed, start, end, format)
    if format != "html":
        return _file(p, scorecard_file(card, format, start, end))
    return p.render(
        "figures_scorecard.html",
        title=N_("Platform scorecard"),
        card=card,
        charts=_drawn(p, scorecard_charts(card)),
        **_around(p, start, end),
    )


def _file(p: Page, document: FigureFile) -> Response:
    response = Response(
        document.body,
        media_type=document.media_type,
        headers={"Content-Disposition": document.disposition},
    )
    p.finish(response)
    return response


def _drawn(p: Page, charts: list[Chart]) -> list[tuple[Chart, str]]:
    """Each chart in the page's language, and drawn (SVG: no script, no style)."""
    said = [
        replace(
            chart,
            title=p.gettext(CHART_TITLES.get(chart.key, chart.title)),
            series=[
                replace(s, label=p.gettext(CHART_SERIES.get(s.key, s.label))) for s in chart.series
            ],
            value_label=p.gettext(CHART_SERIES.get(chart.value_label, chart.value_label)),
        )
        for chart in charts
    ]
    return [(chart, svg(lay_out(chart))) for chart in said]


def _around(p: Page, since: datetime, until: datetime) -> dict[str, Any]:
    """The period in words, and every format of both figures for the same period."""
    asked = p.request.url.remove_query_params("format").query  # the period, as asked

    def link(path: str, format: str | None = None) -> str:
        query = "&".join(q for q in (asked, f"format={format}" if format else "") if q)
        return f"{path}?{query}" if query else path

    start, end = (t.astimezone(HELPLINE_ZONE) for t in (since, until))
    return {
        "since_local": f"{start:%Y-%m-%d %H:%M}",
        "until_local": f"{end:%Y-%m-%d %H:%M}",
        "back": link(p.request.url.path),
        "formats": [
            (N_("Report (page)"), link(REPORT)),
            (N_("Report (PDF)"), link(REPORT, "pdf")),
            (N_("Report (CSV)"), link(REPORT, "csv")),
            (N_("Scorecard (page)"), link(SCORECARD)),
            (N_("Scorecard (PDF)"), link(SCORECARD, "pdf")),
            (N_("Scorecard (CSV)"), link(SCORECARD, "csv")),
        ],
    }
