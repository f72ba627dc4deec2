"""Horizontal bar charts as SVG geometry, drawn by templates/reports/pdf/bar_chart.html: vectors
in the PDF (sharp at any zoom), no bitmap, no script. Each chart carries a text alternative and
sits beside the table of the same figures."""

from dataclasses import dataclass, field
from decimal import Decimal

WIDTH = 680
LABEL_WIDTH = 210
VALUE_WIDTH = 120
BAR_AREA = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 10
BAR_HEIGHT = 11
BAR_GAP = 2
ROW_GAP = 9
TOP = 24  # room for the legend
LABEL_CHARS = 34
COLOURS = ("#9db4d6", "#1d3f72")  # light then dark: contrast between the two series


@dataclass
class Bar:
    x: int
    y: float
    width: float
    colour: str
    value_text: str
    text_x: float
    text_y: float


@dataclass
class ChartRow:
    label: str
    short_label: str
    label_y: float
    bars: list = field(default_factory=list)


@dataclass
class Chart:
    id: str
    title: str
    description: str
    height: float
    rows: list
    legend: list  # [(x, colour, name)]
    label_width: int = LABEL_WIDTH
    width: int = WIDTH


def bar_chart(chart_id, title, series, rows, formatter=str):
    """series: names of the one or two values of each row; rows: [(label, [value, ...])].
    Bars are scaled to the largest value of the chart."""
    largest = max((value for _label, values in rows for value in values), default=0) or 1
    per_row = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    chart_rows, y = [], TOP
    for label, values in rows:
        row = ChartRow(
            label=label,
            short_label=shorten(label),
            label_y=y + per_row / 2 + 3.5,
        )
        for index, value in enumerate(values):
            top = y + index * (BAR_HEIGHT + BAR_GAP)
            width = float(Decimal(value) * BAR_AREA / Decimal(largest)) if value else 0
            row.bars.append(
                Bar(
                    x=LABEL_WIDTH,
                    y=top,
                    width=round(max(width, 0.5 if value else 0), 1),
                    colour=COLOURS[index % len(COLOURS)] if len(series) > 1 else COLOURS[1],
                    value_text=formatter(value),
                    text_x=round(LABEL_WIDTH + max(width, 0) + 4, 1),
                    text_y=top + BAR_HEIGHT - 2,
                )
            )
        chart_rows.append(row)
        y += per_row + ROW_GAP
    legend = [
        (
            LABEL_WIDTH + index * 170,
            COLOURS[index % len(COLOURS)] if len(series) > 1 else COLOURS[1],
            name,
        )
        for index, name in enumerate(series)
    ]
    description = "; ".join(
        f"{label}: "
        + ", ".join(
            f"{name} {formatter(value)}" for name, value in zip(series, values, strict=True)
        )
        for label, values in rows
    )
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        height=y + 4,
        rows=chart_rows,
        legend=legend,
    )


def shorten(label, size=LABEL_CHARS):
    label = str(label)
    return label if len(label) <= size else label[: size - 1].rstrip() + "…"
