"""Public views of schools, teachers and the teachers' records.

ID numbers appear only as ``id_number``: masked (every character hidden) unless the caller
asked for and was allowed the unmasked view. The birth date goes with the number: shown as
``birth_month`` (``YYYY-MM``) to everyone, and in full as ``birth_date`` only in an unmasked
(audited) view, since the day, the gender and the school's area rebuild the number.
Encrypted values and hashes never leave.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SchoolPublic(Record):
    id: int
    code: str
    name: str
    town: str
    county: str | None = Field(default=None, description="所属县（区）；未登记为 null")
    zone: str
    level: str
    ownership: str
    is_quality: bool
    is_weak: bool
    pupils: int
    disabled_pupils: int
    classes_by_grade: list[int]
    post_ceiling: int
    lat: float | None
    lon: float | None
    active: bool
    version: int
    updated_at: dt.datetime


class TeacherPublic(Record):
    id: int
    staff_no: str
    name: str
    gender: str
    birth_month: str = Field(description="出生年月 YYYY-MM")
    birth_date: dt.date | None = Field(
        default=None, description="出生日期：仅在完整显示身份证号时给出 / only when unmasked"
    )
    id_number: str | None = None
    post_type: str
    school_id: int
    joined_school_on: dt.date
    main_subject: str
    education: str | None
    title: str | None
    is_head_teacher: bool
    is_principal: bool
    status: str
    left_on: dt.date | None = Field(
        default=None, description="离岗日期：离职、调出或退休后不再在岗的第一天 / first day out of service"
    )
    version: int


class CertificatePublic(Record):
    id: int
    level: str
    subject: str
    number: str
    valid_until: dt.date | None


class DesignationPublic(Record):
    id: int
    teacher_id: int
    kind: str
    tier: str
    subject: str | None
    term_start: dt.date
    term_end: dt.date
    issuer: str | None


class TrainingPublic(Record):
    id: int
    teacher_id: int
    date: dt.date
    hours: Decimal
    category: str
    provider: str | None
    certificate_no: str | None
    title: str | None


class RotationPublic(Record):
    id: int
    from_school_id: int
    to_school_id: int
    kind: str
    start_on: dt.date
    planned_end_on: dt.date | None
    actual_end_on: dt.date | None
    plan_id: int | None


class ExemptionPublic(Record):
    id: int
    reason: str
    from_on: dt.date
    until_on: dt.date
    note: str | None


class TeacherDetail(TeacherPublic):
    first_employed_on: dt.date | None
    other_subjects: list[str]
    retirement_category: str | None
    retirement_confirmed_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime
    certificates: list[CertificatePublic]
    designations: list[DesignationPublic]
    training: list[TrainingPublic]
    training_hours_total: Decimal
    rotations: list[RotationPublic]
    exemptions: list[ExemptionPublic]
