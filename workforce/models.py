"""The registry's tables (SQLModel). One module, because the tables reference each other
and Alembic autogenerates migrations from this metadata.

Conventions: codes (subjects, levels, statuses …) are the ASCII codes of ``data/codes``;
dates are ``datetime.date``; timestamps are timezone-aware UTC; hours are decimal class hours (学时).
ID numbers are never stored in clear (see :mod:`workforce.idnumber`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Column, Index, Numeric, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class School(SQLModel, table=True):
    """A school or kindergarten (学校/幼儿园)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True, index=True, description="学校代码")
    name: str = Field(max_length=100, description="学校名称")
    town: str = Field(max_length=50, description="所在街道或镇 (street or town)")
    county: str | None = Field(
        default=None,
        max_length=50,
        index=True,
        description="所属县（区）: the county-level unit that rotates this school's teachers "
        "(a prefecture city runs the policy per county); None in a registry of one county",
    )
    zone: str = Field(max_length=16, description="urban 城区 / rural 农村")
    level: str = Field(max_length=32, description="school_levels code")
    ownership: str = Field(default="public", max_length=16, description="public / private")
    is_quality: bool = Field(default=False, description="优质学校 (quality school)")
    is_weak: bool = Field(default=False, description="薄弱学校 (weak school)")
    pupils: int = Field(default=0, ge=0)
    disabled_pupils: int = Field(default=0, ge=0, description="随班就读残疾学生数")
    classes_by_grade: list[int] = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False),
        description="classes in each of the level's grades, in grade order",
    )
    post_ceiling: int = Field(default=0, ge=0, description="核定编制 (established-post ceiling)")
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    active: bool = True
    version: int = Field(default=1, description="optimistic-concurrency counter")
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class Teacher(SQLModel, table=True):
    """A teacher or kindergarten teacher (教职工)."""

    __table_args__ = (
        Index("ix_teacher_school_status", "school_id", "status"),
        # Covers the subject + zone filter's count without reading the teachers' rows.
        Index("ix_teacher_subject_school", "main_subject", "school_id"),
        # Ids alone in id order: a deep page (OFFSET 90,000) skips through this narrow index
        # instead of the table's full rows (SQLite; redundant with PostgreSQL's primary key).
        Index("ix_teacher_id_order", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    staff_no: str = Field(max_length=32, unique=True, index=True, description="工号")
    name: str = Field(max_length=50, index=True)
    name_initials: str | None = Field(
        default=None, max_length=50, index=True, description="拼音首字母 (workforce.pinyin)"
    )
    gender: str = Field(max_length=8)
    birth_date: dt.date
    id_number_encrypted: str | None = Field(default=None, sa_column=Column(Text))
    id_number_hash: str | None = Field(default=None, max_length=64, unique=True, index=True)
    post_type: str = Field(max_length=16, description="established 在编 / temporary 临聘 / other")
    first_employed_on: dt.date | None = None
    school_id: int = Field(foreign_key="school.id", index=True)
    joined_school_on: dt.date = Field(description="到本校任教时间")
    main_subject: str = Field(max_length=32, index=True)
    other_subjects: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    education: str | None = Field(default=None, max_length=32)
    title: str | None = Field(default=None, max_length=32)
    is_head_teacher: bool = Field(default=False, description="班主任")
    is_principal: bool = Field(default=False, description="校长")
    principal_since: dt.date | None = Field(
        default=None, description="任现职校长时间: start of the current principalship at this school"
    )
    retirement_category: str | None = Field(default=None, max_length=16)
    retirement_confirmed_on: dt.date | None = Field(
        default=None, description="HR-confirmed retirement date, overrides the statutory one"
    )
    status: str = Field(default="active", max_length=16)
    left_on: dt.date | None = Field(
        default=None,
        description="离岗日期: the first day out of service of a teacher who left or retired "
        "(None while serving, or when not recorded); reports dated before it count them",
    )
    version: int = Field(default=1, description="optimistic-concurrency counter")
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class Certificate(SQLModel, table=True):
    """A teaching certificate (教师资格证)."""

    __table_args__ = (UniqueConstraint("teacher_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teacher.id", index=True)
    level: str = Field(max_length=32)
    subject: str = Field(max_length=32)
    number: str = Field(max_length=64)
    valid_until: dt.date | None = Field(default=None, description="定期注册有效期至")


class Designation(SQLModel, table=True):
    """A key-teacher or talent designation for a term (骨干教师, 学科带头人 …)."""

    __table_args__ = (
        # A teacher's designations, and whether one makes them a key teacher on a day, from the
        # index alone: the key-teacher filter probes it per teacher, and reads it in teacher
        # order for the district's key teachers page by page.
        Index(
            "ix_designation_teacher_terms", "teacher_id", "kind", "tier", "term_end", "term_start"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teacher.id")
    kind: str = Field(max_length=32)
    tier: str = Field(max_length=16)
    subject: str | None = Field(default=None, max_length=32)
    term_start: dt.date
    term_end: dt.date
    issuer: str | None = Field(default=None, max_length=100)


class TrainingRecord(SQLModel, table=True):
    """Continuing-education hours (继续教育学时)."""

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teacher.id", index=True)
    date: dt.date
    hours: Decimal = Field(sa_column=Column(Numeric(6, 1), nullable=False))
    category: str = Field(max_length=32)
    provider: str | None = Field(default=None, max_length=100)
    certificate_no: str | None = Field(default=None, max_length=64)
    title: str | None = Field(default=None, max_length=200, description="培训项目名称")


class RotationRecord(SQLModel, table=True):
    """One rotation in a teacher's history (交流轮岗记录)."""

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teacher.id", index=True)
    from_school_id: int = Field(foreign_key="school.id")
    to_school_id: int = Field(foreign_key="school.id")
    kind: str = Field(max_length=16, description="transfer / secondment")
    start_on: dt.date
    planned_end_on: dt.date | None = None
    actual_end_on: dt.date | None = None
    plan_id: int | None = Field(default=None, foreign_key="rotationplan.id")


class Exemption(SQLModel, table=True):
    """An exemption or deferral from rotation (暂缓/免于交流)."""

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teacher.id", index=True)
    reason: str = Field(max_length=16)
    from_on: dt.date
    until_on: dt.date
    note: str | None = Field(default=None, max_length=200)


class RotationWish(SQLModel, table=True):
    """A teacher's ranked wish for a destination school in a rotation year (交流志愿)."""

    __table_args__ = (UniqueConstraint("teacher_id", "year", "rank"),)
    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teacher.id", index=True)
    year: int
    rank: int = Field(ge=1, description="1 = first choice")
    school_id: int = Field(foreign_key="school.id")


class RotationPlan(SQLModel, table=True):
    """A proposed rotation plan: draft → approved → applied (or superseded).

    At most one plan of a year is applied as the year's plan, per county (a registry without
    counties has one): partial unique indexes over the applied plans that are not
    supplementary (补充方案) — on ``year`` for the whole-registry plans (county NULL), on
    ``year`` and ``county`` for the county plans — make the database refuse a second one,
    whatever the engine and however the requests interleave.
    """

    __table_args__ = (
        Index(
            "uq_rotationplan_applied_year",
            "year",
            unique=True,
            sqlite_where=text("status = 'applied' AND NOT supplementary AND county IS NULL"),
            postgresql_where=text("status = 'applied' AND NOT supplementary AND county IS NULL"),
        ),
        Index(
            "uq_rotationplan_applied_year_county",
            "year",
            "county",
            unique=True,
            sqlite_where=text("status = 'applied' AND NOT supplementary"),
            postgresql_where=text("status = 'applied' AND NOT supplementary"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    status: str = Field(default="draft", max_length=16)
    solver_status: str = Field(max_length=16)
    gap: float | None = None
    moves: int = 0
    instance_json: str = Field(sa_column=Column(Text, nullable=False))
    plan_json: str = Field(sa_column=Column(Text, nullable=False))
    parent_id: int | None = Field(default=None, foreign_key="rotationplan.id")
    county: str | None = Field(
        default=None, max_length=50, index=True,
        description="the county whose schools the plan rotates (None: the whole registry)",
    )
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=utcnow)
    approved_by: str | None = Field(default=None, max_length=64)
    approved_at: dt.datetime | None = None
    applied_by: str | None = Field(default=None, max_length=64)
    applied_at: dt.datetime | None = None
    version: int = 1
    supplementary: bool = Field(
        default=False,
        description="补充方案: approved after the year's plan was applied, by explicit choice",
    )
    approval_comment: str | None = Field(
        default=None, max_length=500, description="审批意见 given when approving"
    )


class ImportBatch(SQLModel, table=True):
    """One import run: what file, who, what came of it."""

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=64)
    file_name: str = Field(max_length=255)
    entity: str = Field(max_length=32)
    status: str = Field(max_length=16, description="committed / failed / unchanged")
    counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class AuditLog(SQLModel, table=True):
    """Every change to the registry, and every unmasked view or export of personal data."""

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=64, index=True)
    action: str = Field(max_length=32, description="create / update / delete / unmask / …")
    entity: str = Field(max_length=32, index=True)
    entity_key: str = Field(max_length=128, index=True)
    before: dict | None = Field(default=None, sa_column=Column(JSON))
    after: dict | None = Field(default=None, sa_column=Column(JSON))
    import_batch_id: int | None = Field(default=None, foreign_key="importbatch.id")
    note: str | None = Field(default=None, max_length=500)
    teacher_id: int | None = Field(
        default=None,
        index=True,
        description="the teacher the entry is about, fixed when it is written: a staff number "
        "can be changed (and later given to someone else), the teacher's id cannot; no foreign "
        "key, so entries outlive a deleted teacher",
    )
    seal_id: int | None = Field(
        default=None,
        foreign_key="auditseal.id",
        index=True,
        description="the seal that holds the entry in the audit chain (workforce.audit_chain); "
        "set when the entry's transaction commits",
    )
    seal_token: str | None = Field(
        default=None,
        max_length=32,
        description="the writing transaction's random token until it commits: its commit seals "
        "only the entries that carry it (workforce.audit_chain.transaction_token)",
    )


class AuditSeal(SQLModel, table=True):
    """One link of the audit chain: the entries one transaction wrote, sealed as it committed.

    ``digest`` is an HMAC (a key derived from the deployment's secret key) over the link's
    number, its entries' count and SHA-256, and the previous link's digest, so an entry edited,
    deleted or added afterwards — or a link removed — no longer matches
    (:mod:`workforce.audit_chain`)."""

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True, description="the link's place in the chain, from 1, no gaps")
    sealed_at: dt.datetime = Field(default_factory=utcnow)
    entries: int = Field(description="how many audit entries the link holds")
    first_entry_id: int
    last_entry_id: int
    entries_sha256: str = Field(max_length=64)
    digest: str = Field(max_length=64)


class SolveJob(SQLModel, table=True):
    """A solve running in its own process: queued → running → done / failed / stopped.

    Kept in the database (not in a server's memory) so every web worker sees the same jobs and a
    job outlives the request that started it. ``pid`` is the solving process, for stopping it.
    A running job holds one of its machine's solver slots (``runner``, ``slot``: unique while
    held, released as NULL when the job ends), which caps the solver processes per machine
    (see :mod:`workforce.plans.jobs`).
    """

    __table_args__ = (UniqueConstraint("runner", "slot", name="uq_solvejob_runner_slot"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int
    status: str = Field(default="queued", max_length=16)
    stage: str = Field(default="queued", max_length=32, description="building / solving / saving")
    parent_plan_id: int | None = Field(default=None, foreign_key="rotationplan.id")
    county: str | None = Field(
        default=None, max_length=50,
        description="the county whose plan a new solve makes (None: the whole registry); a "
        "re-solve keeps its parent plan's county",
    )
    pins: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    unpin: list[str] = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False),
        description="staff numbers whose pins in the parent plan are dropped",
    )
    levels: list[dict] = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False),
        description="each objective level as the solver settles it, in order: number, name, "
        "value, bound, relative_gap, proven_optimal (``optimizer.solve``'s ``on_level``)",
    )
    settings: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    plan_id: int | None = Field(default=None, foreign_key="rotationplan.id")
    error: str | None = Field(default=None, sa_column=Column(Text))
    pid: int | None = None
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=utcnow)
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    runner: str | None = Field(
        default=None, max_length=255, description="the machine (host name) that runs the job"
    )
    slot: int | None = Field(
        default=None, description="the solver slot held on that machine while running, 1..N"
    )


class InstanceSetting(SQLModel, table=True):
    """A named value that belongs to the database itself, e.g. the check value of the secret key
    (``secret_key_check``) that lets every entry point refuse a changed key at start."""

    name: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=255)


class PlanPin(SQLModel, table=True):
    """A pin chosen on a plan page and not yet solved with (one user's pending decision on one
    teacher of one plan). Kept here, not in the session cookie, so a working session may hold
    hundreds of pins; the pins a plan was solved with are part of its instance."""

    __table_args__ = (UniqueConstraint("plan_id", "username", "staff_no"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="rotationplan.id", index=True)
    username: str = Field(max_length=64)
    staff_no: str = Field(max_length=32)
    kind: str = Field(max_length=16, description="must_stay / must_go / forbid / must_move")
    school: str | None = Field(default=None, max_length=32)
    created_at: dt.datetime = Field(default_factory=utcnow)
