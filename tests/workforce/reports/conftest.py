"""Builders for the small districts the report tests make by hand, row by row, with the
real ``session``: each test states exactly the rows its figures come from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import Session

from workforce.models import (
    Certificate,
    Designation,
    RotationRecord,
    School,
    Teacher,
    TrainingRecord,
)


class DistrictBuilder:
    """Adds rows and flushes, so ids are known at once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._staff = 0

    def _add(self, row: Any) -> Any:
        self.session.add(row)
        self.session.flush()
        return row

    def school(self, code: str, **fields: Any) -> School:
        values: dict[str, Any] = {
            "name": f"学校{code}",
            "town": "上城",
            "zone": "urban",
            "level": "primary",
            "pupils": 500,
        }
        values.update(fields)
        return self._add(School(code=code, **values))

    def teacher(self, school: School, **fields: Any) -> Teacher:
        self._staff += 1
        values: dict[str, Any] = {
            "staff_no": f"T{self._staff:04d}",
            "name": f"教师{self._staff}",
            "gender": "female",
            "birth_date": dt.date(1985, 3, 1),
            "post_type": "established",
            "first_employed_on": dt.date(2008, 9, 1),
            "joined_school_on": dt.date(2008, 9, 1),
            "main_subject": "chinese",
            "education": "bachelor",
        }
        values.update(fields)
        return self._add(Teacher(school_id=school.id, **values))

    def training(self, teacher: Teacher, hours: float, on: dt.date) -> TrainingRecord:
        return self._add(
            TrainingRecord(
                teacher_id=teacher.id, date=on, hours=Decimal(str(hours)), category="centralised"
            )
        )

    def certificate(
        self,
        teacher: Teacher,
        level: str,
        subject: str,
        valid_until: dt.date | None = None,
        number: str | None = None,
    ) -> Certificate:
        return self._add(
            Certificate(
                teacher_id=teacher.id,
                level=level,
                subject=subject,
                number=number or f"C-{teacher.staff_no}-{level}-{subject}",
                valid_until=valid_until,
            )
        )

    def designation(
        self,
        teacher: Teacher,
        kind: str,
        tier: str,
        start: dt.date,
        end: dt.date,
        subject: str | None = None,
    ) -> Designation:
        return self._add(
            Designation(
                teacher_id=teacher.id,
                kind=kind,
                tier=tier,
                subject=subject,
                term_start=start,
                term_end=end,
            )
        )

    def rotation(
        self,
        teacher: Teacher,
        source: School,
        destination: School,
        start: dt.date,
        kind: str = "secondment",
        planned_end: dt.date | None = None,
        actual_end: dt.date | None = None,
    ) -> RotationRecord:
        return self._add(
            RotationRecord(
                teacher_id=teacher.id,
                from_school_id=source.id,
                to_school_id=destination.id,
                kind=kind,
                start_on=start,
                planned_end_on=planned_end,
                actual_end_on=actual_end,
            )
        )


@pytest.fixture
def build(session: Session) -> DistrictBuilder:
    return DistrictBuilder(session)


@pytest.fixture
def narrow_scope(monkeypatch: pytest.MonkeyPatch) -> Callable[[object, str, tuple[str, ...]], None]:
    """``narrow_scope(module, indicator, levels)``: ``module``'s reports read the default
    scopes with ``indicator`` covering only ``levels`` (data/reports/scopes.yaml edited)."""
    from workforce.reports.scope import default_scopes

    def narrow(module: object, indicator: str, levels: tuple[str, ...]) -> None:
        scopes = default_scopes()
        changed = scopes[indicator].model_copy(update={"levels": levels})
        narrowed = scopes.model_copy(
            update={"indicators": {**scopes.indicators, indicator: changed}}
        )
        monkeypatch.setattr(module, "default_scopes", lambda: narrowed)

    return narrow
