"""What the report and scorecard pages show: their charts, built from the very
figures the JSON routes return (no figure is counted here), and the words and
number formats the tables use."""

from application.figures.charts import Bar, Chart, Series
from application.figures.platform_scorecard import PlatformScore, PlatformScorecard
from application.figures.trusted_flagger_report import ActionCounts, TrustedFlaggerReport

# A table's only line when the period has nothing for it (pages and PDFs): bare
# headings would read as a page that failed.
NO_NOTICE = "No notice was submitted in this period."
NO_APPEAL = "No appeal in this period."
ALL_DELIVERED = "No notice of the period went undelivered."

# Okabe-Ito colours: told apart with the common colour-vision deficiencies.
ACTIONS = [
    Series("removed", "removed", "#009E73"),
    Series("restricted", "restricted", "#56B4E9"),
    Series("refused", "refused", "#D55E00"),
    Series("no_decision", "no decision", "#E69F00"),
    Series("withdrawn", "withdrawn", "#999999"),
]
REMOVAL_BANDS = [
    Series("within_1h", "within 1 h", "#009E73"),
    Series("1h_24h", "1 h - 24 h", "#56B4E9"),
    Series("1d_7d", "1 - 7 days", "#0072B2"),
    Series("7d_42d", "7 - 42 days", "#E69F00"),
    Series("over_42d", "over 42 days", "#D55E00"),
]


def action_values(counts: ActionCounts) -> dict[str, int]:
    return {series.key: getattr(counts, series.key) for series in ACTIONS}


def removal_bands(score: PlatformScore) -> dict[str, int]:
    """A platform's verified removals by how long they took (the bands add up)."""
    return {
        "within_1h": score.removed_within_1h,
        "1h_24h": score.removed_within_24h - score.removed_within_1h,
        "1d_7d": score.removed_within_7d - score.removed_within_24h,
        "7d_42d": score.removal_verified - score.removed_within_7d - score.removed_after_42d,
        "over_42d": score.removed_after_42d,
    }


def score_actions(score: PlatformScore) -> dict[str, int]:
    return {
        "removed": score.removed,
        "restricted": score.restricted,
        "refused": score.refused,
        "no_decision": score.no_answer,
        "withdrawn": score.withdrawn,
    }


def scorecard_charts(card: PlatformScorecard) -> list[Chart]:
    return [
        Chart(
            "removal-times",
            "Time to removal per platform (verified removals, from notice to our own check)",
            REMOVAL_BANDS,
            [Bar(s.platform, removal_bands(s)) for s in card.platforms if s.removal_verified],
            value_label="removals",
        ),
        Chart(
            "platform-actions",
            "Action taken per platform (first notices)",
            ACTIONS,
            [Bar(s.platform, score_actions(s)) for s in card.platforms],
        ),
    ]


def report_charts(report: TrustedFlaggerReport) -> list[Chart]:
    return [
        Chart(
            "monthly-volume",
            "Notices sent by month, by action taken",
            ACTIONS,
            [Bar(m.month, action_values(m.notices)) for m in report.by_month],
            orientation="vertical",
        ),
        Chart(
            "report-actions",
            "Action taken per platform",
            ACTIONS,
            [Bar(line.platform, action_values(line.notices)) for line in report.by_platform],
        ),
    ]


def duration(seconds: float | None) -> str:
    """A time to removal as a person says it: 30 min, 2.5 h, 3.2 days."""
    if seconds is None:
        return "-"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def percent(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.1f} %"
