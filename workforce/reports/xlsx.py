"""Write a :class:`~workforce.reports.result.Report` as an Excel workbook: one sheet per view
plus a sheet of definitions and sources; frozen header row; readable column widths; numbers,
rates and dates written as real numbers and dates (rates as percentages) so clerks can sum
and filter them; codes shown as their Chinese (or English) labels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import xlsxwriter

from workforce.codes import code_list
from workforce.reports.messages import enum_label, view_title
from workforce.reports.result import Column, Report, View

_FORMATS = {
    "int": "0",
    "number": "0.0",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
}
_WIDTH_SAMPLE_ROWS = 300
_MAX_WIDTH = 60
_BOOL = {"zh": ("是", "否"), "en": ("yes", "no")}


def write_xlsx(report: Report, path: Path, language: str = "zh") -> None:
    """Write ``report`` to ``path`` (overwriting it)."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        header = workbook.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
        )
        formats = {kind: workbook.add_format({"num_format": f}) for kind, f in _FORMATS.items()}
        used: set[str] = set()
        for view in report.views:
            _write_view(workbook, view, language, header, formats, used)
        _write_notes(workbook, report, language, header, used)
    finally:
        workbook.close()


def _sheet_name(title: str, used: set[str]) -> str:
    name = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Sheet"
    base, n = name, 2
    while name in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


def _converter(column: Column, language: str) -> Callable[[Any], Any]:
    """How a value of ``column`` is written: labels for codes and enums, dates as dates, 是/否
    for booleans; built once per column so a 100,000-row sheet does no lookups per cell."""
    kind = column.kind
    if kind.startswith("code:"):
        labels = {c.code: c.label(language) for c in code_list(kind.removeprefix("code:")).codes}
        return lambda v: labels.get(v, str(v))
    if kind.startswith("enum:"):
        catalogue = kind.removeprefix("enum:")
        return lambda v: enum_label(catalogue, str(v), language)
    if kind == "date":
        return lambda v: v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))
    if kind == "bool":
        yes, no = _BOOL[language]
        return lambda v: yes if v else no
    if kind == "label":
        return lambda v: v[language]
    return lambda v: v


def _cell(column: Column, value: Any, language: str) -> Any:
    """The value as Excel should hold it (None stays empty)."""
    return None if value is None else _converter(column, language)(value)


def _display_width(value: Any) -> int:
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    # CJK characters take two columns.
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def _write_view(workbook, view: View, language: str, header, formats, used: set[str]) -> None:  # type: ignore[no-untyped-def]
    sheet = workbook.add_worksheet(_sheet_name(view.title(language), used))
    sample = view.rows[:_WIDTH_SAMPLE_ROWS]
    for col, column in enumerate(view.columns):
        cells = [_cell(column, row.get(column.key), language) for row in sample]
        width = max(
            [_display_width(column.header(language))]
            + [_display_width(c) for c in cells if c is not None]
        )
        sheet.set_column(col, col, min(_MAX_WIDTH, width + 2), formats.get(column.kind))
    sheet.freeze_panes(1, 0)
    for col, column in enumerate(view.columns):
        sheet.write_string(0, col, column.header(language), header)
    plan = [
        (col, column.key, _converter(column, language), formats.get(column.kind))
        for col, column in enumerate(view.columns)
    ]
    for r, row in enumerate(view.rows, start=1):
        for col, key, convert, number_format in plan:
            raw = row.get(key)
            if raw is None:
                continue
            value = convert(raw)
            if isinstance(value, dt.date):
                sheet.write_datetime(r, col, dt.datetime.combine(value, dt.time()), formats["date"])
            elif isinstance(value, bool) or not isinstance(value, int | float):
                sheet.write_string(r, col, str(value))
            else:
                sheet.write_number(r, col, value, number_format)
    if view.rows:
        sheet.autofilter(0, 0, len(view.rows), len(view.columns) - 1)


def _write_notes(workbook, report: Report, language: str, header, used: set[str]) -> None:  # type: ignore[no-untyped-def]
    zh, en = view_title("notes")
    sheet = workbook.add_worksheet(_sheet_name(zh if language == "zh" else en, used))
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 100, workbook.add_format({"text_wrap": True, "valign": "top"}))
    sheet.freeze_panes(1, 0)
    labels = ("项目", "内容") if language == "zh" else ("Item", "Text")
    sheet.write_row(0, 0, labels, header)
    rows: list[tuple[str, str]] = [
        ("报表" if language == "zh" else "Report", report.title(language)),
        ("统计日期" if language == "zh" else "As of", report.as_of.isoformat()),
    ]
    rows += [(key, str(value)) for key, value in report.parameters.items()]
    rows += [
        (str(i), note.zh if language == "zh" else note.en)
        for i, note in enumerate(report.notes, start=1)
    ]
    for r, (item, text) in enumerate(rows, start=1):
        sheet.write_string(r, 0, item)
        sheet.write_string(r, 1, text)
