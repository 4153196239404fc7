"""From a raw sheet to parsed rows: find the header row, tell which entity the sheet holds,
map its headers to the spec's columns and parse every cell, column by column.

Parsing is column-wise so that a column's repeated values (dates, codes, flags, school
codes) are parsed once each: a 100,000-row sheet has only a few thousand distinct dates.
Every cell problem is collected; nothing stops at the first one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from workforce.io.cells import BoolCell, CellError, ReferenceCell, TextCell, is_blank
from workforce.io.entities import SPECS
from workforce.io.messages import MESSAGES, Text, message, message_each
from workforce.io.problems import Problem
from workforce.io.readers import ExcelError, RawSheet
from workforce.io.spec import ColumnSpec, EntitySpec, normalise

PARTIAL_SHEETS = frozenset({"teachers", "schools"})
"""Entities whose sheet may leave out required columns when it only changes registered rows
(``工号,职称`` to correct titles): "a column the sheet does not have is left unchanged" held
for optional columns only, and a clerk fixing one field had to re-type every required one —
the birth date too, which they see only as its month."""
HEADER_SEARCH_ROWS = 10
"""The header may sit below a title row or two; it is searched for in the first rows."""
ERROR_COLUMN_NAMES = frozenset(normalise(name) for name in MESSAGES["errors_column"])
"""The error report's own column: ignored silently when a fixed report is re-imported."""


@dataclass
class ParsedSheet:
    """One sheet's rows, parsed: ``records[i]`` holds the values of Excel row ``rows[i]``
    by column key, only for the columns the sheet has (absent columns are left untouched
    on update)."""

    file: str
    sheet: RawSheet
    spec: EntitySpec
    header_row: int
    columns: dict[str, int]
    """Column key → 0-based index in the sheet."""
    headers: dict[str, str]
    """Column key → header as written."""
    rows: list[int] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    absent_required: list[ColumnSpec] = field(default_factory=list)
    """Required columns the sheet does not have, allowed while its rows only change registered
    records (:data:`PARTIAL_SHEETS`); a new row needs them (:mod:`workforce.io.validate`)."""

    def problem(self, position: int, key: str, text: Text) -> Problem:
        """Record a problem at the cell of column ``key`` in row ``position``."""
        found = self.located(position, key, text)
        self.problems.append(found)
        return found

    def warn(self, position: int, key: str, text: Text) -> Problem:
        """Record a warning (shown in the dry run and the summary; the import goes on) at
        the cell of column ``key`` in row ``position``."""
        found = self.located(position, key, text)
        self.notices.append(found)
        return found

    def located(self, position: int, key: str, text: Text) -> Problem:
        """``text`` placed at the cell of column ``key`` in row ``position``."""
        column = self.columns.get(key)
        raw: object = None
        if column is not None:
            row = self.sheet.rows[self.rows[position] - 1]
            raw = row[column] if column < len(row) else None
        found = Problem(
            self.file, self.sheet.name, text, row=self.rows[position], column=column,
            header=self.headers.get(key, self.spec.column(key).zh), value=raw,
        )  # fmt: skip
        return found


def header_score(spec: EntitySpec, row: list[object]) -> int:
    """How many of the spec's columns the row names (0 if a required key column is missing)."""
    matched = {c.key for cell in row if (c := spec.match_header(str(cell))) is not None}
    if not set(spec.required_key) <= matched:
        return 0
    return len(matched)


def detect(sheet: RawSheet, entity: EntitySpec | None) -> tuple[EntitySpec, int] | None:
    """The sheet's spec and 0-based header row index, or None when it cannot be told.

    A given ``entity`` wins; then the sheet name; then the headers that match best.
    """
    candidates = [i for i, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]) if any(row)]
    if not candidates:
        return None
    named = entity or next((s for s in SPECS.values() if s.identifies(sheet.name)), None)
    specs = [named] if named else list(SPECS.values())
    score, index, spec = max(
        ((header_score(s, header_cells(sheet, s, i)), -i, s) for s in specs for i in candidates),
        key=lambda t: (t[0], t[1]),
    )
    if score == 0:
        return (named, candidates[0]) if named else None
    return spec, -index


