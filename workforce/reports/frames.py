"""Set-based loading of the registry into pandas frames for the reports.

Each function is one SQL query (aggregated in the database where a report needs a sum), so a
report over 100,000 teachers costs a handful of queries, never one per teacher. Dates come
back as ``datetime.date`` objects; :func:`to_datetime` turns a column into ``datetime64`` when a
report compares dates in bulk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from workforce.models import (
    Certificate,
    Designation,
    RotationRecord,
    School,
    Teacher,
    TrainingRecord,
)

SCHOOL_COLUMNS = (
    "id",
    "code",
    "name",
    "town",
    "zone",
    "level",
    "ownership",
    "is_quality",
    "is_weak",
    "pupils",
    "disabled_pupils",
    "active",
)
TEACHER_COLUMNS = (
    "id",
    "staff_no",
    "name",
    "gender",
    "birth_date",
    "post_type",
    "first_employed_on",
    "school_id",
    "joined_school_on",
    "main_subject",
    "education",
    "title",
    "is_head_teacher",
    "is_principal",
    "retirement_category",
    "retirement_confirmed_on",
    "status",
)


def _frame(session: Session, statement, columns: Iterable[str]) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    names = list(columns)
    rows = session.execute(statement).all()
    return pd.DataFrame.from_records(rows, columns=names)


def schools(session: Session) -> pd.DataFrame:
    """Every school, one row each."""
    statement = select(*(getattr(School, c) for c in SCHOOL_COLUMNS))
    return _frame(session, statement, SCHOOL_COLUMNS)


def teachers(
    session: Session, statuses: Iterable[str] | None = None, school_id: int | None = None
) -> pd.DataFrame:
    """Teachers, optionally only those with one of ``statuses`` and at one school."""
    statement = select(*(getattr(Teacher, c) for c in TEACHER_COLUMNS))
    if statuses is not None:
        statement = statement.where(Teacher.status.in_(list(statuses)))
    if school_id is not None:
        statement = statement.where(Teacher.school_id == school_id)
    return _frame(session, statement, TEACHER_COLUMNS)


def training_hours(session: Session, start: dt.date, end: dt.date) -> pd.Series:
    """Hours per teacher dated in ``[start, end]`` (a SUM … GROUP BY in the database)."""
    statement = (
        select(TrainingRecord.teacher_id, func.sum(TrainingRecord.hours))
        .where(TrainingRecord.date >= start, TrainingRecord.date <= end)
        .group_by(TrainingRecord.teacher_id)
    )
    frame = _frame(session, statement, ("teacher_id", "hours"))
    return frame.set_index("teacher_id")["hours"].astype(float)


def certificates(session: Session) -> pd.DataFrame:
    statement = select(
        Certificate.teacher_id,
        Certificate.level,
        Certificate.subject,
        Certificate.number,
        Certificate.valid_until,
    )
    return _frame(session, statement, ("teacher_id", "level", "subject", "number", "valid_until"))


def designations(session: Session) -> pd.DataFrame:
    statement = select(
        Designation.teacher_id,
        Designation.kind,
        Designation.tier,
        Designation.subject,
        Designation.term_start,
        Designation.term_end,
    )
    return _frame(
        session, statement, ("teacher_id", "kind", "tier", "subject", "term_start", "term_end")
    )


def rotations(session: Session) -> pd.DataFrame:
    statement = select(
        RotationRecord.teacher_id,
        RotationRecord.from_school_id,
        RotationRecord.to_school_id,
        RotationRecord.kind,
        RotationRecord.start_on,
        RotationRecord.planned_end_on,
        RotationRecord.actual_end_on,
    )
    return _frame(
        session,
        statement,
        (
            "teacher_id",
            "from_school_id",
            "to_school_id",
            "kind",
            "start_on",
            "planned_end_on",
            "actual_end_on",
        ),
    )


def to_datetime(series: pd.Series) -> pd.Series:
    """A column of dates (or None) as ``datetime64`` (NaT for None), for bulk comparison."""
    return pd.to_datetime(series, errors="raise")


def records(frame: pd.DataFrame, keys: Iterable[str]) -> list[dict[str, Any]]:
    """Rows of ``frame`` (only ``keys``) as JSON-ready dicts: NaN/NaT → None, numpy scalars →
    Python numbers, dates → ISO strings."""
    part = frame.loc[:, list(keys)].astype(object)
    part = part.where(part.notna(), None)
    rows = part.to_dict("records")
    for row in rows:
        for key, value in row.items():
            if isinstance(value, dt.date):
                row[key] = value.isoformat()
            elif hasattr(value, "item"):
                row[key] = value.item()
    return rows
