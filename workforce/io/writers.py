"""Writing sheets in the template's layout: xlsx (xlsxwriter) and CSV.

One layout serves the template, the export and the error report: a header row of the
spec's headers (with a comment giving the English header, the accepted form, whether it
is required and an example), drop-down validation for code and yes/no columns fed from a
"代码表" (codes) sheet, and the data.

Formula injection: a text that starts with ``=``, ``+``, ``-`` or ``@`` is data, never a
formula. In xlsx every text is written with ``write_string``, so it stays a string cell.
In CSV — where Excel would evaluate it on opening — such a text (and one that starts with
an apostrophe) gets a leading apostrophe, Excel's own text marker; the importer removes
exactly one leading apostrophe from every CSV cell, so the round trip is exact.
CSV is written as UTF-8 with a BOM, which Excel on a Chinese Windows opens correctly.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from workforce.codes import code_list, list_label
from workforce.io.cells import BoolCell, CodesCell, IdNumberCell, ReferenceCell, TextCell
from workforce.io.messages import Language, message
from workforce.io.problems import Problem, column_letter
from workforce.io.readers import TEXT_MARKER
from workforce.io.spec import ColumnSpec, EntitySpec
from workforce.private_files import private_output, private_workbook

FORMULA_STARTS = ("=", "+", "-", "@", TEXT_MARKER)
VALIDATION_ROWS = 5000
"""Rows below the header that get drop-downs in a template (an export: all its rows)."""
DATE_FORMAT = "yyyy-mm-dd"
ID_NUMBER_WIDTH = 22
"""Columns wide enough for 18 characters of an ID number."""

Cell = str | int | float | dt.date | None


@dataclass
class SheetData:
    """Rows to write in ``spec``'s layout; values already as cells (see ``cells.export``)."""

    spec: EntitySpec
    rows: Sequence[Sequence[Cell]]
    errors: Sequence[str] | None = None
    """Per row, the error text for the extra error column (the error report only)."""
    bad_cells: set[tuple[int, int]] = field(default_factory=set)
    """(row index in ``rows``, column index in :attr:`columns`) cells to highlight."""
    only: tuple[ColumnSpec, ...] | None = None
    """The columns written, in the spec's order, when not all of them (the error report
    writes the columns of the clerk's sheet only); ``rows`` hold these columns."""

    @property
    def columns(self) -> tuple[ColumnSpec, ...]:
        return self.spec.columns if self.only is None else self.only


@dataclass(frozen=True)
class ReportCell:
    """A cell of a written workbook: the ``sheet``-th of the sheets written, 0-based ``row``
    (0 the header) and ``column``."""

    sheet: int
    row: int
    column: int


def protect_csv_text(value: str) -> str:
    """Prefix Excel's text marker to a text that Excel would read as a formula."""
    return TEXT_MARKER + value if value.startswith(FORMULA_STARTS) else value


def write_csv(path: Path, data: SheetData, language: Language = "zh") -> None:
    """Write ``data`` as CSV (whole or not at all, owner-only: `private_files`)."""
    with private_output(path) as partial, partial.open("w", encoding="utf-8-sig",
                                                        newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.header(language) for c in data.columns])
        writer.writerows([_csv_cell(value) for value in row] for row in data.rows)


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return protect_csv_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_xlsx(
    path: Path,
    sheets: Iterable[SheetData],
    language: Language = "zh",
    *,
    with_codes: bool = True,
    problems: Sequence[Problem] = (),
    problem_cells: Sequence[ReportCell | None] = (),
) -> None:
    """Write ``sheets``, then (``with_codes``) the codes sheet their drop-downs use and,
    when there are ``problems``, a sheet listing them (whole or not at all, owner-only:
    `private_files`)."""
    sheets = list(sheets)
    with private_workbook(path, {"constant_memory": True}) as workbook:
        formats = {
            "header": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
            "required": workbook.add_format(
                {"bold": True, "bg_color": "#FCE4D6", "border": 1, "font_color": "#9C0006"}
            ),
            "date": workbook.add_format({"num_format": DATE_FORMAT}),
            "text": workbook.add_format({"num_format": "@"}),
            "bad": workbook.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"}),
            "bad_date": workbook.add_format(
                {"bg_color": "#FFC7CE", "font_color": "#9C0006", "num_format": DATE_FORMAT}
            ),
            "error": workbook.add_format({"font_color": "#9C0006", "text_wrap": True}),
        }
        codes_sheet = message("codes_sheet").render(language)
        code_ranges = _code_ranges(sheets, codes_sheet) if with_codes else {}
        names = _sheet_names(sheets, language)
        for data, name in zip(sheets, names, strict=True):
            worksheet = workbook.add_worksheet(name)
            _write_sheet(worksheet, data, language, formats, code_ranges)
        if with_codes and code_ranges:
            _write_codes(workbook.add_worksheet(codes_sheet), sheets, formats["header"])
        if problems:
            links = [
                None if cell is None
                else f"{names[cell.sheet]}!{column_letter(cell.column)}{cell.row + 1}"
                for cell in problem_cells
            ]  # fmt: skip
            _write_problems(workbook, problems, language, formats["header"], links)


