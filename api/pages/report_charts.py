"""Each report page's chart, drawn (as inline SVG, :mod:`api.pages.charts`) from the same
narrowed report the page's tables show, so a figure in the chart is a figure in a table:

* training — teachers by training status for each school type (``training.school_types``);
* talent — each goal's current count against its target (``talent.goals``), or with a filter
  the key teachers per 100 pupils of each school against the threshold;
* qualifications — each indicator's rate (``qualifications.indicators``), or with a filter each
  school's rate of the indicator of its stage;
* staffing — the shortage of each subject summed over the schools shown (``staffing.subjects``);
* rotation — the share of teachers moved each year against the district target
  (``rotation.years``), or with a filter each school's share in the latest year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from api.i18n import Language, translator
from api.pages.charts import Bar, Segment, Stack, bar_chart, stacked_chart
from api.pages.report_views import cell_text
from workforce.codes import code_list
from workforce.reports.messages import enum_label
from workforce.reports.result import Column, Report, View
from workforce.rules.training import STATUSES

MAX_BARS = 40
"""Rows drawn at most (the tables below hold them all)."""
WIDE_TEXT = 200
"""Room right of a bar for texts like ``4.9（要求 ≥ 1.0）``."""

Chart = Callable[[Report, Language], Markup | None]


def _view(report: Report, key: str) -> View | None:
    found = [v for v in report.views if v.key == key]
    return found[0] if found and found[0].rows else None


def _pct(value: float | None) -> str:
    return cell_text(Column(key="x", zh="", en="", kind="percent"), value, "zh")


def _level(code: str | None, language: Language) -> str:
    return code_list("school_levels").label(code, language) if code else ""


def training(report: Report, language: Language) -> Markup | None:
    view = _view(report, "training.school_types")
    if view is None:
        return None
    return status_chart(view.rows, language, report.title(language))


def status_chart(rows: list[dict[str, Any]], language: Language, title: str) -> Markup:
    """Teachers by training status at each school type, from rows as the training report's
    ``training.school_types`` view holds them (the report page and the dashboard draw it)."""
    segments = [Segment(s, enum_label("training_status", s, language)) for s in STATUSES]
    stacks = []
    for row in rows:
        label = _level(row["level"], language)
        if row["scope_group"] != "headline":
            label += "（" + code_list("ownership").label(row["ownership"], language) + "）"
        done = _pct(row["completion_rate"]) if row["completion_rate"] is not None else "—"
        stacks.append(
            Stack(label, tuple(float(row[s]) for s in STATUSES), f"{done} / {row['teachers']:g}")
        )
    return stacked_chart(stacks, segments, title=title)


def talent(report: Report, language: Language) -> Markup | None:
    t = translator(language)
    goals = _view(report, "talent.goals")
    # attainment against the district's targets; a county's report has none (they are not
    # shared out by county), and shows its schools' key teachers per 100 pupils instead
    if goals is not None and any(row["target"] is not None for row in goals.rows):
        bars = [
            Bar(
                label=row["target_key"][language],
                value=row["attainment"] or 0,
                text=t(
                    "chart_goal",
                    current=row["current"],
                    target=row["target"],
                    year=row["target_year"],
                ),  # fmt: skip
                tone="primary" if row["verdict"] != "not_met" else "bad",
            )
            for row in goals.rows
        ]
        return bar_chart(bars, maximum=1, title=report.title(language), value_width=WIDE_TEXT)
    return _per_school(report, "talent.per_100_pupils", "per_100_pupils", "threshold", language)


def _per_school(
    report: Report, key: str, value: str, target: str, language: Language
) -> Markup | None:
    """Each school's ``value`` against its ``target`` (both plain numbers)."""
    view = _view(report, key)
    if view is None:
        return None
    t = translator(language)
    bars = [
        Bar(
            label=row["school_name"],
            value=row[value] or 0,
            text=t("chart_required", value=f"{row[value] or 0:.2f}", target=f"{row[target]:g}"),
            tone="primary" if (row[value] or 0) >= row[target] else "bad",
        )
        for row in view.rows[:MAX_BARS]
    ]
    return bar_chart(bars, title=report.title(language), value_width=WIDE_TEXT)


def qualifications(report: Report, language: Language) -> Markup | None:
    t = translator(language)
    indicators = _view(report, "qualifications.indicators")
    if indicators is not None:
        bars = [
            Bar(
                label=row["indicator"][language],
                value=row["rate"] or 0,
                text=t("chart_rate", rate=_pct(row["rate"]), teachers=row["teachers"]),
            )
            for row in indicators.rows
        ]
        return bar_chart(bars, maximum=1, title=report.title(language), value_width=WIDE_TEXT)
    schools = _view(report, "qualifications.schools")
    if schools is None:
        return None
    rates = [c for c in schools.columns if c.kind == "percent"]
    bars = []
    for row in schools.rows[:MAX_BARS]:
        shown = [c for c in rates if row.get(c.key) is not None]
        if shown:
            rate = row[shown[0].key]
            bars.append(Bar(row["school_name"], rate, f"{_pct(rate)} {shown[0].header(language)}"))
    return bar_chart(bars, maximum=1, title=report.title(language), value_width=WIDE_TEXT)


def staffing(report: Report, language: Language) -> Markup | None:
    view = _view(report, "staffing.subjects")
    if view is None:
        return None
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in view.rows:
        for key in ("need", "in_post", "shortage"):
            totals[row["subject"]][key] += row[key] or 0
    t = translator(language)
    short = sorted((s for s in totals if totals[s]["shortage"] > 0),
                   key=lambda s: -totals[s]["shortage"])  # fmt: skip
    bars = [
        Bar(
            label=code_list("subjects").label(s, language),
            value=totals[s]["shortage"],
            text=t(
                "chart_shortage",
                shortage=f"{totals[s]['shortage']:.1f}",
                need=f"{totals[s]['need']:.1f}",
                in_post=f"{totals[s]['in_post']:g}",
            ),
            tone="bad",
        )  # fmt: skip
        for s in short[:MAX_BARS]
    ]
    return bar_chart(bars, title=report.title(language), value_width=WIDE_TEXT) if bars else None


def rotation(report: Report, language: Language) -> Markup | None:
    t = translator(language)
    years = _view(report, "rotation.years")
    if years is not None:
        return bar_chart(
            [_share_bar(str(r["year"]), r["moved_share"], r["district_target"], t)
             for r in years.rows],
            maximum=max([0.0001, *(r["moved_share"] or 0 for r in years.rows),
                         *(r["district_target"] or 0 for r in years.rows)]),
            title=report.title(language), value_width=WIDE_TEXT,
        )  # fmt: skip
    schools = _view(report, "rotation.schools")
    if schools is None:
        return None
    latest = max(r["year"] for r in schools.rows)
    rows = [r for r in schools.rows if r["year"] == latest][:MAX_BARS]
    bars = [_share_bar(r["school_name"], r["moved_share"], r["school_target"], t) for r in rows]
    return bar_chart(bars, maximum=1, title=f"{latest}", value_width=WIDE_TEXT)


def _share_bar(label: str, share: float | None, target: float | None, t: Any) -> Bar:
    if target is None:
        return Bar(label, share or 0, _pct(share))
    return Bar(
        label,
        share or 0,
        t("chart_required", value=_pct(share), target=_pct(target)),
        "primary" if (share or 0) >= target else "bad",
    )


CHARTS: dict[str, Chart] = {
    "training": training,
    "talent": talent,
    "qualifications": qualifications,
    "staffing": staffing,
    "rotation": rotation,
}
