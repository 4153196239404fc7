"""The import API's answer: a dry run's (or a commit's) report, as data.

Values in changes are JSON values (codes stay codes, dates ISO); ID numbers appear only
masked. Long lists are cut at :data:`LISTED` entries; ``changes_total`` and
``problems_total`` give the full counts and the error workbook lists every problem.
"""

from __future__ import annotations

from typing import Any

from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field

from workforce.idnumber import birth_month
from workforce.io.importer import ImportReport

LISTED = 1000


class Message(BaseModel):
    zh: str
    en: str


class ImportProblem(BaseModel):
    file: str
    sheet: str
    row: int | None = Field(description="Excel row number (1 = the sheet's first row).")
    column: str | None = Field(description="Column letter as in Excel.")
    header: str | None
    value: str | None
    message: Message


class SheetCounts(BaseModel):
    entity: str
    sheet: str
    rows: int
    created: int
    updated: int
    unchanged: int


class FieldChangePublic(BaseModel):
    entity: str
    key: str = Field(description="The row's natural key (school code, staff number …).")
    column: str
    header: Message
    before: Any
    after: Any


class ImportReportPublic(BaseModel):
    upload_id: str
    file: str
    entity: str = Field(description="The entity chosen at upload, or auto.")
    status: str = Field(description="dry_run | failed | committed | unchanged")
    batch_id: int | None = Field(description="The import log entry of a commit.")
    counts: dict[str, int]
    sheets: list[SheetCounts]
    changes: list[FieldChangePublic]
    changes_total: int
    problems: list[ImportProblem]
    problems_total: int
    notices: list[Message]
    error_report: str | None = Field(description="Where to download the error workbook.")


def _shown(column: str, value: Any) -> Any:
    """A changed value as the dry run shows it: a birth date as its month (the day would give
    the masked ID number back, docs/security.md); ID numbers come masked from the importer."""
    if column == "birth_date" and value is not None:
        return birth_month(value)
    return jsonable_encoder(value)


def report_public(
    report: ImportReport, *, upload_id: str, entity: str, error_report: str | None
) -> ImportReportPublic:
    changes = [
        FieldChangePublic(
            entity=c.spec.name,
            key=c.spec.key_text(c.parsed.records[u.position]),
            column=f.column.key,
            header=Message(zh=f.column.zh, en=f.column.en),
            before=_shown(f.column.key, f.before),
            after=_shown(f.column.key, f.after),
        )
        for c in report.changes
        for u in c.updates
        for f in u.changes
    ]
    problems = [
        ImportProblem(
            file=p.file,
            sheet=p.sheet,
            row=p.row,
            column=p.column_letter,
            header=p.header,
            value=None if p.value is None else str(p.value),
            message=Message(zh=p.text.zh, en=p.text.en),
        )
        for p in report.problems[:LISTED]
    ]
    return ImportReportPublic(
        upload_id=upload_id,
        file=report.file,
        entity=entity,
        status=report.status,
        batch_id=report.batch_id,
        counts=report.counts(),
        sheets=[
            SheetCounts(
                entity=c.spec.name,
                sheet=c.parsed.sheet.name,
                rows=len(c.parsed.records),
                created=len(c.creates),
                updated=len(c.updates),
                unchanged=c.unchanged,
            )
            for c in report.changes
        ],
        changes=changes[:LISTED],
        changes_total=len(changes),
        problems=problems,
        problems_total=len(report.problems),
        notices=[Message(zh=n.render("zh"), en=n.render("en")) for n in report.notices],
        error_report=error_report,
    )
