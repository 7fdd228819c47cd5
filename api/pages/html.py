"""The report and scorecard pages, rendered with Jinja2 (autoescaped) from the
templates beside this module."""

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from application.figures.chart_views import (
    ALL_DELIVERED,
    NO_APPEAL,
    NO_NOTICE,
    duration,
    percent,
    report_charts,
    scorecard_charts,
)
from application.figures.charts import Chart, lay_out, svg
from application.figures.periods import period_text
from application.figures.platform_scorecard import PlatformScorecard
from application.figures.trusted_flagger_report import TrustedFlaggerReport

Links = list[tuple[str, str]]  # (label, href)

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_TEMPLATES.globals.update(
    duration=duration,
    percent=percent,
    NO_NOTICE=NO_NOTICE,
    NO_APPEAL=NO_APPEAL,
    ALL_DELIVERED=ALL_DELIVERED,
)

# No script, nothing fetched from elsewhere: the page is complete as served.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def _drawn(charts: list[Chart]) -> list[tuple[Chart, str]]:
    return [(chart, svg(lay_out(chart))) for chart in charts]


def scorecard_page(card: PlatformScorecard, links: Links) -> str:
    return _TEMPLATES.get_template("scorecard.html").render(
        title="Platform scorecard",
        period=period_text(card.since, card.until),
        links=links,
        card=card,
        charts=_drawn(scorecard_charts(card)),
    )


def report_page(report: TrustedFlaggerReport, links: Links) -> str:
    return _TEMPLATES.get_template("report.html").render(
        title="Trusted-flagger report (DSA Art. 22(3))",
        period=period_text(report.period_start, report.period_end),
        links=links,
        report=report,
        charts=_drawn(report_charts(report)),
    )
