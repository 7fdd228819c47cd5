"""The report and scorecard as PDF (fpdf2): the same charts as the pages, drawn
from the same layout (:func:`application.figures.charts.lay_out`) as filled rectangles, and
the same tables. Core fonts only (nothing to install); text stays in Latin-1."""

from fpdf import FPDF
from fpdf.enums import TableCellFillMode, XPos, YPos
from fpdf.fonts import FontFace

from application.figures.chart_views import (
    ALL_DELIVERED,
    NO_APPEAL,
    NO_NOTICE,
    duration,
    percent,
    report_charts,
    scorecard_charts,
)
from application.figures.charts import Chart, Layout, lay_out
from application.figures.periods import period_text
from application.figures.platform_scorecard import PlatformScorecard
from application.figures.trusted_flagger_report import ActionCounts, TrustedFlaggerReport

PAGE_WIDTH_MM = 190.0  # A4 less 10 mm margins
COUNT_HEADINGS = [
    "Notices",
    "Removed",
    "Restricted",
    "Refused",
    "No decision",
    "Withdrawn",
    "Verified",
]


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


class _Document(FPDF):
    def __init__(self, title: str, period: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(10, 10, 10)
        self.set_auto_page_break(auto=True, margin=12)
        self.set_title(title)
        self.set_creator("Relais")
        self.add_page()
        self.set_font("helvetica", "B", 16)
        self.cell(0, 9, _latin1(title), new_x="LMARGIN", new_y="NEXT")
        self.set_font("helvetica", "", 10)
        self.cell(0, 6, _latin1(period), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("helvetica", "", 8)
        self.cell(0, 5, "Counts and durations only: no case, no person, no URL.", align="L")
        self.cell(0, 5, f"Page {self.page_no()}", align="R")

    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font("helvetica", "B", 12)
        self.cell(0, 7, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("helvetica", "", 9)

    def chart(self, chart: Chart) -> None:
        layout = lay_out(chart)
        scale = PAGE_WIDTH_MM / layout.width
        height = layout.height * scale + 8
        if self.will_page_break(height + 10):
            self.add_page()
        self.heading(chart.title)
        self._legend(chart)
        if not chart.bars:
            self.cell(0, 6, "Nothing to draw in this period.", new_x="LMARGIN", new_y="NEXT")
            return
        self._draw(layout, self.l_margin, self.get_y(), scale)
        self.set_y(self.get_y() + layout.height * scale)

    def _legend(self, chart: Chart) -> None:
        self.set_font("helvetica", "", 8)
        for series in chart.series:
            self.set_fill_color(*_rgb(series.colour))
            self.rect(self.get_x(), self.get_y() + 1, 3, 3, style="F")
            self.set_x(self.get_x() + 4)
            self.cell(self.get_string_width(series.label) + 5, 5, _latin1(series.label))
        self.ln(6)

    def _draw(self, layout: Layout, left: float, top: float, scale: float) -> None:
        plot = layout.plot
        horizontal = layout.chart.orientation == "horizontal"
        self.set_draw_color(200, 200, 200)
        self.set_font("helvetica", "", 7)
        for tick in layout.ticks:
            if horizontal:
                x = left + (plot.x + tick.at) * scale
                self.line(x, top + plot.y * scale, x, top + (plot.y + plot.height) * scale)
                self.text(x - 2, top + (plot.y + plot.height + 12) * scale, str(tick.value))
            else:
                y = top + (plot.y + plot.height - tick.at) * scale
                self.line(left + plot.x * scale, y, left + (plot.x + plot.width) * scale, y)
                self.text(left + (plot.x - 30) * scale, y + 1, str(tick.value))
        for segment in layout.segments:
            box = segment.box
            self.set_fill_color(*_rgb(segment.series.colour))
            self.rect(
                left + box.x * scale,
                top + box.y * scale,
                box.width * scale,
                box.height * scale,
                style="F",
            )
        for text, x, y in layout.labels:
            label = _latin1(text)
            width = self.get_string_width(label)
            dx = -width if horizontal else -width / 2
            self.text(left + x * scale + dx, top + y * scale, label)

    def table_of(self, headings: list[str], rows: list[list[str]], none: str = NO_NOTICE) -> None:
        """``none``: the line printed instead of a table when there are no rows."""
        if not rows:
            self.set_font("helvetica", "I", 9)
            self.multi_cell(0, 5, _latin1(none), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            return
        self.set_font("helvetica", "", 8)
        self.set_fill_color(245, 245, 245)  # charts leave their last colour set
        with self.table(
            headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225)),
            cell_fill_mode=TableCellFillMode.ROWS,
            cell_fill_color=(245, 245, 245),
            text_align=["LEFT", *(["RIGHT"] * (len(headings) - 1))],
            line_height=4.5,
        ) as table:
            for values in [headings, *rows]:
                row = table.row()
                for value in values:
                    row.cell(_latin1(value))


def _counts(label: str, counts: ActionCounts) -> list[str]:
    return [
        label,
        *(
            str(v)
            for v in (
                counts.submitted,
                counts.removed,
                counts.restricted,
                counts.refused,
                counts.no_decision,
                counts.withdrawn,
                counts.removal_verified,
            )
        ),
    ]


def report_pdf(report: TrustedFlaggerReport) -> bytes:
    pdf = _Document(
        "Trusted-flagger report (DSA Art. 22(3))",
        period_text(report.period_start, report.period_end),
    )
    pdf.heading("In total")
    pdf.table_of(["", *COUNT_HEADINGS], [_counts("All platforms", report.total)])
    for chart in report_charts(report):
        pdf.chart(chart)
    pdf.heading("By platform")
    pdf.table_of(
        ["Platform", *COUNT_HEADINGS], [_counts(x.platform, x.notices) for x in report.by_platform]
    )
    pdf.heading("By type of illegal content")
    pdf.table_of(
        ["Legal qualification", *COUNT_HEADINGS],
        [_counts(x.legal_qualification, x.notices) for x in report.by_content_type],
    )
    pdf.heading("By DSA Transparency Database category")
    pdf.table_of(
        ["Statement category", *COUNT_HEADINGS],
        [_counts(x.label, x.notices) for x in report.by_dsa_category],
    )
    pdf.heading("Appeals (DSA Art. 20)")
    pdf.table_of(
        ["Platform", *COUNT_HEADINGS],
        [_counts(x.platform, x.notices) for x in report.appeals_by_platform],
        none=NO_APPEAL,
    )
    pdf.heading("Not delivered")
    pdf.table_of(
        ["Platform", "Notices"],
        [[p, str(n)] for p, n in report.not_delivered.items()],
        none=ALL_DELIVERED,
    )
    pdf.heading("How legal qualifications map to DSA categories")
    pdf.table_of(
        ["Legal qualification", "Code penal", "DSA statement category", "Keyword"],
        [
            [
                m.legal_qualification.value,
                f"art. {m.code_penal_article}",
                m.dsa_category.value,
                m.dsa_keyword or "-",
            ]
            for m in report.category_mapping
        ],
    )
    return bytes(pdf.output())


def scorecard_pdf(card: PlatformScorecard) -> bytes:
    pdf = _Document("Platform scorecard", period_text(card.since, card.until))
    for chart in scorecard_charts(card):
        pdf.chart(chart)
    pdf.heading("Scorecard")
    pdf.table_of(
        ["Platform", "Notices", "Removed", "Refused", "No answer", "p50", "p90", "max"],
        [
            [
                s.platform,
                str(s.notices),
                f"{s.removed} ({percent(s.removal_rate)})",
                f"{s.refused} ({percent(s.refused_rate)})",
                f"{s.no_answer} ({percent(s.no_answer_rate)})",
                duration(s.time_to_removal.p50_seconds),
                duration(s.time_to_removal.p90_seconds),
                duration(s.time_to_removal.max_seconds),
            ]
            for s in card.platforms
        ],
    )
    pdf.ln(3)
    pdf.table_of(
        ["Platform", "<= 1 h", "<= 24 h", "<= 7 days", "> 42 days", "Re-notices", "SLA", "Appeals"],
        [
            [
                s.platform,
                percent(s.share_within_1h),
                percent(s.share_within_24h),
                percent(s.share_within_7d),
                percent(s.share_after_42d),
                str(s.renotices_sent),
                str(s.sla_breaches),
                f"{s.appeals.appeals} ({s.appeals.refused} refused)",
            ]
            for s in card.platforms
        ],
    )
    return bytes(pdf.output())
