"""Write a :class:`~workforce.reports.result.Report` as an Excel workbook fit to file: one sheet
per view plus a sheet of definitions and sources. Each sheet opens with title rows (the report
and the sheet, the district, the as-of date and the report's scope; 填报单位 and 制表日期), then
the header row (frozen, repeated on every printed page); printed on A4 landscape, fitted to the
page width. Numbers, rates and dates are written as real numbers and dates (counts as whole
numbers, rates as percentages) so clerks can sum and filter them; codes and enums are shown as
their Chinese (or English) labels, an empty value as an empty cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workforce.codes import code_list
from workforce.io.writers import protect_csv_text
from workforce.private_files import private_output, private_workbook
from workforce.reports.messages import enum_label, view_title, with_unit
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
TITLE_ROWS = 3
"""Rows above the header: title; district, as-of date and scope; reporting unit and date."""
A4 = 9
PARAMETER_LABELS = {
    "cycle": ("培训周期", "Cycle"),
    "school": ("学校代码", "School code"),
    "county": ("县（区）", "County"),
}


def detail_archive(path: Path) -> Path:
    """Where the large views of the workbook ``path`` go as CSV: ``<stem>-明细.zip`` beside it."""
    return path.with_name(f"{path.stem}-明细.zip")


def write_xlsx(
    report: Report,
    path: Path,
    language: str = "zh",
    made_on: dt.date | None = None,
    detail_rows: int | None = None,
) -> Path | None:
    """Write ``report`` to ``path`` (overwriting it, whole or not at all and owner-only:
    `private_files`); ``made_on`` is the 制表日期 (today).

    With ``detail_rows``, a view of more rows than that (the training report's 158,000
    teachers) is written as a CSV file (UTF-8 with BOM, Excel opens it as is; same headers and
    labels) inside :func:`detail_archive`, and its sheet keeps the title rows, the header and
    a line saying where the rows are: cell by cell, XlsxWriter needs about 20 s for 274,000
    rows. Returns the archive's path when one was written."""
    large = [v for v in report.views if detail_rows is not None and len(v.rows) > detail_rows]
    archive = detail_archive(path) if large else None
    with private_workbook(path, {"constant_memory": True}) as workbook:
        header = workbook.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
        )
        formats = {kind: workbook.add_format({"num_format": f}) for kind, f in _FORMATS.items()}
        formats["title"] = workbook.add_format({"bold": True, "font_size": 14})
        formats["subtitle"] = workbook.add_format({"font_size": 10})
        lines = title_lines(report, language, made_on or dt.date.today())
        used: set[str] = set()
        for view in report.views:
            moved = archive if view in large else None
            _write_view(workbook, view, language, header, formats, used, lines, moved)
        _write_notes(workbook, report, language, header, used, lines, formats)
    if archive is not None:
        _write_archive(archive, large, language, lines)
    return archive


def csv_name(view: View, language: str) -> str:
    return f"{_sheet_name(view.title(language), set())}.csv"


def _write_archive(archive: Path, views: list[View], language: str, lines) -> None:  # type: ignore[no-untyped-def]
    """The large views as CSV files in one zip, each opening with the sheet's title lines."""
    with (private_output(archive) as partial,
          zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf):
        for view in views:
            buffer = io.StringIO()
            buffer.write("\ufeff")  # BOM: Excel reads the file as UTF-8
            out = csv.writer(buffer, lineterminator="\r\n")
            for line in (f"{lines[0]}——{view.title(language)}", lines[1], lines[2]):
                out.writerow([line])
            out.writerow([_header(c, language) for c in view.columns])
            out.writerows(zip(*(_csv_column(view, c, language) for c in view.columns), strict=True))
            zf.writestr(csv_name(view, language), buffer.getvalue())


def _csv_column(view: View, column: Column, language: str) -> list[Any]:
    """One column's cells for the CSV, converted column by column (labels looked up once per
    distinct value; rates as 12.3%; empty for None)."""
    values = [row.get(column.key) for row in view.rows]
    kind = column.kind
    if kind == "percent":
        return ["" if v is None else f"{100 * v:.1f}%" for v in values]
    if kind == "number":
        return ["" if v is None else round(v, 1) for v in values]
    if kind in ("int", "text"):
        return ["" if v is None else _csv_safe(v) for v in values]
    convert = _converter(column, language)
    seen: dict[Any, Any] = {}
    out = []
    for v in values:
        if v is None:
            out.append("")
            continue
        key = v if not isinstance(v, dict) else tuple(v.items())
        if key not in seen:
            converted = convert(v)
            seen[key] = (
                converted.isoformat() if isinstance(converted, dt.date) else _csv_safe(converted)
            )
        out.append(seen[key])
    return out


def _csv_safe(value: Any) -> Any:
    """A text that Excel would run as a formula (``=HYPERLINK(…)`` in a teacher's name or a
    note) gets Excel's text marker, as the import's CSV exports do
    (:func:`workforce.io.writers.protect_csv_text`); numbers stay numbers."""
    return protect_csv_text(value) if isinstance(value, str) else value


