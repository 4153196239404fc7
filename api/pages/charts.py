"""Charts drawn on the server as inline SVG, so the dashboard works offline with no script
library: horizontal bars, a line towards a target, and a half-circle gauge. Every text in a
chart is escaped; sizes are SVG user units (≈ CSS pixels)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

LABEL_WIDTH = 150
BAR_HEIGHT = 18
BAR_GAP = 6
CHART_WIDTH = 560
VALUE_WIDTH = 120
"""Room right of a bar for its value text (``85% (34/40)``)."""


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    """Drawn length, in the chart's unit (a 0–1 share, a head count …)."""
    text: str
    """What is written at the end of the bar (``85%``, ``3/5`` …)."""
    tone: str = "primary"
    """CSS class suffix: primary, warn, bad."""


FONT_PX = 12
"""The charts' font size: a CJK character is about this wide, a Latin one about 0.6 of it."""


def text_width(text: str) -> float:
    """Roughly how wide ``text`` is drawn, in user units (CJK and full-width: one em)."""
    return sum(FONT_PX if ord(c) > 0x2E80 else FONT_PX * 0.6 for c in text)


def fit(text: str, width: float) -> str:
    """``text`` cut (with …) to be drawn within ``width``, so that it never runs into the bar
    or the value beside it; the full text stays in the element's tooltip."""
    if text_width(text) <= width:
        return text
    while text and text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _label(x: float, y: float, text: str, width: float, anchor: str = "end") -> str:
    shown = fit(text, width)
    tip = f"<title>{escape(text)}</title>" if shown != text else ""
    return f'<text x="{x}" y="{y}" text-anchor="{anchor}">{tip}{escape(shown)}</text>'


