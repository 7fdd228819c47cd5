"""Charts people read: stacked bar charts laid out once, in plain numbers, then drawn
as SVG for the pages (:func:`svg`) and with rectangles in the PDF
(:mod:`application.figures.pdf`), so both show the same figures at the same scale.

A chart is a list of bars (a platform, a month), each a stack of segments (an
action, a removal-time band). Layout is in abstract units (the SVG's viewBox): the
value axis runs from 0 to a round maximum at or above the tallest bar, and every
segment's length is ``value / axis_max`` of the plot's length. Each drawn segment
carries its value (``data-value``), so what is drawn can be checked against what
was counted.
"""

import math
from dataclasses import dataclass, field
from html import escape
from typing import Literal

Orientation = Literal["horizontal", "vertical"]


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str


@dataclass
class Bar:
    label: str
    values: dict[str, int]  # series key -> count


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Segment:
    bar: str
    series: Series
    value: int
    box: Box


@dataclass(frozen=True)
class Tick:
    value: int
    at: float  # position along the value axis, in chart units


@dataclass
class Chart:
    key: str  # stable id: "removal-times", "monthly-volume", ...
    title: str
    series: list[Series]
    bars: list[Bar]
    orientation: Orientation = "horizontal"
    value_label: str = "notices"


@dataclass
class Layout:
    chart: Chart
    width: float
    height: float
    plot: Box
    axis_max: int
    ticks: list[Tick]
    segments: list[Segment] = field(default_factory=list)
    labels: list[tuple[str, float, float]] = field(default_factory=list)  # text, x, y


def round_maximum(value: int) -> int:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above ``value``."""
    if value <= 0:
        return 1
    power = int(10 ** math.floor(math.log10(value)))  # value >= 1: a whole power
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return max(1, math.ceil(step * power))
    raise AssertionError("unreachable")


WIDTH = 640.0
BAR = 22.0
GAP = 10.0
LABEL_SPACE = 120.0
TOP = 14.0
BOTTOM = 30.0
PLOT_HEIGHT = 220.0


def lay_out(chart: Chart) -> Layout:
    tallest = max((sum(bar.values.values()) for bar in chart.bars), default=0)
    axis_max = round_maximum(tallest)
    if chart.orientation == "horizontal":
        height = TOP + len(chart.bars) * (BAR + GAP) + BOTTOM
        plot = Box(LABEL_SPACE, TOP, WIDTH - LABEL_SPACE - 20, height - TOP - BOTTOM)
        length = plot.width
    else:
        height = TOP + PLOT_HEIGHT + BOTTOM + 20
        plot = Box(50.0, TOP, WIDTH - 70, PLOT_HEIGHT)
        length = plot.height
    intervals = next(n for n in (5, 4, 2, 1) if axis_max % n == 0)
    ticks = [Tick(axis_max * i // intervals, length * i / intervals) for i in range(intervals + 1)]
    layout = Layout(chart, WIDTH, height, plot, axis_max, ticks)
    slot = plot.width / max(len(chart.bars), 1)
    for index, bar in enumerate(chart.bars):
        offset = 0.0
        for series in chart.series:
            value = bar.values.get(series.key, 0)
            size = length * value / axis_max
            if chart.orientation == "horizontal":
                y = plot.y + index * (BAR + GAP) + GAP / 2
                box = Box(plot.x + offset, y, size, BAR)
            else:
                x = plot.x + index * slot + slot * 0.15
                box = Box(x, plot.y + plot.height - offset - size, slot * 0.7, size)
            if value:
                layout.segments.append(Segment(bar.label, series, value, box))
            offset += size
        if chart.orientation == "horizontal":
            y = plot.y + index * (BAR + GAP) + GAP / 2 + BAR * 0.7
            layout.labels.append((bar.label, plot.x - 8, y))
        else:
            x = plot.x + (index + 0.5) * slot
            layout.labels.append((bar.label, x, plot.y + plot.height + 16))
    return layout


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def svg(layout: Layout) -> str:
    """The chart as inline SVG: no script, no external reference, scalable."""
    chart = layout.chart
    plot = layout.plot
    title_id = f"chart-{chart.key}-title"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="{escape(chart.key)}"'
        f' data-orientation="{chart.orientation}" data-axis-max="{layout.axis_max}"'
        f' viewBox="0 0 {_n(layout.width)} {_n(layout.height)}" role="img"'
        f' aria-labelledby="{title_id}">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
    ]
    horizontal = chart.orientation == "horizontal"
    for tick in layout.ticks:
        if horizontal:
            x = plot.x + tick.at
            parts.append(
                f'<line class="grid" x1="{_n(x)}" y1="{_n(plot.y)}" x2="{_n(x)}"'
                f' y2="{_n(plot.y + plot.height)}"/>'
                f'<text class="tick" x="{_n(x)}" y="{_n(plot.y + plot.height + 16)}"'
                f' text-anchor="middle">{tick.value}</text>'
            )
        else:
            y = plot.y + plot.height - tick.at
            parts.append(
                f'<line class="grid" x1="{_n(plot.x)}" y1="{_n(y)}" x2="{_n(plot.x + plot.width)}"'
                f' y2="{_n(y)}"/>'
                f'<text class="tick" x="{_n(plot.x - 6)}" y="{_n(y + 4)}"'
                f' text-anchor="end">{tick.value}</text>'
            )
    # The plot area itself, so a reader (or a test) can measure the scale.
    parts.append(
        f'<rect class="plot" data-axis-max="{layout.axis_max}" x="{_n(plot.x)}" y="{_n(plot.y)}"'
        f' width="{_n(plot.width)}" height="{_n(plot.height)}" fill="none"/>'
    )
    for segment in layout.segments:
        box = segment.box
        parts.append(
            f'<rect class="segment" data-bar="{escape(segment.bar)}"'
            f' data-series="{escape(segment.series.key)}" data-value="{segment.value}"'
            f' x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.width)}"'
            f' height="{_n(box.height)}" fill="{segment.series.colour}">'
            f"<title>{escape(segment.bar)} · {escape(segment.series.label)}: "
            f"{segment.value} {escape(chart.value_label)}</title></rect>"
        )
    anchor = "end" if horizontal else "middle"
    for text, x, y in layout.labels:
        parts.append(
            f'<text class="bar-label" x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}">'
            f"{escape(text)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
