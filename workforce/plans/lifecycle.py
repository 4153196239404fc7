"""A plan's life: draft → approved → applied (or superseded by a newer draft of the year).

- :func:`propose_plan` builds the instance from the registry, solves it and keeps a draft with
  both the instance and the plan as JSON, so it can always be re-checked and reproduced.
- :func:`resolve_plan` re-solves a kept instance with more pins (the office's decisions) and
  keeps the result as a new draft whose parent is the old one.
- :func:`approve_plan` refuses a plan without moves, or one the independent checker rejects.
- :func:`apply_plan` moves the teachers and writes their rotation history, all or nothing, and
  never twice; it first verifies that every moved teacher is still where the plan found them.

Every step writes the audit log in the same transaction.
"""

from __future__ import annotations

import json

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from optimizer import Instance, Pin, Plan, SolveSettings, check_plan, solve
from workforce import audit
from workforce.models import RotationPlan, RotationRecord, School, Teacher, utcnow
from workforce.plans.messages import message
from workforce.snapshot import build_instance


class PlanError(Exception):
    """A lifecycle step that cannot be done; ``zh`` and ``en`` say why."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.zh = message(key, "zh", **params)
        self.en = message(key, "en", **params)
        super().__init__(self.en)


def load_plan(record: RotationPlan) -> tuple[Instance, Plan]:
    return (
        Instance.model_validate_json(record.instance_json),
        Plan.model_validate_json(record.plan_json),
    )


def _get(session: Session, plan_id: int, *, lock: bool = False) -> RotationPlan:
    query = select(RotationPlan).where(RotationPlan.id == plan_id)
    if lock:
        query = query.with_for_update()
    record = session.scalars(query).one_or_none()
    if record is None:
        raise PlanError("not_found", plan_id=plan_id)
    return record


def _keep(
    session: Session, instance: Instance, plan: Plan, actor: str, parent_id: int | None,
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
) -> tuple[RotationPlan, Instance, Plan]:
    """Solve the ``year`` rotation on the registry (or on ``instance``) and keep a draft.

    ``county`` limits it to one county's schools (``workforce.snapshot.build_instance``) and is
    kept on the record; ``plan``, already solved on ``instance`` (e.g. in a process pool, one
    county each: ``workforce.plans.counties``), is kept as it is."""
    instance = instance or build_instance(session, year=year, pins=pins or [], county=county)
    plan = plan or solve(instance, settings)
    record = _keep(session, instance, plan, actor, parent_id=None, county=county)
    return record, instance, plan


def resolve_plan(
    session: Session,
    plan_id: int,
    *,
    pins: list[Pin],
    actor: str,
    settings: SolveSettings | None = None,
    unpin: list[str] | None = None,
) -> tuple[RotationPlan, Instance, Plan]:
    """Re-solve a kept plan's instance with ``pins`` added (replacing earlier pins of the same
    teachers) and the pins of the staff numbers in ``unpin`` dropped (a staff number both
    unpinned and pinned keeps its new pin); the other moves are re-optimised. The new draft's
    parent is ``plan_id``."""
    parent = _get(session, plan_id)
    instance, _ = load_plan(parent)
    dropped = set(unpin or ())
    kept = [p for p in instance.pins if p.staff_no not in dropped]
    instance = instance.model_copy(update={"pins": kept}).with_pins(pins)
    plan = solve(instance, settings)
    record = _keep(session, instance, plan, actor, parent_id=parent.id, county=parent.county)
    return record, instance, plan


def approve_plan(
    session: Session, plan_id: int, *, actor: str, expected_version: int | None = None
) -> RotationPlan:
    """Approve a draft: it must have moves and pass the independent checker. Other drafts of
    the same year become ``superseded``."""
    record = _get(session, plan_id, lock=True)
    if expected_version is not None and record.version != expected_version:
        raise PlanError(
            "stale_version", plan_id=plan_id, current=record.version, expected=expected_version
        )
    if record.status != "draft":
        raise PlanError("not_draft", plan_id=plan_id, status=record.status)
    instance, plan = load_plan(record)
    if plan.status not in ("optimal", "feasible"):
        raise PlanError("no_plan", plan_id=plan_id, solver_status=plan.status)
    findings = check_plan(instance, plan)
    if findings:
        raise PlanError(
            "check_failed", plan_id=plan_id, findings="; ".join(f.zh for f in findings[:5])
        )
    before = {"status": record.status, "version": record.version}
    record.status = "approved"
    record.approved_by = actor
    record.approved_at = utcnow()
    record.version += 1
    session.execute(
        update(RotationPlan)
        .where(
            RotationPlan.year == record.year,
            RotationPlan.status == "draft",
            RotationPlan.id != record.id,
            # each county's drafts compete only with that county's (one plan per county)
            RotationPlan.county.is_(None)
            if record.county is None
            else RotationPlan.county == record.county,
        )
        .values(status="superseded", version=RotationPlan.version + 1)
    )
    audit.record(
        session,
        actor=actor,
        action="approve",
        entity="rotation_plan",
        entity_key=str(record.id),
        before=before,
        after={"status": "approved", "version": record.version},
    )
    session.flush()
    return record


def apply_plan(session: Session, plan_id: int, *, actor: str) -> RotationPlan:
    """Carry out an approved plan at the start of term, all or nothing, never twice.

    Each move becomes a :class:`RotationRecord` (from, to, kind, start, planned end, the plan)
    and the teacher's current school becomes the destination — for a secondment too, since the
    teacher teaches there for the term (the record keeps the home school, and the demand rule
    counts a returning secondee at home). A transfer also resets the date the teacher joined
    the school. If any moved teacher is no longer active at the school the plan found them at,
    nothing is applied and every discrepancy is named.
    """
    record = _get(session, plan_id, lock=True)
    if record.status == "applied":
        raise PlanError(
            "already_applied",
            plan_id=plan_id,
            applied_at=f"{record.applied_at:%Y-%m-%d %H:%M}",
            applied_by=record.applied_by,
        )
    if record.status != "approved":
        raise PlanError("not_approved", plan_id=plan_id, status=record.status)
    _, plan = load_plan(record)
    staff_nos = [m.staff_no for m in plan.moves]
    teachers = {
        t.staff_no: t
        for t in session.scalars(
            select(Teacher).where(Teacher.staff_no.in_(staff_nos)).with_for_update()
        )
    }
    schools = {s.code: s for s in session.scalars(select(School).where(School.active.is_(True)))}
    _verify_unchanged(plan, teachers, schools)

    history = []
    changes = []
    for move in plan.moves:
        teacher = teachers[move.staff_no]
        before = {"school": move.from_school, "joined_school_on": teacher.joined_school_on}
        teacher.school_id = schools[move.to_school].id
        if move.kind == "transfer":
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
    record.status = "applied"
    record.applied_by = actor
    record.applied_at = utcnow()
    record.version += 1
    changes.append(
        dict(
            actor=actor,
            action="apply",
            entity="rotation_plan",
            entity_key=str(record.id),
            before={"status": "approved"},
            after={"status": "applied", "moves": len(plan.moves)},
        )
    )
    audit.record_many(session, changes)
    session.flush()
    return record


def _verify_unchanged(plan: Plan, teachers: dict[str, Teacher], schools: dict[str, School]) -> None:
    code_by_id = {s.id: s.code for s in schools.values()}
    problems: list[tuple[str, dict[str, object]]] = []
    for move in plan.moves:
        teacher = teachers.get(move.staff_no)
        if teacher is None:
            problems.append(("teacher_missing", {"staff_no": move.staff_no}))
        elif teacher.status != "active":
            problems.append(
                ("teacher_inactive", {"staff_no": move.staff_no, "status": teacher.status})
            )
        elif code_by_id.get(teacher.school_id) != move.from_school:
            problems.append(
                (
                    "teacher_moved",
                    {
                        "staff_no": move.staff_no,
                        "current": code_by_id.get(teacher.school_id, "?"),
                        "expected": move.from_school,
                    },
                )
            )
        for code in (move.from_school, move.to_school):
            if code not in schools:
                problems.append(("school_missing", {"code": code}))
    if problems:
        raise PlanError(
            "registry_changed",
            details_zh="；".join(message(key, "zh", **params) for key, params in problems[:10]),
            details_en="; ".join(message(key, "en", **params) for key, params in problems[:10]),
        )


def plans_of_year(session: Session, year: int) -> list[RotationPlan]:
    return list(
        session.scalars(
            select(RotationPlan).where(RotationPlan.year == year).order_by(RotationPlan.id)
        )
    )


def plan_as_json(record: RotationPlan, *, with_instance: bool = True) -> str:
    """The saved form of a plan: the plan's fields, the registry id, and its instance."""
    data = json.loads(record.plan_json)
    data["registry_plan_id"] = record.id
    data["registry_status"] = record.status
    if with_instance:
        data["instance"] = json.loads(record.instance_json)
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)
