"""Imports over the API: upload an xlsx or csv → its dry run (every problem with file, sheet,
row, column, value and message; or the field-by-field changes and counts) and an upload id →
commit it (all or nothing) → the error workbook; blank templates.

The work is :func:`workforce.io.importer.import_file` itself (one transaction, audited). A
commit checks the file again against the registry as it is now: if it no longer passes,
nothing is written and the answer is 409 with the problems. An upload is committed at most
once (409 the second time) and is visible only to the user who made it; its file is deleted
when it is committed or cancelled. Only roles with the ``import_data`` right (admin, hr) may
import; templates are for every reader.

The upload route reads its form itself, after the permission check (see :mod:`api.uploads`):
an anonymous upload is refused before its body is read. A file beyond the import limits
(:mod:`workforce.io.limits`: size, what an xlsx expands to, rows × columns) is refused with
422 naming the file and the limit, and is not kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.deps import Reader, require
from api.downloads import download, written_file
from api.i18n.catalogue import UI
from api.routes.messages import WORK_MESSAGES
from api.schemas.imports import ImportReportPublic, report_public
from api.security import reads_own_form
from api.uploads import (
    Upload,
    chosen_spec,
    commit_once,
    discard_upload,
    find_upload,
    save_upload,
    upload_form,
)
from workforce.accounts.models import User
from workforce.accounts.roles import Permission
from workforce.accounts.scope import county_of
from workforce.io.entities import SPECS
from workforce.io.error_report import write_error_report
from workforce.io.importer import ImportReport, import_file
from workforce.io.template import write_template
from workforce.services.errors import Conflict, InvalidInput, NotFound

router = APIRouter(tags=["imports"])

Importer = Annotated[User, Depends(require(Permission.import_data))]
Language = Annotated[Literal["zh", "en"], Query(description="文件语言 / file language")]


def _root(request: Request) -> Path:
    return Path(request.app.state.settings.upload_dir)


def _error_report_url(upload: Upload) -> str:
    return f"/api/imports/{upload.token}/errors.xlsx"


def _run(request: Request, upload: Upload, user: User, *, dry_run: bool) -> ImportReport:
    """Check (``dry_run``) or import the upload; writes the error workbook on problems. A
    county's user imports rows of their county only."""
    report = import_file(
        request.app.state.engine,
        upload.path,
        actor=user.username,
        entity=chosen_spec(upload.entity),
        dry_run=dry_run,
        county=county_of(user),
    )
    if report.problems and report.limit_exceeded is None:
        write_error_report(report, upload.error_report, upload.language)  # type: ignore[arg-type]
    return report


def refuse_beyond_limits(root: Path, upload: Upload, report: ImportReport) -> None:
    """422 for a file the importer refused unread by its limits; the file is not kept."""
    if report.limit_exceeded is not None:
        discard_upload(root, upload.token)
        text = report.limit_exceeded
        raise InvalidInput(UI.text("upload_beyond_limits", zh=text.zh, en=text.en))


UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "xlsx 或 csv 文件 / an xlsx or csv file",
                        },
                        "entity": {
                            "type": "string",
                            "maxLength": 32,
                            "default": "auto",
                            "description": "数据类别，auto 为自动识别 / entity or auto",
                        },
                    },
                }
            }
        },
    }
}
"""The upload's form, documented by hand: declared as parameters, FastAPI would read the
body before the permission check."""


def _public(report: ImportReport, upload: Upload) -> ImportReportPublic:
    return report_public(
        report,
        upload_id=upload.token,
        entity=upload.entity,
        error_report=_error_report_url(upload) if report.problems else None,
    )


@router.post(
    "/imports", response_model=ImportReportPublic, status_code=201, openapi_extra=UPLOAD_BODY
)
@reads_own_form
async def check_import(
    request: Request, user: Importer, lang: Language = "zh"
) -> ImportReportPublic:
    """上传并预检查（不写入）/ Upload a file and get its dry run; nothing is written yet."""
    assert user.id is not None
    root = _root(request)
    async with upload_form(request) as (file, fields):
        entity = fields.get("entity", "auto")
        if entity not in ("", "auto", *SPECS):
            raise InvalidInput(
                WORK_MESSAGES.text("unknown_entity", entity=entity[:32], choices=", ".join(SPECS))
            )
        upload = await save_upload(
            root, file, owner=user.id, entity=entity, language=lang,
            max_bytes=request.app.state.settings.upload_max_bytes,
        )  # fmt: skip
    report = await run_in_threadpool(_run, request, upload, user, dry_run=True)
    refuse_beyond_limits(root, upload, report)
    return _public(report, upload)


@router.post("/imports/{upload_id}/commit", response_model=ImportReportPublic)
def commit_import(request: Request, user: Importer, upload_id: str) -> ImportReportPublic:
    """正式导入已预检查的文件（全部成功或全部不写入）/ Import the checked file, all or nothing."""
    assert user.id is not None
    upload = find_upload(_root(request), upload_id, owner=user.id)
    report = commit_once(
        upload,
        lambda: _run(request, upload, user, dry_run=False),
        failed=lambda report: report.status == "failed",
    )
    if report.status == "failed":
        public = _public(report, upload)
        raise Conflict(
            WORK_MESSAGES.text("no_longer_valid", file=report.file, count=len(report.problems)),
            extra={
                "problems": public.problems,
                "problems_total": public.problems_total,
                "error_report": public.error_report,
                "batch_id": report.batch_id,
            },
        )
    return _public(report, upload)


@router.delete("/imports/{upload_id}", status_code=204, response_class=Response)
def cancel_import(request: Request, user: Importer, upload_id: str) -> Response:
    """取消上传并删除文件 / Cancel an upload: its file (and error report) are deleted."""
    assert user.id is not None
    upload = find_upload(_root(request), upload_id, owner=user.id)
    discard_upload(_root(request), upload.token)
    return Response(status_code=204)


@router.get("/imports/{upload_id}/errors.xlsx", response_class=Response)
def import_errors(request: Request, user: Importer, upload_id: str) -> Response:
    """错误报告（按模板格式，标出错误单元格）/ The error workbook, in the template's layout."""
    assert user.id is not None
    upload = find_upload(_root(request), upload_id, owner=user.id)
    if not upload.error_report.is_file():
        raise NotFound(WORK_MESSAGES.text("no_error_report"))
    suffix = "错误报告" if upload.language == "zh" else "errors"
    return download(upload.error_report.read_bytes(), f"{upload.path.stem}-{suffix}.xlsx")


@router.get("/templates/{entity}.xlsx", response_class=Response)
def import_template(user: Reader, entity: str, lang: Language = "zh") -> Response:
    """空白导入模板（含代码表）/ The blank template of an entity, with its code sheet."""
    spec = SPECS.get(entity)
    if spec is None:
        raise NotFound(
            WORK_MESSAGES.text("unknown_entity", entity=entity, choices=", ".join(SPECS))
        )
    content = written_file(f"{spec.name}.xlsx", lambda path: write_template(spec, path, lang))
    name = f"{spec.label(lang)}-模板.xlsx" if lang == "zh" else f"{spec.name}-template.xlsx"
    return download(content, name)
