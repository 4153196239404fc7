"""An import by a user scoped to one county (``User.county``) writes that county only: every row
that touches a school or a teacher of another county — or a school not placed in the county —
is refused at its row and column, and so nothing of the file is written (imports are all or
nothing). Run after :func:`workforce.io.validate.cross_check`, whose problems (unknown codes)
are not repeated here.

* a school row: the school, if on file, must be of the county; its ``county`` cell (when the
  sheet has the column) must name the county; a new school needs the column;
* a school code in any other column (a teacher's school, a rotation's schools, a wish): a
  school on file must be of the county (a school only in the file is checked by its own row);
* a staff number (a teacher's row, or a record of a teacher): a teacher on file must work at a
  school of the county.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from workforce.io.cells import ReferenceCell
from workforce.io.lookups import IN_CHUNK, RegistryIndex
from workforce.io.messages import message
from workforce.io.parse import ParsedSheet
from workforce.models import School, Teacher


def refuse_outside_county(sheets: list[ParsedSheet], index: RegistryIndex, county: str) -> None:
    """Add a problem to every row of ``sheets`` that reaches outside ``county``."""
    schools = _school_counties(index)
    teachers = _teacher_counties(index, _staff_numbers(sheets))
    for sheet in sheets:
        if sheet.spec.name == "schools":
            _school_rows(sheet, schools, county)
        if sheet.spec.name == "teachers":
            _teacher_keys(sheet, "staff_no", teachers, county)
        for column in sheet.spec.references:
            assert isinstance(column.cell, ReferenceCell)
            if column.cell.target == "schools":
                _school_references(sheet, column.key, schools, county)
            else:
                _teacher_keys(sheet, column.key, teachers, county)


def _school_rows(sheet: ParsedSheet, schools: dict[str, str | None], county: str) -> None:
    has_column = "county" in sheet.columns
    for position, record in enumerate(sheet.records):
        code = record.get("code")
        if code is None:
            continue
        if code in schools and schools[code] != county:
            sheet.problem(position, "code", _other_county(schools[code], county, code=code))
        elif has_column and record.get("county") != county:
            sheet.problem(position, "county", message("school_county_must_be", county=county))
        elif not has_column and code not in schools:
            sheet.problem(position, "code", message("school_county_must_be", county=county))


def _school_references(
    sheet: ParsedSheet, key: str, schools: dict[str, str | None], county: str
) -> None:
    for position, record in enumerate(sheet.records):
        code = record.get(key)
        if code in schools and schools[code] != county:
            sheet.problem(position, key, _other_county(schools[code], county, code=code))


def _teacher_keys(
    sheet: ParsedSheet, key: str, teachers: dict[str, str | None], county: str
) -> None:
    for position, record in enumerate(sheet.records):
        staff_no = record.get(key)
        if staff_no in teachers and teachers[staff_no] != county:
            text = message("teacher_outside_county", staff_no=staff_no, county=county)
            sheet.problem(position, key, text)


def _other_county(theirs: str | None, county: str, *, code: str):  # type: ignore[no-untyped-def]
    return message("school_outside_county", code=code, other=theirs or "—", county=county)


def _school_counties(index: RegistryIndex) -> dict[str, str | None]:
    """School code → county, of every school on file."""
    return {
        code: county for code, county in index.session.execute(select(School.code, School.county))
    }


def _staff_numbers(sheets: list[ParsedSheet]) -> list[str]:
    """Every staff number the file names, in any column that holds one."""
    found: set[str] = set()
    for sheet in sheets:
        keys: Iterable[str] = [
            c.key
            for c in sheet.spec.references
            if c.cell.target == "teachers"  # type: ignore[attr-defined]
        ]
        if sheet.spec.name == "teachers":
            keys = [*keys, "staff_no"]
        for key in keys:
            found.update(r[key] for r in sheet.records if r.get(key) is not None)
    return sorted(found)


def _teacher_counties(index: RegistryIndex, staff: list[str]) -> dict[str, str | None]:
    """Staff number → the county of the teacher's school, of the ``staff`` on file."""
    counties: dict[str, str | None] = {}
    for start in range(0, len(staff), IN_CHUNK):
        rows = index.session.execute(
            select(Teacher.staff_no, School.county)
            .join(School, School.id == Teacher.school_id)
            .where(Teacher.staff_no.in_(staff[start : start + IN_CHUNK]))  # type: ignore[attr-defined]
        )
        counties.update(rows.all())
    return counties