def _sheet_names(sheets: Sequence[SheetData], language: Language) -> list[str]:
    """Each sheet's name: its entity's label, numbered from the second sheet of an entity on
    (``教师``, ``教师（2）``). An error report holds one sheet per sheet of the clerk's workbook,
    and a workbook may hold several of one entity (a sheet per school or grade); Excel refuses
    two sheets of one name, so the report was never written."""
    names: list[str] = []
    used: set[str] = set()
    for data in sheets:
        label = name = data.spec.label(language)
        number = 1
        while name.casefold() in used:
            number += 1
            name = f"{label}（{number}）" if language == "zh" else f"{label} ({number})"
        used.add(name.casefold())
        names.append(name)
    return names


def _write_sheet(
    worksheet: Worksheet,
    data: SheetData,
    language: Language,
    formats: dict,
    code_ranges: dict[str, str],
) -> None:
    columns = data.columns
    for index, column in enumerate(columns):
        style = formats["required"] if column.required else formats["header"]
        worksheet.write_string(0, index, column.header(language), style)
        worksheet.write_comment(0, index, header_comment(column), {"x_scale": 2, "y_scale": 1.5})
        textual = isinstance(column.cell, TextCell | IdNumberCell | ReferenceCell)
        width = ID_NUMBER_WIDTH if isinstance(column.cell, IdNumberCell) else max(
            10, 2 * len(column.zh) + 2)  # fmt: skip
        # a text column is formatted as text: typed into Excel, an ID number stays 18 digits
        # (General made it 4.41602E+17, its last digits lost) and a code keeps its leading 0s
        worksheet.set_column(index, index, width, formats["text"] if textual else None)
    if data.errors is not None:
        worksheet.write_string(0, len(columns), message("errors_column").render(language))
        worksheet.set_column(len(columns), len(columns), 60)
    worksheet.freeze_panes(1, 0)
    last_row = max(len(data.rows), VALIDATION_ROWS)
    for index, column in enumerate(columns):
        _validate(worksheet, index, column, last_row, code_ranges)
    for r, row in enumerate(data.rows, start=1):
        for c, value in enumerate(row):
            bad = (r - 1, c) in data.bad_cells
            _write_cell(worksheet, r, c, value, formats, bad)
        if data.errors is not None and data.errors[r - 1]:
            worksheet.write_string(r, len(columns), data.errors[r - 1], formats["error"])


def _write_cell(
    worksheet: Worksheet, row: int, col: int, value: Cell, formats: dict, bad: bool
) -> None:
    style = formats["bad"] if bad else None
    if isinstance(value, bool):
        worksheet.write_boolean(row, col, value, style)
    elif value is None:
        if bad:
            worksheet.write_blank(row, col, None, style)
    elif isinstance(value, str):
        worksheet.write_string(row, col, value, style)
    elif isinstance(value, dt.date):
        worksheet.write_datetime(row, col, value, formats["bad_date" if bad else "date"])
    else:
        worksheet.write_number(row, col, value, style)