def header_cells(sheet: RawSheet, spec: EntitySpec, index: int) -> list[object]:
    """The header whose last row is ``index``: that row, or — when it names more of ``spec``'s
    columns so — that row over the row above, as a two-level header of official forms has it
    (a group label such as 基本信息 merged over 性别 and 出生日期 below it, while 工号 is merged
    down both rows and so stands in the upper row only). Such a header was read from one of
    its rows, and the columns under the other were reported missing."""
    lower = sheet.rows[index]
    if index == 0:
        return lower
    upper = sheet.rows[index - 1]
    merged = [
        below if not is_blank(below) else above
        for above, below in zip_longest(upper, lower, fillvalue=None)
    ]
    if header_score(spec, merged) > header_score(spec, lower):
        return [("" if cell is None else cell) for cell in merged]
    return lower


def parse_sheet(
    file: str,
    sheet: RawSheet,
    spec: EntitySpec,
    header_index: int,
    prepare: Callable[[ParsedSheet], None] | None = None,
) -> ParsedSheet:
    """The sheet's cells parsed, then ``prepare`` run on it (values that need the registry,
    such as a birth date given as its month), then each row checked."""
    header = header_cells(sheet, spec, header_index)
    parsed = ParsedSheet(file, sheet, spec, header_index + 1, {}, {})
    _map_columns(parsed, header)
    if parsed.problems:
        return parsed
    data = []
    for number, row in enumerate(sheet.rows[header_index + 1 :], start=header_index + 2):
        if _has_value(row):
            parsed.rows.append(number)
            data.append(row)
    keys = list(parsed.columns)
    # The sheet transposed in one pass (short rows padded with None): a column's cells are
    # then one tuple, not 100,000 indexing steps per column.
    cells_by_column = list(zip_longest(*data)) if data else []
    columns = [
        _parse_column(parsed, spec.column(k), _cells(cells_by_column, parsed.columns[k]))
        for k in keys
    ]
    parsed.records = [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)]
    if prepare is not None:
        prepare(parsed)
    _warn_of_hidden_rows(parsed)
    for position, record in enumerate(parsed.records):
        for check in spec.checks:
            for key, text, *severity in check(record, spec):
                if severity:
                    parsed.warn(position, key, text)
                else:
                    parsed.problem(position, key, text)
    return parsed


def _warn_of_hidden_rows(parsed: ParsedSheet) -> None:
    """One warning, at the first of them, for the rows of data the sheet hides (filtered out,
    hidden or in a collapsed group). They are imported as every row is — a filter is often
    left on by chance — but the clerk who filtered the sheet to import only what it shows
    would otherwise write rows never looked at; the warning must be acknowledged first."""
    hidden = [n for n in parsed.rows if n in parsed.sheet.hidden_rows]
    if not hidden:
        return
    text = message_each(
        "hidden_rows",
        zh={"rows": row_ranges(hidden, "、"), "count": len(hidden)},
        en={"rows": row_ranges(hidden, ", "), "count": len(hidden)},
    )
    parsed.warn(parsed.rows.index(hidden[0]), parsed.spec.key[0], text)


def row_ranges(rows: list[int], separator: str, shown: int = 10) -> str:
    """Ascending row numbers as ranges (``5, 7–9, 12``), the first ``shown`` ranges and an
    ellipsis after them."""
    ranges: list[list[int]] = []
    for row in rows:
        if ranges and row == ranges[-1][1] + 1:
            ranges[-1][1] = row
        else:
            ranges.append([row, row])
    texts = [str(a) if a == b else f"{a}–{b}" for a, b in ranges]
    return separator.join(texts[:shown]) + (separator + "…" if len(texts) > shown else "")


