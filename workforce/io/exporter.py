"""Export an entity in its template's layout (xlsx or CSV), so that importing the file
again changes nothing: codes as Chinese labels (English with ``language="en"``), dates as
dates, references as school codes and staff numbers.

ID numbers are masked (``******************``) and birth dates shown as their month unless the
caller asks for them in clear; an unmasked export writes one ``unmask`` audit entry per teacher
whose number it shows, in the same transaction as the reading. ``school`` limits the export to one school's rows
(a school's clerk must not receive another school's data).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from workforce import audit
from workforce.accounts.scope import recorded_counties
from workforce.idnumber import birth_month, decrypt, mask
from workforce.io.cells import ReferenceCell
from workforce.io.changes import ID_NUMBER
from workforce.io.lookups import RegistryIndex
from workforce.io.messages import Language
from workforce.io.spec import EntitySpec
from workforce.io.writers import Cell, SheetData, write_csv, write_xlsx
from workforce.models import School, Teacher

BIRTH_DATE = "birth_date"


class UnknownSchool(LookupError):
    """The ``school`` filter names no school."""


class SchoolOutsideCounty(LookupError):
    """The ``school`` filter names a school of another county than the ``county`` filter: the
    export would be empty for a reason the clerk should see."""

    def __init__(self, school: str, actual: str | None) -> None:
        super().__init__(school)
        self.school, self.actual = school, actual


class UnknownCounty(LookupError):
    """The ``county`` filter names no county a school carries; ``known`` lists those that do."""

    def __init__(self, county: str, known: list[str]) -> None:
        super().__init__(county)
        self.county, self.known = county, known


def check_county(session: Session, county: str) -> None:
    """Refuse (UnknownCounty) a county that no school carries: an export of it would be empty
    for a reason the clerk should see (a typo), not a blank file."""
    known = recorded_counties(session)
    if county not in known:
        raise UnknownCounty(county, known)


def export_entity(
    engine: Engine,
    spec: EntitySpec,
    out: Path,
    *,
    actor: str,
    school: str | None = None,
    county: str | None = None,
    unmask_id_numbers: bool = False,
    language: Language = "zh",
) -> int:
    """Write ``spec``'s rows to ``out`` (.xlsx or .csv), of one ``school`` and/or one
    ``county``'s schools when given; returns how many rows."""
    with Session(engine, expire_on_commit=False) as session:
        if county is not None:
            check_county(session, county)
            if school is not None:
                found = session.execute(
                    select(School.county).where(School.code == school)).first()
                if found is not None and found.county != county:  # unknown: UnknownSchool
                    raise SchoolOutsideCounty(school, found.county)
        rows, unmasked = export_rows(
            session, spec, school=school, unmask_id_numbers=unmask_id_numbers, language=language,
            county=county,
        )  # fmt: skip
        # The unmasking is logged and committed before the file exists: a failed commit after
        # the write left full ID numbers on disk with no entry saying who took them.
        audit.record_many(
            session,
            (
                {"actor": actor, "action": "unmask", "entity": "teacher", "entity_key": staff_no,
                 "note": f"export {out.name}"}
                for staff_no in unmasked
            ),
        )  # fmt: skip
        session.commit()
    if not unmask_id_numbers:
        birth_months_only(spec, rows)
    data = SheetData(spec, rows)
    if out.suffix.lower() == ".csv":
        write_csv(out, data, language)
    else:
        write_xlsx(out, [data], language)
    return len(rows)


def birth_months_only(spec: EntitySpec, rows: list[list[Cell]]) -> None:
    """Replace, in place, every birth date of ``rows`` by its month (``1985-03``): beside a
    masked number the day is not shown (docs/security.md, "The masking rule"); a month
    imports back as the stored birth date (:func:`workforce.io.validate.birth_months`)."""
    at = [i for i, column in enumerate(spec.columns) if column.key == BIRTH_DATE]
    for row in rows:
        for i in at:
            row[i] = birth_month(row[i])  # type: ignore[arg-type]


def export_rows(
    session: Session,
    spec: EntitySpec,
    *,
    school: str | None = None,
    unmask_id_numbers: bool = False,
    language: Language = "zh",
    county: str | None = None,
) -> tuple[list[list[Cell]], list[str]]:
    """The sheet rows of ``spec`` and the staff numbers whose ID numbers they show in clear;
    of one ``school`` (by code) and/or one ``county``'s schools."""
    index = RegistryIndex(session)
    reverse = {c.key: index.keys(c.cell.target) for c in spec.references}  # type: ignore[union-attr]
    rows: list[list[Cell]] = []
    unmasked: list[str] = []
    for record in session.execute(_query(spec, index, school, county)).mappings():
        row: list[Cell] = []
        for column in spec.columns:
            if column.key == ID_NUMBER:
                encrypted = record["id_number_encrypted"]
                number = decrypt(encrypted) if encrypted else None
                if number and unmask_id_numbers:
                    unmasked.append(record["staff_no"])
                row.append(number if unmask_id_numbers or not number else mask(number))
                continue
            value: Any = record[column.model_field]
            if isinstance(column.cell, ReferenceCell):
                value = reverse[column.key][value]
            shown = None if value is None else column.cell.export(value, language)
            row.append(None if shown == "" else shown)  # an empty list is a blank cell
        rows.append(row)
    return rows, unmasked


def _query(spec: EntitySpec, index: RegistryIndex, school: str | None, county: str | None) -> Any:
    table = spec.table
    query = select(table).order_by(table.c.id)
    if county is not None:
        of_county = select(School.id).where(School.county == county)
        if spec.model is School:
            query = query.where(table.c.county == county)
        elif spec.model is Teacher:
            query = query.where(table.c.school_id.in_(of_county))
        else:
            teachers = select(Teacher.id).where(Teacher.school_id.in_(of_county))  # type: ignore[union-attr]
            query = query.where(table.c.teacher_id.in_(teachers))
    if school is None:
        return query
    school_id = index.school_ids.get(school)
    if school_id is None:
        raise UnknownSchool(school)
    if spec.model is School:
        return query.where(table.c.id == school_id)
    if spec.model is Teacher:
        return query.where(table.c.school_id == school_id)
    of_school = select(Teacher.id).where(Teacher.school_id == school_id)
    return query.where(table.c.teacher_id.in_(of_school))
