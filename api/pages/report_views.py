"""A report narrowed to what a report page shows: the filter's schools (one school, a school
type, or both), the cells written as the reader sees them, and the report's scope extended by
the filter — the same :class:`~workforce.reports.result.Report` then goes to the page and to
the Excel writer (:func:`workforce.reports.xlsx.write_xlsx`), so the download holds exactly
the rows the page shows.

How a view is narrowed: a view with a ``school_code`` column keeps the rows of the filter's
schools; a view with a ``level`` column (and no school) keeps the rows of the chosen school
type. A view with neither — a district total, a year-by-year series — cannot be narrowed and
is left out while a filter is on (the page names it), unless the report function itself was
asked for the one school (training, staffing: every view is then about that school).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from api.i18n import translator
from workforce.codes import code_list
from workforce.reports.messages import enum_label, with_unit
from workforce.reports.result import Column, Note, Report, View


@dataclass(frozen=True)
class Filter:
    """The page's filter: ``codes`` are the school codes shown (None: every school)."""

    codes: frozenset[str] | None
    level: str | None
    narrowed_by_report: bool
    """The report function was given the one school: every view is about it already."""
    zh: str
    en: str
    """The filter in words (empty when there is none)."""

    @property
    def active(self) -> bool:
        return self.codes is not None or self.level is not None


@dataclass(frozen=True)
class Narrowed:
    report: Report
    left_out: tuple[View, ...]
    """Views that a filter cannot narrow (district totals): not shown, not exported."""


def narrow(report: Report, only: Filter) -> Narrowed:
    """``report`` with each view narrowed to ``only``; the scope note says the filter."""
    if not only.active:
        return Narrowed(report, ())
    kept: list[View] = []
    left_out: list[View] = []
    for view in report.views:
        keys = {c.key for c in view.columns}
        if "school_code" in keys and only.codes is not None:
            rows = [r for r in view.rows if r.get("school_code") in only.codes]
        elif "level" in keys and only.level is not None and "school_code" not in keys:
            rows = [r for r in view.rows if r.get("level") == only.level]
        elif only.narrowed_by_report:
            rows = view.rows
        else:
            left_out.append(view)
            continue
        kept.append(view.model_copy(update={"rows": rows}))
    scope = report.scope or Note(zh="全区", en="the whole district")
    zh, en = (
        translator("zh")("report_filter", what=only.zh),
        translator("en")("report_filter", what=only.en),
    )
    scope = Note(zh=f"{scope.zh}；{zh}", en=f"{scope.en}; {en}")
    narrowed = report.model_copy(update={"views": kept, "scope": scope})
    return Narrowed(narrowed, tuple(left_out))


def cell_text(column: Column, value: Any, language: str) -> str:
    """A cell as the page shows it: labels for codes and enums, rates as 12.3 %, numbers to
    one decimal, 是/否; blank for none (as the workbook leaves the cell empty)."""
    if value is None:
        return ""
    kind = column.kind
    if kind == "percent":
        return f"{100 * value:.1f}%"
    if kind == "number":
        return f"{value:,.1f}"
    if kind == "int":
        return str(int(value))
    if kind == "bool":
        return ("是" if value else "否") if language == "zh" else ("yes" if value else "no")
    if kind == "label":
        return str(value[language])
    if kind.startswith("code:"):
        try:
            return code_list(kind.removeprefix("code:")).label(value, language)
        except KeyError:
            return str(value)
    if kind.startswith("enum:"):
        return enum_label(kind.removeprefix("enum:"), str(value), language)
    if kind == "date" and isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def header(column: Column, language: str) -> str:
    """The column's header as the workbook writes it (Chinese with its unit)."""
    return with_unit(column.key, column.zh, column.kind) if language == "zh" else column.en


@dataclass(frozen=True)
class Table:
    """A view ready for the page: title, headers and the first ``shown`` rows' cells."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[str]]
    count: int


def table(view: View, language: str, limit: int) -> Table:
    texts: list[Callable[[Any], str]] = [
        (lambda v, c=c: cell_text(c, v, language)) for c in view.columns
    ]
    rows = [
        [text(row.get(c.key)) for c, text in zip(view.columns, texts, strict=True)]
        for row in view.rows[:limit]
    ]
    return Table(
        key=view.key,
        title=view.title(language),
        headers=[header(c, language) for c in view.columns],
        rows=rows,
        count=len(view.rows),
    )
