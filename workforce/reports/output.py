"""Save a report as the user asked: ``.xlsx`` (a workbook for people) or ``.json`` (the same
typed result the web API serves)."""

from __future__ import annotations

from pathlib import Path

from workforce.private_files import write_private_text
from workforce.reports.result import Report
from workforce.reports.scope import ReportError
from workforce.reports.xlsx import write_xlsx

OUTPUT_SUFFIXES = (".xlsx", ".json")


def check_output_path(path: Path) -> None:
    """Refuse an output name that is neither .xlsx nor .json before any work is done."""
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise ReportError.of("bad_output", path=str(path))


DETAIL_ROWS = 50_000
"""A view of more rows than this goes to a CSV in a zip beside the workbook (see write_xlsx)."""


def save_report(
    report: Report, path: Path, language: str = "zh", detail_rows: int | None = DETAIL_ROWS
) -> list[Path]:
    """Write the report; returns the files written (the workbook, and the archive of its
    large views when there is one)."""
    check_output_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".json":
        write_private_text(path, report.model_dump_json(indent=1))
        return [path]
    archive = write_xlsx(report, path, language, detail_rows=detail_rows)
    return [path] if archive is None else [path, archive]
