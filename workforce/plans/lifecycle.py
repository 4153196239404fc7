"""A plan's life: draft → approved → applied (or superseded by a newer draft of the year).

- :func:`propose_plan` builds the instance from the registry, solves it and keeps a draft with
  both the instance and the plan as JSON, so it can always be re-checked and reproduced.
- :func:`resolve_plan` re-solves a kept instance with more pins (the office's decisions) and
  keeps the result as a new draft whose parent is the old one.
- :func:`approve_plan` refuses a plan without moves, or one the independent checker rejects;
  it takes a comment, may require a second person, and supersedes the year's other plans.
- :func:`apply_plan` moves the teachers and writes their rotation history, all or nothing, and
  exactly once (one applied plan a year, supplementary plans aside); it first verifies that
  every moved teacher is still where the plan found them and that the checker, re-run on the
  registry as it is now, finds no broken rule on any move.

Approving and applying are status changes guarded by a conditional ``UPDATE`` that must
change one row, inside a write transaction (SQLite ``BEGIN IMMEDIATE``), so requests sent at
the same moment cannot both succeed on any engine.

Every step writes the audit log in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, true, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from optimizer import Instance, Pin, Plan, SolveSettings, solve
from optimizer.plan import Move
from workforce import audit
from workforce.config import get_settings
from workforce.dates import local_time
from workforce.db import begin_write
from workforce.models import RotationPlan, RotationRecord, School, Teacher, utcnow
from workforce.plans.messages import message
from workforce.private_files import private_output
from workforce.rules.demand import DemandError
from workforce.snapshot import build_instance, counties

if TYPE_CHECKING:
    from optimizer.solve import LevelListener

PENDING = ("draft", "approved")
"""Statuses of a plan not yet applied nor superseded: approving one supersedes the others."""
COMMENT_MAX = 500
"""Characters of an approval comment (the column's length)."""
PLAN_LOCK = 0x706C616E
"""PostgreSQL advisory-lock class of the plan steps ("plan" in ASCII); the year is the key."""


class PlanError(Exception):
    """A lifecycle step that cannot be done; ``zh`` and ``en`` say why."""

    def __init__(
        self, key: str, *, details: list[dict[str, object]] | None = None, **params: object
    ) -> None:
        self.key = key
        self.details = details or []
        """One entry per teacher and rule when the refusal concerns teachers."""
        self.zh = message(key, "zh", **params)
        self.en = message(key, "en", **params)
        super().__init__(self.en)


def load_plan(record: RotationPlan) -> tuple[Instance, Plan]:
    return (
        Instance.model_validate_json(record.instance_json),
        Plan.model_validate_json(record.plan_json),
    )


def _get(session: Session, plan_id: int, *, fresh: bool = False) -> RotationPlan:
    """The plan; ``fresh`` reloads it from the database (after a conditional update)."""
    query = select(RotationPlan).where(RotationPlan.id == plan_id)
    if fresh:
        query = query.execution_options(populate_existing=True)
    record = session.scalars(query).one_or_none()
    if record is None:
        raise PlanError("not_found", plan_id=plan_id)
    return record


def _begin_write(session: Session, year: int) -> None:
    """Open the write transaction of a status change of ``year``'s plans.

    SQLite: ``BEGIN IMMEDIATE`` takes the database's write lock before anything is read (the
    driver would otherwise start the transaction only at the first write, after the reads it
    is based on), so the status checks, the registry checks and the changes see one state and
    concurrent steps queue behind each other. If the session already wrote in this
    transaction, it holds that lock already. A step waiting longer than the busy timeout is
    refused as busy, not failed.

    PostgreSQL: a transaction-scoped advisory lock on the year, so two approvals of different
    drafts of a year — each superseding the other — queue instead of deadlocking on each
    other's rows.

    Neither lock is the guard against a double approval or application: the conditional
    ``UPDATE … WHERE status = …`` that must change one row is, on every engine.
    """
    try:
        begin_write(session, lock=(PLAN_LOCK, year))
    except OperationalError:
        raise PlanError("busy", year=year) from None


def _keep(
    session: Session,
    instance: Instance,
    plan: Plan,
    actor: str,
    parent_id: int | None,
    county: str | None = None,
) -> RotationPlan:
    record = RotationPlan(
        year=instance.year,
        county=county or None,
        status="draft",
        solver_status=plan.status,
        gap=plan.relative_gap,
        moves=len(plan.moves),
        instance_json=instance.model_dump_json(by_alias=True),
        plan_json=plan.model_dump_json(),
        parent_id=parent_id,
        created_by=actor,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="rotation_plan",
        entity_key=str(record.id),
        after={
            "year": record.year,
            "status": "draft",
            "solver_status": plan.status,
            "moves": len(plan.moves),
            "gap": plan.relative_gap,
            "parent_id": parent_id,
            "county": county or None,
        },
    )
    return record


def propose_plan(
    session: Session,
    *,
    year: int,
    actor: str,
    settings: SolveSettings | None = None,
    pins: list[Pin] | None = None,
    instance: Instance | None = None,
    county: str | None = None,
    plan: Plan | None = None,
    on_level: LevelListener | None = None,
) -> tuple[RotationPlan, Instance, Plan]:
    """Solve the ``year`` rotation on the registry (or on ``instance``) and keep a draft.

    ``county`` limits it to one county's schools (``workforce.snapshot.build_instance``) and is
    kept on the record; ``plan``, already solved on ``instance`` (e.g. in a process pool, one
    county each: ``workforce.plans.counties``), is kept as it is. ``on_level`` hears of each
    objective level as the solver settles it (a job's progress: ``workforce.plans.jobs``).

    Without ``county`` or ``instance``, a registry of several counties is refused
    (``county_required``): teachers rotate within their county (县域内交流轮岗), and one plan
    of the whole registry would move them across county borders and judge the 5% share on the
    whole city; ``workforce.plans.counties.propose_county_plans`` makes one plan per county."""
    if instance is None and county is None:
        require_one_county(session)
    instance = instance or build_instance(session, year=year, pins=pins or [], county=county)
    plan = plan or solve(instance, settings, on_level=on_level)
    record = _keep(session, instance, plan, actor, parent_id=None, county=county)
    return record, instance, plan


def require_one_county(session: Session) -> None:
    """PlanError ``county_required`` when the registry's schools form more than one county
    group (recorded counties, and the schools whose county is not recorded): a plan without a
    county would then span counties. Checked when a solve is asked for, not only when it runs."""
    groups = counties(session)
    if len(groups) > 1:
        raise PlanError("county_required", counties=groups)


def resolve_plan(
    session: Session,
    plan_id: int,
    *,
    pins: list[Pin],
    actor: str,
    settings: SolveSettings | None = None,
    unpin: list[str] | None = None,
    on_level: LevelListener | None = None,
) -> tuple[RotationPlan, Instance, Plan]:
    """Re-solve a kept plan's instance with ``pins`` added (replacing earlier pins of the same
    teachers) and the pins of the staff numbers in ``unpin`` dropped (a staff number both
    unpinned and pinned keeps its new pin); the other moves are re-optimised. The new draft's
    parent is ``plan_id``; ``on_level`` as in :func:`propose_plan`."""
    parent = _get(session, plan_id)
    instance, _ = load_plan(parent)
    dropped = set(unpin or ())
    kept = [p for p in instance.pins if p.staff_no not in dropped]
    instance = instance.model_copy(update={"pins": kept}).with_pins(pins)
    plan = solve(instance, settings, on_level=on_level)
    record = _keep(session, instance, plan, actor, parent_id=parent.id, county=parent.county)
    return record, instance, plan


def approve_plan(
    session: Session,
    plan_id: int,
    *,
    actor: str,
    comment: str,
    expected_version: int | None = None,
    supplementary: bool = False,
) -> RotationPlan:
    """Approve a draft with the approver's ``comment`` (审批意见, stored and audited).

    The draft must have moves and pass the independent checker. When the setting
    ``plan_approval_second_person`` is on, its drafter (``created_by``) may not approve it.
    When the year already has an applied plan, approving another needs the explicit
    ``supplementary`` choice (补充方案) — and the choice is refused when there is nothing to
    supplement, or when the draft was solved on the registry as it was before that application
    (:func:`require_instance_after_applied`). The other drafts and approved plans of the year become ``superseded``.

    The status change is the guard: ``UPDATE … WHERE status = 'draft' AND version = v`` must
    change exactly one row inside the write transaction (see :func:`_begin_write`), so of two
    approvals sent together exactly one succeeds on every engine.
    """
    record = _get(session, plan_id)
    _begin_write(session, record.year)
    record = _get(session, plan_id, fresh=True)
    if expected_version is not None and record.version != expected_version:
        raise PlanError(
            "stale_version", plan_id=plan_id, current=record.version, expected=expected_version
        )
    if record.status != "draft":
        raise PlanError("not_draft", plan_id=plan_id, status=record.status)
    if get_settings().plan_approval_second_person and actor == record.created_by:
        raise PlanError("drafter_cannot_approve", plan_id=plan_id, drafter=record.created_by)
    comment = (comment or "").strip()
    if not comment:
        raise PlanError("comment_required", plan_id=plan_id)
    if len(comment) > COMMENT_MAX:
        raise PlanError("comment_too_long", plan_id=plan_id, limit=COMMENT_MAX)
    require_supplementary_choice(
        session, record.year, supplementary=supplementary, county=record.county
    )
    from optimizer.check import check_plan  # the checker is loaded by the steps that use it

    instance, plan = load_plan(record)
    if supplementary:
        require_instance_after_applied(session, record, instance)
    if plan.status not in ("optimal", "feasible"):
        raise PlanError("no_plan", plan_id=plan_id, solver_status=plan.status)
    if not plan.moves:  # applied, it would stand as the year's one plan with nobody moved
        raise PlanError("no_moves", plan_id=plan_id)
    findings = check_plan(instance, plan)
    if findings:
        raise PlanError(
            "check_failed", plan_id=plan_id, findings="; ".join(f.zh for f in findings[:5])
        )
    before = {"status": record.status, "version": record.version}
    claimed = session.execute(
        update(RotationPlan)
        .where(
            RotationPlan.id == record.id,
            RotationPlan.status == "draft",
            RotationPlan.version == record.version,
        )
        .values(
            status="approved",
            approved_by=actor,
            approved_at=utcnow(),
            approval_comment=comment,
            supplementary=supplementary,
            version=RotationPlan.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        record = _get(session, plan_id, fresh=True)
        raise PlanError("not_draft", plan_id=plan_id, status=record.status)
    record = _get(session, plan_id, fresh=True)
    others = session.execute(
        select(RotationPlan.id, RotationPlan.status, RotationPlan.version).where(
            RotationPlan.year == record.year,
            RotationPlan.status.in_(PENDING),
            RotationPlan.id != record.id,
            _sharing_teachers(record.county),  # a county's plans compete only with its own
            # and the whole registry's
        )
    ).all()
    if others:
        session.execute(
            update(RotationPlan)
            .where(RotationPlan.id.in_([o.id for o in others]), RotationPlan.status.in_(PENDING))
            .values(status="superseded", version=RotationPlan.version + 1)
            .execution_options(synchronize_session="fetch")
        )
    audit.record_many(
        session,
        [
            dict(
                actor=actor,
                action="approve",
                entity="rotation_plan",
                entity_key=str(record.id),
                before=before,
                after={
                    "status": "approved",
                    "version": record.version,
                    "comment": comment,
                    "supplementary": supplementary,
                },
                note=comment[:500],
            ),
            *(
                dict(
                    actor=actor,
                    action="supersede",
                    entity="rotation_plan",
                    entity_key=str(o.id),
                    before={"status": o.status, "version": o.version},
                    after={"status": "superseded", "version": o.version + 1},
                    note=f"rotation plan {record.id} approved",
                )
                for o in others
            ),
        ],
    )
    session.flush()
    return record


def _sharing_teachers(county: str | None):  # type: ignore[no-untyped-def]
    """The plans that hold teachers of a plan of ``county``: those of the same county, and
    the whole registry's (county None), which hold every county's — so a whole registry's plan
    shares teachers with every plan. In a registry of one county whose schools carry its name
    the web page solves the whole registry and ``workforce plan`` the county: the same teachers,
    so the two plans compete as one county's do."""
    if county is None:
        return true()
    return RotationPlan.county.is_(None) | (RotationPlan.county == county)


def applied_plan_over(session: Session, year: int, county: str | None) -> RotationPlan | None:
    """The year's first applied plan (not a supplementary one) that moved teachers a plan of
    ``county`` holds (:func:`_sharing_teachers`), if any: another plan of those teachers is
    then a supplementary plan or none."""
    return session.scalars(
        select(RotationPlan)
        .where(
            RotationPlan.year == year,
            RotationPlan.status == "applied",
            RotationPlan.supplementary.is_(False),
            _sharing_teachers(county),
        )
        .order_by(RotationPlan.id)
    ).first()


def require_supplementary_choice(
    session: Session, year: int, *, supplementary: bool, county: str | None = None
) -> None:
    """Refuse a new plan (solve or approval) of a year whose plan (of ``county``) was applied
    unless the user chose a supplementary plan (补充方案); refuse that choice when there is
    nothing to supplement. A whole registry's plan and a county's share teachers
    (:func:`applied_plan_over`)."""
    applied = applied_plan_over(session, year, county)
    if applied is not None and not supplementary:
        raise PlanError(
            "year_applied",
            year=year,
            applied_id=applied.id,
            applied_at=f"{applied.applied_at:%Y-%m-%d}" if applied.applied_at else "",
        )
    if applied is None and supplementary:
        raise PlanError("nothing_to_supplement", year=year)


def require_instance_after_applied(
    session: Session, record: RotationPlan, instance: Instance
) -> None:
    """Refuse (``instance_before_applied``) a supplementary plan solved on the registry as it
    was before one of the year's applied plans (of its county) was applied: a solve started
    before the application, or a re-solve of an older plan's instance. Such a plan repeats the
    rotation already carried out — it fills the same shortages and takes the sending schools'
    teachers again — and the checks at applying judge only its own movers. Told by the
    teachers the applied plan moved: the instance still has them at the school they left, and
    the registry has them at their destination."""
    applied = session.execute(
        select(RotationPlan.id, RotationPlan.plan_json).where(
            RotationPlan.year == record.year,
            RotationPlan.status == "applied",
            RotationPlan.id != record.id,
            _sharing_teachers(record.county),
        ).order_by(RotationPlan.id)
    ).all()
    if not applied:
        return
    where = {t.staff_no: t.school for t in instance.teachers}
    for applied_id, plan_json in applied:
        moves = [m for m in Plan.model_validate_json(plan_json).moves
                 if where.get(m.staff_no) == m.from_school]  # fmt: skip
        if not moves:
            continue
        now = dict(
            session.execute(
                select(Teacher.staff_no, School.code)
                .join(School, School.id == Teacher.school_id)
                .where(Teacher.staff_no.in_([m.staff_no for m in moves]))
            ).all()
        )
        stale = [m for m in moves if now.get(m.staff_no) == m.to_school]
        if stale:
            details = []
            for m in stale:
                params = dict(from_school=m.from_school, to_school=m.to_school,
                              applied_id=applied_id)  # fmt: skip
                details.append({
                    "staff_no": m.staff_no, "name": m.name, "rule": "registry.plan_applied_since",
                    "zh": message("moved_by_applied", "zh", **params),
                    "en": message("moved_by_applied", "en", **params),
                })  # fmt: skip
            raise PlanError(
                "instance_before_applied",
                details=details,
                plan_id=record.id,
                applied_id=applied_id,
                details_zh="；".join(f"{d['staff_no']} {d['name']}：{d['zh']}" for d in details),
                details_en="; ".join(f"{d['staff_no']} {d['name']}: {d['en']}" for d in details),
            )


def apply_plan(session: Session, plan_id: int, *, actor: str) -> RotationPlan:
    """Carry out an approved plan at the start of term, all or nothing, exactly once.

    The status change is the guard: ``UPDATE … SET status = 'applied' WHERE status =
    'approved'`` must change exactly one row, inside the write transaction (see
    :func:`_begin_write`); a second apply sent at the same moment changes none and is refused.
    The database's partial unique index refuses a second applied plan of a year of the same
    scope (a county, or the whole registry; supplementary plans aside). A county's plan and the
    whole registry's share teachers and are never approved together — approving one supersedes
    the other, under the year's lock (:func:`approve_plan`) — and an apply checks the year's
    applied plans of either scope first (:func:`applied_plan_over`).

    Then, inside the same transaction, the registry is verified: every moved teacher must still
    be active at the school the plan found them at, and the independent checker
    (:func:`optimizer.check_plan`) is re-run on the plan against a fresh snapshot of the
    registry (:func:`workforce.snapshot.build_instance`, same year, reference date and rules),
    so an exemption granted after approval, a changed subject or certificate, a new key-teacher
    term that now blocks a move, … is caught. Any finding on a moved teacher refuses the whole
    plan, naming each teacher (staff number and name) and the rule now broken. Figures of the
    whole district (quotas, shortages, post ceilings) are not re-judged here: they describe
    the plan as approved, and a registry change elsewhere must not block the term's moves.

    Each move becomes a :class:`RotationRecord` (from, to, kind, start, planned end, the plan) —
    the history — and the teacher's current school becomes the destination, with the date they
    joined it (到本校时间) set to the move's start, for a secondment too, since the teacher
    teaches there from that day (the record keeps the home school, and the demand rule counts a
    returning secondee at home).

    All of it happens in a savepoint: a refusal leaves the plan approved and the registry as it
    was even if the caller went on to commit.
    """
    record = _get(session, plan_id)
    _begin_write(session, record.year)
    try:
        with session.begin_nested():
            record = _apply(session, plan_id, actor=actor)
    except PlanError:
        session.expire(record)  # its status was changed, then rolled back with the savepoint
        raise
    session.flush()
    return record


def _apply(session: Session, plan_id: int, *, actor: str) -> RotationPlan:
    record = _get(session, plan_id, fresh=True)
    if record.status == "approved" and not record.supplementary:
        applied = applied_plan_over(session, record.year, record.county)
        if applied is not None:
            raise PlanError(
                "year_applied", year=record.year, applied_id=applied.id,
                applied_at=f"{applied.applied_at:%Y-%m-%d}" if applied.applied_at else "",
            )  # fmt: skip
    try:
        with session.begin_nested():
            claimed = session.execute(
                update(RotationPlan)
                .where(RotationPlan.id == plan_id, RotationPlan.status == "approved")
                .values(
                    status="applied",
                    applied_by=actor,
                    applied_at=utcnow(),
                    version=RotationPlan.version + 1,
                )
                .execution_options(synchronize_session=False)
            )
    except IntegrityError:
        raise PlanError("year_applied_now", year=record.year) from None
    record = _get(session, plan_id, fresh=True)
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        if record.status == "applied":
            raise PlanError(
                "already_applied",
                plan_id=plan_id,
                applied_at=local_time(record.applied_at),
                applied_by=record.applied_by,
            )
        raise PlanError("not_approved", plan_id=plan_id, status=record.status)
    instance, plan = load_plan(record)
    if record.supplementary:
        require_instance_after_applied(session, record, instance)
    staff_nos = [m.staff_no for m in plan.moves]
    teachers = {
        t.staff_no: t
        for t in session.scalars(
            select(Teacher).where(Teacher.staff_no.in_(staff_nos)).with_for_update()
        )
    }
    every_school = list(session.scalars(select(School)))
    schools = {s.code: s for s in every_school if s.active}
    _refuse_if_changed(session, instance, plan, record.county, teachers, schools,
                       {s.id: s.code for s in every_school})  # fmt: skip

    history = []
    changes = []
    for move in plan.moves:
        teacher = teachers[move.staff_no]
        before = {"school": move.from_school, "joined_school_on": teacher.joined_school_on}
        teacher.school_id = schools[move.to_school].id
        teacher.joined_school_on = move.start
        teacher.version += 1
        teacher.updated_at = utcnow()
        history.append(
            RotationRecord(
                teacher_id=teacher.id,
                from_school_id=schools[move.from_school].id,
                to_school_id=schools[move.to_school].id,
                kind=move.kind,
                start_on=move.start,
                planned_end_on=move.planned_end,
                plan_id=record.id,
            )
        )
        changes.append(
            dict(
                actor=actor,
                action="update",
                entity="teacher",
                entity_key=move.staff_no,
                before=before,
                after={"school": move.to_school, "joined_school_on": teacher.joined_school_on},
                note=f"rotation plan {record.id}: {move.kind}",
            )
        )
    session.add_all(history)
    changes.append(
        dict(
            actor=actor,
            action="apply",
            entity="rotation_plan",
            entity_key=str(record.id),
            before={"status": "approved"},
            after={
                "status": "applied",
                "moves": len(plan.moves),
                "supplementary": record.supplementary,
            },
        )
    )
    audit.record_many(session, changes)
    session.flush()
    return record


def _refuse_if_changed(
    session: Session,
    instance: Instance,
    plan: Plan,
    county: str | None,
    teachers: dict[str, Teacher],
    schools: dict[str, School],
    codes: dict[int, str],
) -> None:
    """Refuse the apply naming every mover the registry no longer allows, in one answer: first
    those no longer where the plan found them (``registry_changed``, :func:`_registry_changes`),
    then the others whose move now breaks a rule (:func:`_rules_now_broken`) — before, the
    second kind were named only once the first were dealt with, one more refused apply
    later. With none of the first kind the refusal is ``rules_now_broken``."""
    changed = _registry_changes(plan, teachers, schools, codes)
    named = {d["staff_no"] for d in changed}
    try:
        broken = [d for d in _rules_now_broken(session, instance, plan, county=county)
                  if d["staff_no"] not in named]  # fmt: skip
    except PlanError:  # the registry cannot be read as an instance (snapshot_failed)
        if not changed:
            raise
        broken = []  # the changes found are the refusal; that one comes at the next try
    if changed:  # the registry's messages name the staff number after the name already
        raise PlanError(
            "registry_changed",
            details=changed + broken,
            details_zh="；".join([*(f"{d['name']} {d['zh']}" for d in changed),
                                 *(f"{d['staff_no']} {d['name']}：{d['zh']}" for d in broken)]),
            details_en="; ".join([*(f"{d['name']} {d['en']}" for d in changed),
                                  *(f"{d['staff_no']} {d['name']}: {d['en']}" for d in broken)]),
        )  # fmt: skip
    if broken:
        raise PlanError(
            "rules_now_broken",
            details=broken,
            count=len({d["staff_no"] for d in broken}),
            details_zh="；".join(f"{d['staff_no']} {d['name']}：{d['zh']}" for d in broken),
            details_en="; ".join(f"{d['staff_no']} {d['name']}: {d['en']}" for d in broken),
        )


def _rules_now_broken(
    session: Session, instance: Instance, plan: Plan, *, county: str | None
) -> list[dict[str, str]]:
    """Re-run the independent checker on ``plan`` against the registry as it is now: each
    finding on a moved teacher (see :func:`apply_plan`). ``plan.figures`` findings are left
    out: the movers' identity and whereabouts are :func:`_registry_changes`'s, and the rest of
    that rule (wish rank, key flag) is the plan's report of the registry at solve time, not a
    rule the move breaks.
    """
    from optimizer.check import check_plan

    try:
        fresh = build_instance(
            session, year=instance.year, as_of=instance.as_of, rules=instance.rules, county=county
        )
    except DemandError as error:
        raise PlanError("snapshot_failed", reason_zh=error.zh, reason_en=error.en) from None
    names = {m.staff_no: m.name for m in plan.moves}
    return [
        {"staff_no": f.scope, "name": names[f.scope], "rule": f.constraint, "zh": f.zh,
         "en": f.en}
        for f in check_plan(fresh, plan)
        if f.scope in names and f.constraint != "plan.figures"
    ]  # fmt: skip


REGISTRY_RULES = {
    "teacher_missing": "registry.teacher_missing",
    "teacher_inactive": "registry.teacher_inactive",
    "teacher_moved": "registry.teacher_moved",
    "school_missing": "registry.school_inactive",
}
"""The rule each registry change breaks, as a refusal's ``details`` name it (``rule``)."""


def _registry_changes(
    plan: Plan, teachers: dict[str, Teacher], schools: dict[str, School], codes: dict[int, str]
) -> list[dict[str, str]]:
    """The movers no longer where the plan found them, and the moves whose school is gone.
    Each teacher is named — staff number, name — with the change, in ``details`` form (one
    entry per teacher and change, as :func:`_rules_now_broken` gives them), however many there
    are. ``codes``: every school's code by id, inactive ones too, so a teacher now at a closed
    school is named there."""
    problems: list[tuple[Move, str, dict[str, object]]] = []
    for move in plan.moves:
        teacher = teachers.get(move.staff_no)
        if teacher is None:
            problems.append((move, "teacher_missing", {"staff_no": move.staff_no}))
        elif teacher.status != "active":
            problems.append(
                (move, "teacher_inactive", {"staff_no": move.staff_no,
                                            "teacher_status": teacher.status})
            )
        elif codes.get(teacher.school_id) != move.from_school:
            problems.append(
                (
                    move,
                    "teacher_moved",
                    {
                        "staff_no": move.staff_no,
                        "current": codes.get(teacher.school_id, "?"),
                        "expected": move.from_school,
                    },
                )
            )
        for code in dict.fromkeys((move.from_school, move.to_school)):
            if code not in schools:
                problems.append((move, "school_missing", {"code": code}))
    details = []
    for move, key, params in problems:
        teacher = teachers.get(move.staff_no)
        details.append({
            "staff_no": move.staff_no,
            "name": teacher.name if teacher is not None else move.name,
            "rule": REGISTRY_RULES[key],
            "zh": message(key, "zh", **params),
            "en": message(key, "en", **params),
        })  # fmt: skip
    return details


def plans_of_year(session: Session, year: int) -> list[RotationPlan]:
    return list(
        session.scalars(
            select(RotationPlan).where(RotationPlan.year == year).order_by(RotationPlan.id)
        )
    )


def signed_plan_json_pieces(record: RotationPlan) -> tuple[str, ...]:
    """The saved form of a plan as the registry writes it to a file: `plan_json_pieces` with
    the registry's signature (`workforce.plans.signing`), over the plan as stored."""
    from workforce.plans.signing import sign

    assert record.id is not None
    signature = sign(get_settings().secret_key, record.id, record.status,
                     Plan.model_validate_json(record.plan_json))
    return plan_json_pieces(record, signature=signature)


def disclose_plan_file(session: Session, record: RotationPlan, *, actor: str
                       ) -> tuple[str, ...]:
    """The signed plan file for a download, its disclosure in the audit log (the caller
    commits before it sends a byte). The file's instance holds every teacher's birth date in
    full beside name, gender and school — the day a masked ID number hides — so handing it
    out is an unmasking (action ``unmask``), for the roles that may unmask."""
    assert record.id is not None
    audit.record(session, actor=actor, action="unmask", entity="rotation_plan",
                 entity_key=str(record.id), note="plan file: the instance's birth dates")
    return signed_plan_json_pieces(record)


def plan_json_pieces(record: RotationPlan, *, with_instance: bool = True,
                     signature: dict[str, str] | None = None) -> tuple[str, ...]:
    """The saved form of a plan as pieces of text whose concatenation is the JSON object: the
    plan's fields, the registry id and status (and the registry's ``signature``, when given),
    and its instance.

    Spliced from the stored JSON texts rather than parsed and dumped again: both are pydantic's
    compact JSON objects, and re-encoding the sample district's plan and instance (4 MB) with
    `json.dumps(indent=…)` — Python's pure encoder — took 0.5–1 s of `workforce plan`'s 3 s.
    Left in pieces so that the instance's text is written as it is stored, not copied: at
    100,000 teachers it is 50 million characters, 100 MB as a Python string of Chinese text,
    and joining it to the plan's took another 124 MB at `workforce plan`'s end
    (`write_json_pieces`)."""
    plan = record.plan_json.strip()
    if not (plan.startswith("{") and plan.endswith("}")):
        raise ValueError(f"plan #{record.id}: the stored plan is not a JSON object")
    fields = plan[1:-1].strip()  # an older release's indented JSON, or an empty object
    extra = (f'"registry_plan_id":{json.dumps(record.id)},'
             f'"registry_status":{json.dumps(record.status)}')  # fmt: skip
    if signature is not None:
        extra += f',"registry_signature":{json.dumps(signature)}'  # fmt: skip
    pieces = ["{", fields, "," if fields else "", extra]
    if with_instance:
        pieces += [',"instance":', record.instance_json.strip()]
    return (*pieces, "}")


WRITE_CHARACTERS_AT_ONCE = 1 << 20
"""Characters of a long text encoded and written at a time (`write_json_pieces`): 1 M
characters are 2–4 MB of transient memory where the whole 100,000-teacher plan took 60 MB."""


def write_json_pieces(path: Path, pieces: Iterable[str]) -> None:
    """Write the pieces of a text to ``path`` as UTF-8, a slice at a time; whole or not at
    all, and readable by its owner only (`private_files`: the plan names every teacher, with
    birth dates)."""
    with private_output(path) as partial, partial.open("w", encoding="utf-8") as out:
        for text in text_slices(pieces):
            out.write(text)


def text_slices(pieces: Iterable[str]) -> Iterator[str]:
    """The pieces of a long text in slices of at most ``WRITE_CHARACTERS_AT_ONCE``: what is
    encoded at a time, written to a file or sent in a download (`api.downloads`)."""
    for piece in pieces:
        for start in range(0, len(piece), WRITE_CHARACTERS_AT_ONCE):
            yield piece[start:start + WRITE_CHARACTERS_AT_ONCE]
