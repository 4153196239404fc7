"""The error report: the imported rows again, in the template's layout, with an extra
error column and the bad cells highlighted, so the clerk fixes them in place and uploads
the same file again (the importer ignores the error column and the problem list sheet).

A second sheet lists every problem (row, column, header, value, message — where the clerk's
file has it), including those that concern a whole sheet or file (a missing column, an
unreadable file), each linked to its cell in the report.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from workforce.io.importer import ImportReport
from workforce.io.messages import Language
from workforce.io.parse import ParsedSheet
from workforce.io.problems import Problem
from workforce.io.writers import Cell, ReportCell, SheetData, write_xlsx


def write_error_report(report: ImportReport, out: Path, language: Language = "zh") -> None:
    sheets = [_sheet_data(sheet, language) for sheet in report.sheets]
    places: dict[int, ReportCell] = {}
    for number, (parsed, data) in enumerate(zip(report.sheets, sheets, strict=True)):
        places.update(_places(parsed, data, number))
    write_xlsx(
        out, sheets, language, problems=report.problems,
        problem_cells=[places.get(id(problem)) for problem in report.problems],
    )  # fmt: skip


def _places(parsed: ParsedSheet, data: SheetData, number: int) -> dict[int, ReportCell]:
    """Where each of the sheet's problems sits in the report (by the problem's ``id``): its
    cell, or the row's error cell when the column is not in the report. The problem list's
    row and column are the clerk's file's (the report has no title rows and the template's
    column order), so the list also links each problem to its cell in the report."""
    report_row = {row: r + 1 for r, row in enumerate(parsed.rows)}  # below the header
    report_column = {c: i for i, c in enumerate(data.columns)}
    by_key = {parsed.columns[key]: report_column[parsed.spec.column(key)] for key in parsed.columns}
    places = {}
    for problem in parsed.problems:
        row = report_row.get(problem.row) if problem.row is not None else None
        if row is not None:
            column = by_key.get(problem.column, len(data.columns))  # type: ignore[arg-type]
            places[id(problem)] = ReportCell(number, row, column)
    return places


def _sheet_data(parsed: ParsedSheet, language: Language) -> SheetData:
    """The sheet's rows in the spec's column order, as the clerk wrote them: only the columns
    the sheet has. A column the sheet lacks is left unchanged by an import, but a blank column
    clears its fields: written out empty, the fixed report uploaded again erased every row's
    最高学历, 职称, 参加工作时间 … that the clerk's file had never named."""
    shown = tuple(column for column in parsed.spec.columns if column.key in parsed.columns)
    spec_index = {column.key: i for i, column in enumerate(shown)}
    by_row: dict[int, list[Problem]] = defaultdict(list)
    for problem in parsed.problems:
        if problem.row is not None:
            by_row[problem.row].append(problem)
    sheet_to_spec = {parsed.columns[key]: spec_index[key] for key in parsed.columns}
    rows: list[list[Cell]] = []
    errors: list[str] = []
    bad: set[tuple[int, int]] = set()
    for r, number in enumerate(parsed.rows):
        raw = parsed.sheet.rows[number - 1]
        row: list[Cell] = [None] * len(spec_index)
        for sheet_column, spec_column in sheet_to_spec.items():
            value = raw[sheet_column] if sheet_column < len(raw) else None
            row[spec_column] = None if value == "" else value  # type: ignore[assignment]
        for problem in by_row.get(number, ()):
            if problem.column in sheet_to_spec:
                bad.add((r, sheet_to_spec[problem.column]))
        rows.append(row)
        errors.append("；".join(_said(p, language) for p in by_row.get(number, ())))
    return SheetData(parsed.spec, rows, errors, bad, shown)


def _said(problem: Problem, language: Language) -> str:
    """A problem as the 错误说明 column says it: after its column's header when it is about a
    cell — "必填项为空；必填项为空；必填项为空" named no field, and the red cells were the only
    clue to which."""
    text = problem.text.render(language)
    if not problem.header:
        return text
    return f"{problem.header}：{text}" if language == "zh" else f"{problem.header}: {text}"
