"""Exports: an entity in its import template's layout (xlsx or CSV), so that importing the
file again changes nothing.

Scoped through :mod:`api.school_filter`: a school clerk gets their own school's rows only
(naming another school answers 404); district roles may narrow to one school. ID numbers are
masked unless ``unmask=true`` is asked by a role allowed to see them; every number shown in
full is written to the audit log through the disclosure service, in the same transaction as
the reading. A masked export gives birth dates as their month (``YYYY-MM``), as the pages do:
the day would give the number back (docs/security.md). Such a file imports back unchanged
(a month means the stored birth date, a masked number the stored number); one to change
numbers or birth dates in is an unmasked export.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select

from api.deps import Reader, SessionDep
from api.downloads import download, written_file
from api.routes.messages import WORK_MESSAGES
from api.school_filter import export_county, visible_school
from api.security import refuse_cross_site_disclosure
from workforce.accounts.scope import county_school_ids, restrict
from workforce.io.changes import ID_NUMBER
from workforce.io.entities import SPECS
from workforce.io.exporter import birth_months_only, export_rows
from workforce.io.writers import SheetData, write_csv, write_xlsx
from workforce.models import Teacher
from workforce.services.disclosure import disclose_id_numbers
from workforce.services.errors import NotFound

router = APIRouter(prefix="/exports", tags=["exports"])


@router.get("/{entity}.{file_format}", response_class=Response)
def export_entity_route(
    request: Request,
    session: SessionDep,
    user: Reader,
    entity: str,
    file_format: Literal["xlsx", "csv"],
    school: Annotated[
        str | None, Query(max_length=32, description="学校代码 / one school's code")
    ] = None,
    county: Annotated[
        str | None, Query(max_length=50, description="县（区）/ one county's schools")
    ] = None,
    unmask: Annotated[
        bool, Query(description="完整身份证号（仅管理员和人事股，记入审计日志）/ full ID numbers")
    ] = False,
    lang: Annotated[Literal["zh", "en"], Query(description="表头语言 / headers")] = "zh",
) -> Response:
    """按导入模板格式导出（按权限范围）/ Export an entity in its template's layout."""
    if unmask:
        refuse_cross_site_disclosure(request)
    spec = SPECS.get(entity)
    if spec is None:
        raise NotFound(
            WORK_MESSAGES.text("unknown_entity", entity=entity, choices=", ".join(SPECS))
        )
    only = visible_school(session, user, school)
    narrowed = export_county(session, user, county.strip() if county else None)
    part = only.code if only else narrowed if county else None  # what the user narrowed to
    filename = f"{spec.name}{'-' + part if part else ''}.{file_format}"
    if unmask:
        has_id_numbers = any(c.key == ID_NUMBER for c in spec.columns)
        shown = select(Teacher) if only is None else select(Teacher).where(
            Teacher.school_id == only.id)  # fmt: skip
        if narrowed is not None:
            shown = shown.where(Teacher.school_id.in_(county_school_ids(narrowed)))  # type: ignore[union-attr]
        disclose_id_numbers(
            session,
            actor=user.username,
            role=user.role,
            teachers=session.scalars(restrict(shown, user, Teacher)).all()
            if has_id_numbers
            else [],
            purpose=f"export {filename}",
        )
    rows, _ = export_rows(
        session, spec, school=only.code if only else None, unmask_id_numbers=unmask, language=lang,
        county=narrowed,
    )  # fmt: skip
    if not unmask:
        birth_months_only(spec, rows)
    data = SheetData(spec, rows)
    if file_format == "csv":
        content = written_file(filename, lambda path: write_csv(path, data, lang))
    else:
        content = written_file(filename, lambda path: write_xlsx(path, [data], lang))
    session.commit()
    return download(content, filename)
