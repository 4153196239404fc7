"""The synthetic district as plain data: one dataclass per registry table, no database.

Rows refer to each other by stable keys (school ``code``, teacher ``staff_no``), not by database
ids, so a district can be compared, inspected and loaded into any empty or non-empty registry.
ID numbers are kept in clear here; the loader stores them encrypted and hashed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(slots=True)
class SampleSchool:
    code: str
    name: str
    town: str
    zone: str
    level: str
    ownership: str
    is_quality: bool
    is_weak: bool
    pupils_by_grade: list[int]
    classes_by_grade: list[int]
    disabled_pupils: int
    post_ceiling: int
    lat: float
    lon: float

    @property
    def pupils(self) -> int:
        return sum(self.pupils_by_grade)


@dataclass(slots=True)
class SampleTeacher:
    staff_no: str
    name: str
    gender: str
    birth_date: dt.date
    id_number: str | None
    post_type: str
    first_employed_on: dt.date
    school_code: str
    joined_school_on: dt.date
    main_subject: str
    other_subjects: list[str]
    education: str
    title: str
    is_head_teacher: bool
    is_principal: bool
    retirement_category: str
    principal_since: dt.date | None = None


@dataclass(slots=True)
class SampleCertificate:
    staff_no: str
    level: str
    subject: str
    number: str
    valid_until: dt.date


@dataclass(slots=True)
class SampleDesignation:
    staff_no: str
    kind: str
    tier: str
    subject: str | None
    term_start: dt.date
    term_end: dt.date
    issuer: str


@dataclass(slots=True)
class SampleTraining:
    staff_no: str
    date: dt.date
    hours: Decimal
    category: str
    provider: str
    title: str


@dataclass(slots=True)
class SampleRotation:
    staff_no: str
    from_school: str
    to_school: str
    kind: str
    start_on: dt.date
    planned_end_on: dt.date | None
    actual_end_on: dt.date | None


@dataclass(slots=True)
class SampleExemption:
    staff_no: str
    reason: str
    from_on: dt.date
    until_on: dt.date


@dataclass(slots=True)
class SampleWish:
    staff_no: str
    year: int
    rank: int
    school_code: str


@dataclass
class District:
    """Everything :func:`workforce.sample.generate_district` makes for one seed and size."""

    seed: int
    as_of: dt.date
    teachers_target: int
    schools: list[SampleSchool] = field(default_factory=list)
    teachers: list[SampleTeacher] = field(default_factory=list)
    certificates: list[SampleCertificate] = field(default_factory=list)
    designations: list[SampleDesignation] = field(default_factory=list)
    training: list[SampleTraining] = field(default_factory=list)
    rotations: list[SampleRotation] = field(default_factory=list)
    exemptions: list[SampleExemption] = field(default_factory=list)
    wishes: list[SampleWish] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rows per table, as the load's audit entry records them."""
        return {
            "schools": len(self.schools),
            "teachers": len(self.teachers),
            "certificates": len(self.certificates),
            "designations": len(self.designations),
            "training_records": len(self.training),
            "rotation_records": len(self.rotations),
            "exemptions": len(self.exemptions),
            "rotation_wishes": len(self.wishes),
        }