def title_lines(report: Report, language: str, made_on: dt.date) -> tuple[str, str, str]:
    """The report's title, its district/date/scope line and its 填报单位/制表日期 line."""
    from workforce.reports.scope import default_scopes  # the scope file names the unit

    scopes = default_scopes()
    district = scopes.district.zh if language == "zh" else scopes.district.en
    unit = report.unit or scopes.issuer  # a school's own report is the school's
    issuer = unit.zh if language == "zh" else unit.en
    scope = (
        report.scope.zh
        if report.scope and language == "zh"
        else (report.scope.en if report.scope else "")
    )
    if language == "zh":
        return (
            f"{district}{report.zh}",
            f"统计日期：{report.as_of.isoformat()}　统计范围：{scope or '全区'}",
            f"填报单位：{issuer}　制表日期：{made_on.isoformat()}",
        )
    return (
        f"{district}: {report.en}",
        f"As of {report.as_of.isoformat()}; scope: {scope or 'the whole district'}",
        f"Reporting unit: {issuer}; made on {made_on.isoformat()}",
    )


def _title(sheet, lines: tuple[str, str, str], sheet_title: str, width: int, formats) -> None:  # type: ignore[no-untyped-def]
    """The title rows above a sheet's header, and its print setup."""
    sheet.write_string(0, 0, f"{lines[0]}——{sheet_title}", formats["title"])
    sheet.write_string(1, 0, lines[1], formats["subtitle"])
    sheet.write_string(2, 0, lines[2], formats["subtitle"])
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.repeat_rows(0, TITLE_ROWS)
    sheet.fit_to_pages(1, 0)
    sheet.hide_gridlines(0)
    del width


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


def _header(column: Column, language: str) -> str:
    """The column's header; in Chinese with its unit (（人）, （%） …)."""
    if language != "zh":
        return column.en
    return with_unit(column.key, column.zh, column.kind)


def _display_width(value: Any) -> int:
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    # CJK characters take two columns.
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def _write_view(workbook, view: View, language: str, header, formats, used: set[str], lines,  # type: ignore[no-untyped-def]
                archive: Path | None = None) -> None:  # fmt: skip
    sheet = workbook.add_worksheet(_sheet_name(view.title(language), used))
    _title(sheet, lines, view.title(language), len(view.columns), formats)
    top = TITLE_ROWS
    if archive is not None:  # the rows are in the CSV of the archive beside the workbook
        for col, column in enumerate(view.columns):
            sheet.set_column(col, col, max(10, _display_width(_header(column, language)) + 2))
            sheet.write_string(top, col, _header(column, language), header)
        sheet.freeze_panes(top + 1, 0)
        sheet.write_string(
            top + 1, 0,
            f"本表共 {len(view.rows):,} 行，见同目录压缩包 {archive.name} 中的 {csv_name(view, language)}"
            if language == "zh" else
            f"{len(view.rows):,} rows: see {csv_name(view, language)} in {archive.name} beside "
            "this workbook",
        )  # fmt: skip
        return
    sample = view.rows[:_WIDTH_SAMPLE_ROWS]
    for col, column in enumerate(view.columns):
        cells = [_cell(column, row.get(column.key), language) for row in sample]
        width = max(
            [_display_width(_header(column, language))]
            + [_display_width(c) for c in cells if c is not None]
        )
        sheet.set_column(col, col, min(_MAX_WIDTH, width + 2), formats.get(column.kind))
    sheet.freeze_panes(top + 1, 0)
    for col, column in enumerate(view.columns):
        sheet.write_string(top, col, _header(column, language), header)
    plan = [
        (col, column.key, _converter(column, language), formats.get(column.kind))
        for col, column in enumerate(view.columns)
    ]
    for r, row in enumerate(view.rows, start=top + 1):
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
        sheet.autofilter(top, 0, top + len(view.rows), len(view.columns) - 1)


def _write_notes(
    workbook, report: Report, language: str, header, used: set[str], lines, formats
) -> None:  # type: ignore[no-untyped-def]
    zh, en = view_title("notes")
    title = zh if language == "zh" else en
    sheet = workbook.add_worksheet(_sheet_name(title, used))
    _title(sheet, lines, title, 2, formats)
    top = TITLE_ROWS
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 100, workbook.add_format({"text_wrap": True, "valign": "top"}))
    sheet.freeze_panes(top + 1, 0)
    labels = ("项目", "内容") if language == "zh" else ("Item", "Text")
    sheet.write_row(top, 0, labels, header)
    rows: list[tuple[str, str]] = [
        ("报表" if language == "zh" else "Report", report.title(language)),
        ("统计日期" if language == "zh" else "As of", report.as_of.isoformat()),
    ]
    if report.scope is not None:
        rows.append(("统计范围" if language == "zh" else "Scope", report.scope.zh
                     if language == "zh" else report.scope.en))  # fmt: skip
    for key, value in report.parameters.items():
        if value is None:
            continue
        zh_label, en_label = PARAMETER_LABELS.get(key, (key, key))
        rows.append((zh_label if language == "zh" else en_label, str(value)))
    rows += [
        (str(i), note.zh if language == "zh" else note.en)
        for i, note in enumerate(report.notes, start=1)
    ]
    for r, (item, text) in enumerate(rows, start=top + 1):
        sheet.write_string(r, 0, item)
        sheet.write_string(r, 1, text)