def _map_columns(parsed: ParsedSheet, header: list[object]) -> None:
    spec = parsed.spec
    for index, cell in enumerate(header):
        name = str(cell).strip()
        if not name:
            continue
        column = spec.match_header(name)
        if column is None:
            if normalise(name) not in ERROR_COLUMN_NAMES:
                parsed.notices.append(
                    _sheet_problem(parsed, message("ignored_column", header=name))
                )
        elif column.key in parsed.columns:
            parsed.problems.append(
                _sheet_problem(parsed, message("duplicate_column", header=name), index, name)
            )
        else:
            parsed.columns[column.key] = index
            parsed.headers[column.key] = name
    missing = [c for c in spec.columns if c.required and c.key not in parsed.columns]
    if missing and spec.name in PARTIAL_SHEETS and not {c.key for c in missing} & set(spec.key):
        parsed.absent_required = missing  # judged per row, once it is known whose rows they are
    elif missing:
        parsed.problems.append(
            _sheet_problem(
                parsed,
                message_each(
                    "missing_columns",
                    zh={"columns": "、".join(c.zh for c in missing)},
                    en={"columns": ", ".join(c.en for c in missing)},
                ),
            )
        )


def _sheet_problem(
    parsed: ParsedSheet, text: Text, column: int | None = None, header: str | None = None
) -> Problem:
    row = parsed.header_row if column is not None else None
    return Problem(parsed.file, parsed.sheet.name, text, row=row, column=column, header=header)


def _has_value(row: list[object]) -> bool:
    """Whether a row holds anything (most rows answer at their first cell); ``is_blank``
    written out, as this runs for every row."""
    for cell in row:
        if cell is not None and not (isinstance(cell, str) and not cell.strip()):
            return True
    return False


def _cells(cells_by_column: list[tuple[object, ...]], index: int) -> list[object]:
    """Column ``index`` of the data rows (None where a row is shorter)."""
    if index < len(cells_by_column):
        return list(cells_by_column[index])
    return [None] * (len(cells_by_column[0]) if cells_by_column else 0)


def _parse_column(parsed: ParsedSheet, column: ColumnSpec, raws: list[object]) -> list[Any]:
    """The parsed values of one column (None for blank or bad cells, each bad one reported).

    A text or reference column whose cells are all text is parsed in one pass. Otherwise
    each distinct raw value is parsed once and the column is mapped through the results,
    so the per-cell work runs in C. Python's ``1 == 1.0 == True`` would let a yes/no cell
    share a result with a number; a column with boolean cells (Excel TRUE/FALSE) that is not
    a yes/no column is therefore parsed cell by cell.
    """
    kinds = set(map(type, raws))
    texts = (
        column.cell.parse_texts(raws)  # type: ignore[arg-type]
        if kinds == {str} and isinstance(column.cell, (TextCell, ReferenceCell))
        else None
    )
    if texts is not None:
        if not (column.required and None in texts):
            return texts
        outcomes: list[Any] = texts
    elif bool in kinds and not isinstance(column.cell, BoolCell):
        outcomes = [_outcome(column, raw) for raw in raws]
    else:
        by_raw = {raw: _outcome(column, raw) for raw in set(raws)}
        outcomes = list(map(by_raw.__getitem__, raws))
        if not _any_problem(column, by_raw.values()):
            return outcomes
    for position, outcome in enumerate(outcomes):
        if outcome is None and column.required:
            parsed.problem(position, column.key, message("required"))
        elif type(outcome) is CellError:
            parsed.problem(position, column.key, outcome.text)
            outcomes[position] = None
    return outcomes


def _any_problem(column: ColumnSpec, outcomes: Iterable[Any]) -> bool:
    """Whether some outcome is a problem: a bad cell, or a blank one in a required column
    (a blank optional cell is none: the column's cells need not be gone through)."""
    if column.required:
        return any(o is None or type(o) is CellError for o in outcomes)
    return any(type(o) is CellError for o in outcomes)


def _outcome(column: ColumnSpec, raw: object) -> Any:
    """The parsed value of ``raw``, None when blank, or the :class:`CellError`."""
    if is_blank(raw):
        return None
    if type(raw) is ExcelError:
        return CellError(message("excel_error", value=raw))
    try:
        value = column.cell.parse(raw)
    except CellError as error:
        return error
    return None if value == "" else value  # only invisible characters: blank
