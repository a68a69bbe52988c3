"""Bar charts as SVG geometry computed here and drawn by the template (no chart library, no
script, no inline style: the bars are SVG attributes, allowed by the CSP)."""

from __future__ import annotations

from dataclasses import dataclass, field

from review_ui.queries import DayCount


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css_class: str
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"
    css_class: str = ""


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.bars


def bar_chart(items: list[tuple[str, int]], *, width: int = 560, row: int = 22) -> Chart:
    """Horizontal bars, one per (label, count), longest first as given."""
    label_width, count_width = 220, 40
    chart = Chart(width=width, height=max(row * len(items) + 4, row))
    top = max((count for _, count in items), default=0)
    span = width - label_width - count_width
    for i, (label, count) in enumerate(items):
        y = 2 + i * row
        length = span * count / top if top else 0
        chart.bars.append(Bar(label_width, y + 3, max(length, 1), row - 8, "bar bar-fix", f"{label}: {count}"))
        chart.labels.append(Label(label_width - 6, y + row / 2 + 4, _clip(label, 34), "end"))
        chart.labels.append(Label(label_width + length + 4, y + row / 2 + 4, str(count), "start", "muted"))
    return chart


def stacked_day_chart(days: list[DayCount], *, width: int = 560, height: int = 200) -> Chart:
    """Decisions per day: reviewer approvals stacked on auto-approvals (rejections as a label)."""
    bottom, left = 24, 28
    plot_height = height - bottom - 10
    chart = Chart(width=width, height=height)
    top = max((d.reviewer + d.auto for d in days), default=0)
    slot = (width - left) / max(len(days), 1)
    for i, day in enumerate(days):
        x = left + i * slot + slot * 0.15
        bar_width = slot * 0.7
        base = height - bottom
        for count, css, name in ((day.auto, "bar bar-auto", "auto"), (day.reviewer, "bar", "reviewed")):
            if count and top:
                h = plot_height * count / top
                base -= h
                chart.bars.append(Bar(x, base, bar_width, h, css, f"{day.day}: {count} {name}"))
        if i % 2 == 0 or len(days) <= 10:
            chart.labels.append(Label(x + bar_width / 2, height - 8, day.day[5:], "middle", "muted"))
    chart.labels.append(Label(left - 4, 14, str(top), "end", "muted"))
    chart.labels.append(Label(left - 4, height - bottom, "0", "end", "muted"))
    return chart


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
