"""The import wizard: choose the entity, upload an xlsx or csv → the dry run's report (each
problem with row, column, value and message, or the field-by-field changes) → commit; the
error workbook to download and fix; blank templates.

The work is :func:`workforce.io.importer.import_file` itself (all or nothing, audited); the
routes are plain ``def`` so it runs in the server's thread pool and never blocks other
requests. Only roles with the ``import_data`` right (admin, hr) may import.

The upload reads its form itself, after the permission check (:mod:`api.uploads`); a file
beyond the import limits is refused (422) with the reason and not kept; the uploaded file
is deleted once committed, or when the clerk cancels.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

import texts
from api.i18n import Language, page_language
from api.i18n.catalogue import UI
from api.pages.access import Importer
from api.pages.rendering import render
from api.pages.routing import page_router
from api.pages.uploads import cancel_upload, find_upload, save_upload, upload_root
from api.routes.imports import refuse_beyond_limits
from api.security import reads_own_form
from api.uploads import Upload, chosen_spec, commit_once, upload_form
from workforce.accounts.models import User
from workforce.accounts.scope import county_of
from workforce.idnumber import birth_month
from workforce.io.changes import ID_NUMBER, FieldChange
from workforce.io.entities import SPECS
from workforce.io.error_report import write_error_report
from workforce.io.importer import ImportReport, import_file
from workforce.io.messages import Text as IoText
from workforce.io.messages import message as io_message
from workforce.io.template import write_template
from workforce.models import Teacher
from workforce.services.errors import InvalidInput, NotFound

router = page_router()

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHANGES_SHOWN = 500
"""Rows of the change and problem tables on the page; the error workbook has them all."""


def shown_value(change: FieldChange, value: Any, language: Language) -> str:
    if value is None or value == []:
        return "—"
    if change.column.key == ID_NUMBER:
        return str(value)  # the importer hands ID numbers over masked
    if change.column.key == "birth_date":
        return str(birth_month(value))  # the day would give the masked number back
    return str(change.column.cell.export(value, language))


def report_view(
    report: ImportReport, language: Language, names: dict[str, str] | None = None
) -> dict[str, Any]:
    """What the report page shows: per-sheet counts, the changes (with the teacher's name
    from ``names``, staff number → name), the problems, the warnings to acknowledge."""
    names = names or {}
    sheets = [
        {
            "entity": c.spec.label(language),
            "rows": len(c.parsed.records),
            "created": len(c.creates),
            "updated": len(c.updates),
            "unchanged": c.unchanged,
        }
        for c in report.changes
    ]
    changes = [
        {
            "entity": c.spec.label(language),
            "key": c.spec.key_text(c.parsed.records[u.position]),
            "name": _name_of(c.parsed.records[u.position], names),
            "header": f.column.header(language),
            "before": shown_value(f, f.before, language),
            "after": shown_value(f, f.after, language),
        }
        for c in report.changes
        for u in c.updates
        for f in u.changes
    ]
    problems = [
        {
            "sheet": p.sheet,
            "row": p.row,
            "column": p.column_letter,
            "header": p.header,
            "value": "" if p.value is None else str(p.value),
            "message": p.text.render(language),
        }
        for p in report.problems
    ]
    return {
        "status": report.status,
        "sheets": sheets,
        "changes": changes[:CHANGES_SHOWN],
        "changes_total": len(changes),
        "problems": problems[:CHANGES_SHOWN],
        "problems_total": len(problems),
        "notices": [n.render(language) for n in report.notices if n.row is None],
        "warnings": [n.render(language) for n in report.warnings],
        "unacknowledged": report.unacknowledged,
        "warnings_fingerprint": report.warnings_fingerprint,
        "batch_id": report.batch_id,
        "file": report.file,
    }


def _name_of(record: dict[str, Any], names: dict[str, str]) -> str:
    if record.get("name") and "staff_no" in record:
        return str(record["name"])
    return names.get(str(record.get("staff_no", "")), "")


def teacher_names(engine: Engine, report: ImportReport) -> dict[str, str]:
    """Staff number → name of the teachers the changes name without a name column
    (certificates, designations …), read in one query per 5,000."""
    wanted = sorted(
        {
            str(record["staff_no"])
            for c in report.changes
            for u in c.updates
            if "staff_no" in (record := c.parsed.records[u.position]) and not record.get("name")
        }
    )
    names: dict[str, str] = {}
    with Session(engine) as session:
        for start in range(0, len(wanted), 5_000):
            chunk = wanted[start : start + 5_000]
            rows = session.exec(
                select(Teacher.staff_no, Teacher.name).where(Teacher.staff_no.in_(chunk))  # type: ignore[attr-defined]
            )
            names.update(dict(rows.all()))
    return names


@router.get("/imports")
def import_start(request: Request, user: Importer) -> Response:
    return render(request, "import_start.html", user=user, specs=SPECS)


def _in_the_pages_words(report: ImportReport) -> None:
    """The importer's advice for a sheet it cannot place is the command line's ("请用 --entity
    指定"), an option a clerk on the page has never seen: here, and in the error workbook the
    page offers, it says where to choose the data instead (the form's 数据类别)."""
    advice = io_message("entity_not_detected", choices=", ".join(SPECS))
    pages = IoText(*(texts.text("ui.import_choose_entity", each,
                                label=texts.text("ui.entity", each)) for each in ("zh", "en")))
    report.problems[:] = [replace(p, text=pages) if p.text == advice else p
                          for p in report.problems]  # fmt: skip


def _run(
    request: Request,
    upload: Upload,
    user: User,
    entity: str,
    dry_run: bool,
    acknowledged: str | None = None,
) -> ImportReport:
    report = import_file(
        request.app.state.engine,
        upload.path,
        actor=user.username,
        entity=chosen_spec(entity),
        dry_run=dry_run,
        warnings_acknowledged=acknowledged,
        county=county_of(user),
    )
    _in_the_pages_words(report)
    if report.problems and report.limit_exceeded is None:
        write_error_report(report, upload.error_report, page_language(request))
    return report


@router.post("/imports")
@reads_own_form
async def import_check(request: Request, user: Importer) -> Response:
    """Keep the upload and show the dry run: nothing is written yet."""
    try:
        async with upload_form(request) as (file, fields):
            entity = fields.get("entity", "auto")[:32]
            chosen_spec(entity)
            upload = await save_upload(request, user, file, entity)
    except InvalidInput as error:  # a wrong file type, none, or too large: back to the form
        message = error.text.zh if page_language(request) == "zh" else error.text.en
        return render(
            request, "import_start.html", user=user, specs=SPECS, error=message, status_code=422
        )
    report = await run_in_threadpool(_run, request, upload, user, entity, True)
    refuse_beyond_limits(upload_root(request), upload, report)
    names = await run_in_threadpool(teacher_names, request.app.state.engine, report)
    return render(
        request,
        "import_report.html",
        user=user,
        token=upload.token,
        entity=entity,
        report=report_view(report, page_language(request), names),
        committed=False,
    )


@router.post("/imports/{token}/commit")
def import_commit(
    request: Request,
    user: Importer,
    token: str,
    entity: Annotated[str, Form(max_length=32)] = "auto",
    acknowledge: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Import the file checked in the dry run, for real (all or nothing). A file with
    warnings is written only with them acknowledged (the box under the list, whose value is
    the warnings' fingerprint: the commit checks it against its own warnings); else, or
    when the warnings changed since the dry run, the report comes back with the request to
    acknowledge them."""
    upload = find_upload(request, user, token)
    report = commit_once(
        upload,
        lambda: _run(request, upload, user, entity, False, acknowledge or None),
        failed=lambda report: report.status == "failed" or report.unacknowledged,
    )
    return render(
        request,
        "import_report.html",
        user=user,
        token=upload.token,
        entity=entity,
        report=report_view(report, page_language(request), teacher_names(_engine(request), report)),
        committed=not report.unacknowledged,
    )


def _engine(request: Request) -> Engine:
    return request.app.state.engine


@router.post("/imports/{token}/cancel")
def import_cancel(request: Request, user: Importer, token: str) -> Response:
    """Cancel a checked upload: its file and error report are deleted."""
    cancel_upload(request, user, token)
    return RedirectResponse("/imports", status_code=303)


@router.get("/imports/{token}/errors.xlsx")
def import_errors(request: Request, user: Importer, token: str) -> Response:
    upload = find_upload(request, user, token)
    if not upload.error_report.is_file():
        return RedirectResponse("/imports", status_code=303)
    name = f"{Path(upload.path.name).stem}-错误报告.xlsx"
    return FileResponse(upload.error_report, media_type=XLSX, filename=name)


@router.get("/imports/templates/{entity}.xlsx")
def import_template(request: Request, user: Importer, entity: str) -> Response:
    spec = chosen_spec(entity)
    if spec is None:
        raise NotFound(UI.text("unknown_entity", entity=entity, choices=", ".join(SPECS)))
    language = page_language(request)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{spec.name}.xlsx"
        write_template(spec, path, language)
        content = path.read_bytes()
    filename = (
        f"{spec.label(language)}-模板.xlsx" if language == "zh" else f"{spec.name}-template.xlsx"
    )
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": _attachment(filename)},
    )


def _attachment(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"