def bar_chart(
    bars: Sequence[Bar],
    *,
    maximum: float | None = None,
    title: str = "",
    value_width: int = VALUE_WIDTH,
    target: float | None = None,
) -> Markup:
    """Horizontal bars, one per row, scaled to ``maximum`` (default: the largest value, or
    ``target`` when higher); ``target`` draws a dashed line across every bar. Labels and value
    texts are cut to their room (:func:`fit`): nothing is written over a bar or a target."""
    top = maximum or max([b.value for b in bars] + [target or 0]) or 1
    usable = CHART_WIDTH - LABEL_WIDTH - value_width
    height = len(bars) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    parts = [
        f'<svg class="chart bars" viewBox="0 0 {CHART_WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, bar in enumerate(bars):
        y = BAR_GAP + i * (BAR_HEIGHT + BAR_GAP)
        width = max(0.0, min(bar.value / top, 1.0)) * usable
        parts.append(
            _label(LABEL_WIDTH - 6, y + 13, bar.label, LABEL_WIDTH - 8)
            + f'<rect class="bar-bg" x="{LABEL_WIDTH}" y="{y}" width="{usable}" '
            f'height="{BAR_HEIGHT}"/>'
            f'<rect class="bar-{escape(bar.tone)}" x="{LABEL_WIDTH}" y="{y}" '
            f'width="{width:.1f}" height="{BAR_HEIGHT}"/>'
            + _label(LABEL_WIDTH + usable + 6, y + 13, bar.text, value_width - 8, "start")
        )
    if target is not None:
        x = LABEL_WIDTH + min(target / top, 1.0) * usable
        parts.append(f'<line class="target" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Segment:
    """One part of a stacked bar: its key, its legend text and its CSS class (``seg-<key>``)."""

    key: str
    label: str


@dataclass(frozen=True)
class Stack:
    label: str
    counts: tuple[float, ...]
    """One count per segment, in the segments' order."""
    text: str
    scale: float = 1.0
    """The bar's length as a share of the full width (1: every bar full; a share to compare
    rows of different sizes, as the shortages by subject)."""


def stacked_chart(
    stacks: Sequence[Stack], segments: Sequence[Segment], *, title: str = ""
) -> Markup:
    """Horizontal 100 % bars split into ``segments`` (a distribution per row: teachers by
    training status …), with the legend as an HTML list under the chart (it wraps on a narrow
    screen) and each part's count in its tooltip."""
    usable = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = len(stacks) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    parts = [
        f'<svg class="chart bars stacked" viewBox="0 0 {CHART_WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, stack in enumerate(stacks):
        y = BAR_GAP + i * (BAR_HEIGHT + BAR_GAP)
        total = sum(stack.counts)
        parts.append(
            _label(LABEL_WIDTH - 6, y + 13, stack.label, LABEL_WIDTH - 8)
            + f'<rect class="bar-bg" x="{LABEL_WIDTH}" y="{y}" width="{usable}" '
            f'height="{BAR_HEIGHT}"/>'
        )
        x = float(LABEL_WIDTH)  # the parts, left to right
        for segment, count in zip(segments, stack.counts, strict=True):
            if not total or not count:
                continue
            width = count / total * usable * max(0.0, min(stack.scale, 1.0))
            parts.append(
                f'<rect class="seg-{escape(segment.key)}" x="{x:.1f}" y="{y}" '
                f'width="{width:.1f}" height="{BAR_HEIGHT}"><title>{escape(segment.label)}：'
                f"{count:g}</title></rect>"
            )
            x += width
        parts.append(_label(LABEL_WIDTH + usable + 6, y + 13, stack.text, VALUE_WIDTH - 8, "start"))
    parts.append("</svg>")
    legend = "".join(
        f'<li><span class="swatch seg-{escape(s.key)}"></span>{escape(s.label)}</li>'
        for s in segments
    )
    return Markup("".join(parts) + f'<ul class="legend">{legend}</ul>')


def line_chart(
    points: Sequence[tuple[str, float]], *, target: float, target_label: str, title: str = ""
) -> Markup:
    """A line through ``points`` (x label, value) with a dashed line at ``target``."""
    width, height, left, bottom, top_pad = CHART_WIDTH, 220, 50, 30, 20
    top = max([target, *(v for _, v in points)]) * 1.1 or 1
    plot_w, plot_h = width - left - 20, height - bottom - top_pad
    step = plot_w / max(len(points) - 1, 1)

    def y_of(value: float) -> float:
        return top_pad + plot_h * (1 - value / top)

    coords = [(left + i * step, y_of(v)) for i, (_, v) in enumerate(points)]
    target_y = y_of(target)
    parts = [
        f'<svg class="chart line" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f'<line class="axis" x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" '
        f'y2="{top_pad + plot_h}"/>',
        f'<line class="target" x1="{left}" y1="{target_y:.1f}" x2="{left + plot_w}" '
        f'y2="{target_y:.1f}"/>',
        _target_label(target_label, target_y, coords, left, plot_w),
    ]
    if coords:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline class="series" points="{path}"/>')
    for (x, y), (label, value) in zip(coords, points, strict=True):
        # the value above its point, or below it when it would sit on the target line
        above = y - 8
        value_y = y + 18 if above - FONT_PX - 2 < target_y < above + 4 else above
        parts.append(
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5"/>'
            f'<text x="{x:.1f}" y="{value_y:.1f}" text-anchor="middle">{value:g}</text>'
            f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _target_label(
    text: str, y: float, points: Sequence[tuple[float, float]], left: float, plot_w: float
) -> str:
    """The target line's label where it covers no point and no point's value (each value is
    written 8 units above its point): above the line at the right, else below it, else the
    same at the left."""
    width = text_width(text)
    boxes = [(x - 20, py - 20, x + 20, py + 22) for x, py in points]  # a point and its value

    def clear(x0: float, baseline: float) -> bool:
        box = (x0, baseline - FONT_PX, x0 + width, baseline + 2)
        return not any(
            box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes
        )

    right, start = left + plot_w - width, left + 4
    for x0, baseline in ((right, y - 5), (right, y + 15), (start, y - 5), (start, y + 15)):
        if clear(x0, baseline):
            break
    else:
        x0, baseline = right, y - 5
    return f'<text class="target-label" x="{x0:.1f}" y="{baseline:.1f}">{escape(text)}</text>'


def gauge(achieved: float, target: float, *, caption: str, value: str | None = None) -> Markup:
    """A half-circle gauge of ``achieved`` against ``target``; full at 125 % of the target,
    with a tick at the target, green when met. ``value`` (default ``achieved / target``) is
    written under the arc, the caption below it: neither crosses the arc or its tick."""
    full = max(target * 1.25, achieved, 1)
    radius, cx, cy = 70, 110, 85
    value = value if value is not None else f"{achieved:g} / {target:g}"

    def point(share: float) -> tuple[float, float]:
        angle = math.pi * (1 - min(max(share, 0.0), 1.0))
        return cx + radius * math.cos(angle), cy - radius * math.sin(angle)

    end_x, end_y = point(achieved / full)
    tick_x, tick_y = point(target / full)
    tone = "good" if achieved >= target else "bad"
    return Markup(
        f'<svg class="chart gauge" viewBox="0 0 220 140" role="img" aria-label="{escape(caption)}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<path class="gauge-bg" d="M {cx - radius} {cy} A {radius} {radius} 0 0 1 '
        f'{cx + radius} {cy}"/>'
        f'<path class="gauge-{tone}" d="M {cx - radius} {cy} A {radius} {radius} 0 0 1 '
        f'{end_x:.1f} {end_y:.1f}"/>'
        f'<circle class="gauge-tick" cx="{tick_x:.1f}" cy="{tick_y:.1f}" r="4"/>'
        f'<text class="gauge-value" x="{cx}" y="{cy + 22}" text-anchor="middle">'
        f"{escape(fit(value, 2 * cx - 4))}</text>"
        f'<text x="{cx}" y="{cy + 44}" text-anchor="middle">{escape(fit(caption, 2 * cx - 4))}'
        "</text></svg>"
    )