def _write_problems(
    workbook: xlsxwriter.Workbook,
    problems: Sequence[Problem],
    language: Language,
    header: object,
    links: Sequence[str | None] = (),
) -> None:
    """The problem list; ``links``, when given, per problem the report's cell (``教师!G3``),
    written as a link to it in a last column."""
    worksheet = workbook.add_worksheet(message("problems_sheet").render(language))
    headers = message("problem_list_headers").render(language).split("|")
    if links:
        headers.append(message("problem_list_report_cell").render(language))
    for c, title in enumerate(headers):
        worksheet.write_string(0, c, title, header)
    worksheet.set_column(0, 1, 16)
    worksheet.set_column(PROBLEM_TEXT_COLUMN, PROBLEM_TEXT_COLUMN, 80)
    if links:
        worksheet.set_column(PROBLEM_TEXT_COLUMN + 1, PROBLEM_TEXT_COLUMN + 1, 18)
    for r, p in enumerate(problems, start=1):
        cells = (
            p.file,
            p.sheet,
            p.row,
            p.column_letter,
            p.header,
            p.value,
            p.text.render(language),
        )
        for c, value in enumerate(cells):
            if isinstance(value, int):
                worksheet.write_number(r, c, value)
            elif value is not None:
                worksheet.write_string(r, c, str(value))
        link = links[r - 1] if links else None
        if link is not None:
            sheet, cell = link.rsplit("!", 1)
            worksheet.write_url(r, PROBLEM_TEXT_COLUMN + 1, f"internal:'{sheet}'!{cell}", string=link)


PROBLEM_TEXT_COLUMN = 6
"""The problem list's column of the problem's text (after file, sheet, row, column, header
and value); the link to the report's cell follows it."""


def header_comment(column: ColumnSpec) -> str:
    """The header cell's comment: English header, form, required, example."""
    lines = [column.en, column.cell.describe.zh, column.cell.describe.en]
    lines.append("必填 / required" if column.required else "选填 / optional")
    if column.example:
        lines.append(f"例 / e.g.: {column.example}")
    return "\n".join(lines)


def _validate(
    worksheet: Worksheet, index: int, column: ColumnSpec, last_row: int, ranges: dict[str, str]
) -> None:
    if isinstance(column.cell, BoolCell):
        source: str | list[str] = [message("yes").zh, message("no").zh]
    elif column.code_list in ranges and not isinstance(column.cell, CodesCell):
        source = ranges[column.code_list]  # a cell of several codes cannot use a drop-down
    else:
        return
    worksheet.data_validation(
        1, index, last_row, index,
        {"validate": "list", "source": source, "error_type": "warning", "ignore_blank": True},
    )  # fmt: skip


def _code_lists(sheets: Sequence[SheetData]) -> list[str]:
    return list(dict.fromkeys(c.code_list for d in sheets for c in d.columns if c.code_list))


def _code_ranges(sheets: Sequence[SheetData], codes_sheet: str) -> dict[str, str]:
    """Code list name → the codes-sheet range of its Chinese labels (for drop-downs)."""
    ranges = {}
    for i, name in enumerate(_code_lists(sheets)):
        letter = column_letter(2 * i)
        size = len(code_list(name).codes)
        ranges[name] = f"='{codes_sheet}'!${letter}$2:${letter}${size + 1}"
    return ranges


def _write_codes(worksheet: Worksheet, sheets: Sequence[SheetData], header_format: object) -> None:
    """Two columns per code list: Chinese labels (what the drop-downs offer) and English."""
    for i, name in enumerate(_code_lists(sheets)):
        worksheet.write_string(0, 2 * i, f"{list_label(name, 'zh')}（中文）", header_format)
        worksheet.write_string(0, 2 * i + 1, f"{list_label(name, 'en')} (English)",
                               header_format)
        worksheet.set_column(2 * i, 2 * i + 1, 22)
    lists = [code_list(name) for name in _code_lists(sheets)]
    for r in range(max((len(c.codes) for c in lists), default=0)):
        for i, codes in enumerate(lists):
            if r < len(codes.codes):
                worksheet.write_string(r + 1, 2 * i, codes.codes[r].zh)
                worksheet.write_string(r + 1, 2 * i + 1, codes.codes[r].en)
