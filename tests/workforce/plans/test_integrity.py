"""Plan integrity: approve and apply happen once, whatever the engine and however requests
interleave (threads on their own connections to a file database or PostgreSQL); one applied
plan a year (supplementary plans by explicit choice); approval with a comment and, when set,
by a second person; apply re-checks the rules on the registry as it is now."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from optimizer import Pin, SolveSettings
from workforce.models import (
    AuditLog,
    Certificate,
    Designation,
    Exemption,
    RotationPlan,
    RotationRecord,
    School,
    Teacher,
)
from workforce.plans import (
    PlanError,
    apply_plan,
    approve_plan,
    load_plan,
    propose_plan,
    resolve_plan,
)

from ..district import build_small_district

FAST = SolveSettings(time_limit_s=20)


def _district_with_drafts(engine: Engine, drafts: int = 1) -> list[int]:
    """The small district and ``drafts`` draft plans of 2026 (made by ``hr1``); their ids."""
    with Session(engine, expire_on_commit=False) as session:
        build_small_district(session)
        ids = []
        for _ in range(drafts):
            record, _, _ = propose_plan(session, year=2026, actor="hr1", settings=FAST)
            ids.append(record.id)
        session.commit()
    return ids


def _approve(engine: Engine, plan_id: int, **extra: object) -> None:
    with Session(engine, expire_on_commit=False) as session:
        approve_plan(session, plan_id, actor="chief", comment="同意执行", **extra)
        session.commit()


def _race(engine: Engine, steps: list[Callable[[Session], object]]) -> list[str]:
    """Run each step in its own thread on its own connection, all released together; each
    commits on success. The outcome of each: ``ok`` or the refusal's key."""
    barrier = threading.Barrier(len(steps))
    outcomes: list[str] = [""] * len(steps)

    def run(index: int, step: Callable[[Session], object]) -> None:
        with Session(engine, expire_on_commit=False) as session:
            session.execute(select(1))  # a connection of its own before the start
            barrier.wait()
            try:
                step(session)
                session.commit()
                outcomes[index] = "ok"
            except PlanError as error:
                session.rollback()
                outcomes[index] = error.key

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(not t.is_alive() for t in threads)
    return outcomes


def _count(session: Session, model: type, *where: object) -> int:
    return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_three_concurrent_applies_apply_once(engine):
    (plan_id,) = _district_with_drafts(engine)
    _approve(engine, plan_id)
    outcomes = _race(engine, [lambda s, i=i: apply_plan(s, plan_id, actor=f"hr{i}") for i in range(3)])
    assert sorted(outcomes) == ["already_applied", "already_applied", "ok"]
    with Session(engine) as session:
        record = session.get(RotationPlan, plan_id)
        assert record.status == "applied" and record.moves > 0
        assert _count(session, RotationRecord, RotationRecord.plan_id == plan_id) == record.moves
        assert _count(session, AuditLog, AuditLog.action == "apply") == 1
        teacher_updates = _count(
            session, AuditLog, AuditLog.entity == "teacher", AuditLog.action == "update"
        )
        assert teacher_updates == record.moves


def test_two_concurrent_approvals_of_one_draft_approve_once(engine):
    (plan_id,) = _district_with_drafts(engine)

    def approve(session: Session) -> None:
        approve_plan(session, plan_id, actor="chief", comment="同意", expected_version=1)

    outcomes = _race(engine, [approve, approve])
    assert sorted(outcomes) == ["ok", "stale_version"]
    with Session(engine) as session:
        assert _count(session, AuditLog, AuditLog.action == "approve") == 1
        assert session.get(RotationPlan, plan_id).version == 2


def test_concurrent_approvals_of_two_drafts_leave_one_approved(engine):
    first, second = _district_with_drafts(engine, drafts=2)
    outcomes = _race(
        engine,
        [
            lambda s: approve_plan(s, first, actor="chief", comment="同意"),
            lambda s: approve_plan(s, second, actor="hr2", comment="同意"),
        ],
    )
    assert sorted(outcomes) == ["not_draft", "ok"]
    with Session(engine) as session:
        statuses = Counter(session.get(RotationPlan, i).status for i in (first, second))
        assert statuses == Counter({"approved": 1, "superseded": 1})


def test_two_approved_plans_of_a_year_applied_together_apply_one(engine):
    """Two approved plans of one year (as an older version left them) applied at the same
    moment: the year's unique applied plan lets one through."""
    first, second = _district_with_drafts(engine, drafts=2)
    with Session(engine) as session:
        session.execute(
            update(RotationPlan).where(RotationPlan.id.in_([first, second])).values(
                status="approved"
            )
        )
        session.commit()
    outcomes = _race(
        engine,
        [
            lambda s: apply_plan(s, first, actor="chief"),
            lambda s: apply_plan(s, second, actor="hr2"),
        ],
    )
    assert sorted(outcomes) in (["ok", "year_applied"], ["ok", "year_applied_now"])
    with Session(engine) as session:
        applied = session.exec(select(RotationPlan).where(RotationPlan.status == "applied")).all()
        assert len(applied) == 1
        history = _count(session, RotationRecord)
        assert history == applied[0].moves


def test_the_database_refuses_a_second_applied_plan_of_a_year(engine):
    first, second = _district_with_drafts(engine, drafts=2)
    with Session(engine) as session:
        session.execute(
            update(RotationPlan).where(RotationPlan.id == first).values(status="applied")
        )
        session.commit()
        with pytest.raises(IntegrityError):
            session.execute(
                update(RotationPlan).where(RotationPlan.id == second).values(status="applied")
            )
            session.commit()
        session.rollback()
        session.execute(
            update(RotationPlan)
            .where(RotationPlan.id == second)
            .values(status="applied", supplementary=True)
        )
        session.commit()
        assert _count(session, RotationPlan, RotationPlan.status == "applied") == 2


def test_an_applied_year_needs_a_supplementary_plan_and_is_never_applied_twice(engine):
    first, second = _district_with_drafts(engine, drafts=2)
    _approve(engine, first)
    with Session(engine, expire_on_commit=False) as session:
        assert session.get(RotationPlan, second).status == "superseded"
        apply_plan(session, first, actor="chief")
        session.commit()
        # a draft of the year solved before the application (a copy of the applied plan)
        applied = session.get(RotationPlan, first)
        third = RotationPlan(
            year=2026,
            solver_status=applied.solver_status,
            moves=applied.moves,
            instance_json=applied.instance_json,
            plan_json=applied.plan_json,
            created_by="hr1",
        )
        session.add(third)
        session.commit()
        with pytest.raises(PlanError) as refused:
            approve_plan(session, third.id, actor="chief", comment="同意")
        session.rollback()
        assert refused.value.key == "year_applied" and "补充方案" in refused.value.zh
        with pytest.raises(PlanError) as applied_again:
            apply_plan(session, first, actor="chief")
        session.rollback()
        assert applied_again.value.key == "already_applied"

        # solved before the year's plan moved those teachers: not even as a supplementary plan
        with pytest.raises(PlanError) as stale:
            approve_plan(session, third.id, actor="chief", comment="补充", supplementary=True)
        session.rollback()
        assert stale.value.key == "instance_before_applied"
        assert session.get(RotationPlan, third.id).status == "draft"


def test_supplementary_is_refused_when_nothing_was_applied(engine):
    (plan_id,) = _district_with_drafts(engine)
    with Session(engine) as session, pytest.raises(PlanError) as refused:
        approve_plan(session, plan_id, actor="chief", comment="同意", supplementary=True)
    assert refused.value.key == "nothing_to_supplement"


def test_approval_needs_a_comment_and_with_the_setting_a_second_person(engine, env):
    (plan_id,) = _district_with_drafts(engine)
    env.setenv("WORKFORCE_PLAN_APPROVAL_SECOND_PERSON", "true")
    from workforce import config

    config.get_settings.cache_clear()
    with Session(engine, expire_on_commit=False) as session:
        with pytest.raises(PlanError) as blank:
            approve_plan(session, plan_id, actor="chief", comment="  ")
        assert blank.value.key == "comment_required"
        with pytest.raises(PlanError) as drafter:
            approve_plan(session, plan_id, actor="hr1", comment="同意")
        assert drafter.value.key == "drafter_cannot_approve" and "hr1" in drafter.value.zh
        session.rollback()
        record = approve_plan(session, plan_id, actor="chief", comment="经局务会研究同意")
        session.commit()
        assert record.approval_comment == "经局务会研究同意"
        entry = session.exec(select(AuditLog).where(AuditLog.action == "approve")).one()
        assert entry.actor == "chief" and entry.after["comment"] == "经局务会研究同意"


def _mover(session: Session, plan_id: int) -> tuple[Teacher, object]:
    _, plan = load_plan(session.get(RotationPlan, plan_id))
    move = plan.moves[0]
    teacher = session.exec(select(Teacher).where(Teacher.staff_no == move.staff_no)).one()
    return teacher, move


def _refused_apply(session: Session, plan_id: int) -> PlanError:
    rows_before = (_count(session, RotationRecord), _count(session, AuditLog))
    with pytest.raises(PlanError) as refused:
        apply_plan(session, plan_id, actor="chief")
    session.commit()  # even a caller who commits after the refusal changes nothing
    assert (_count(session, RotationRecord), _count(session, AuditLog)) == rows_before
    assert session.get(RotationPlan, plan_id).status == "approved"
    return refused.value


def test_apply_refuses_a_mover_exempted_after_approval(engine):
    (plan_id,) = _district_with_drafts(engine)
    _approve(engine, plan_id)
    with Session(engine, expire_on_commit=False) as session:
        teacher, move = _mover(session, plan_id)
        session.add(
            Exemption(
                teacher_id=teacher.id,
                reason="illness",
                from_on=dt.date(2026, 7, 1),
                until_on=dt.date(2027, 8, 31),
            )
        )
        session.commit()
        school_before = teacher.school_id
        error = _refused_apply(session, plan_id)
        assert error.key == "rules_now_broken"
        assert teacher.staff_no in error.zh and teacher.name in error.zh
        assert error.details == [
            {
                "staff_no": teacher.staff_no,
                "name": teacher.name,
                "rule": "eligibility.exemption",
                "zh": error.details[0]["zh"],
                "en": error.details[0]["en"],
            }
        ]
        assert teacher.name in error.en and "exempt" in error.en.lower()
        session.refresh(teacher)
        assert teacher.school_id == school_before


def test_apply_refuses_a_mover_whose_subject_changed(engine):
    (plan_id,) = _district_with_drafts(engine)
    _approve(engine, plan_id)
    with Session(engine, expire_on_commit=False) as session:
        teacher, move = _mover(session, plan_id)
        assert move.subject == teacher.main_subject == "pe"
        teacher.main_subject = "music"
        session.add(teacher)
        for certificate in session.exec(
            select(Certificate).where(Certificate.teacher_id == teacher.id)
        ):
            certificate.subject = "music"
            session.add(certificate)
        session.commit()
        error = _refused_apply(session, plan_id)
        assert error.key == "rules_now_broken"
        assert [(d["staff_no"], d["rule"]) for d in error.details] == [
            (teacher.staff_no, "move.subject")
        ]


def test_apply_sets_the_school_and_the_joined_school_date_of_every_mover(engine):
    (plan_id,) = _district_with_drafts(engine)
    _approve(engine, plan_id)
    with Session(engine, expire_on_commit=False) as session:
        apply_plan(session, plan_id, actor="chief")
        session.commit()
        _, plan = load_plan(session.get(RotationPlan, plan_id))
        kinds = Counter(m.kind for m in plan.moves)
        assert kinds["secondment"] == len(plan.moves) > 0
        for move in plan.moves:
            teacher = session.exec(select(Teacher).where(Teacher.staff_no == move.staff_no)).one()
            assert session.get(School, teacher.school_id).code == move.to_school
            assert teacher.joined_school_on == move.start == dt.date(2026, 9, 1)
            record = session.exec(
                select(RotationRecord).where(RotationRecord.teacher_id == teacher.id)
            ).one()
            assert session.get(School, record.from_school_id).code == move.from_school


def test_apply_refuses_when_the_registry_cannot_be_read_as_an_instance(engine):
    """A school's class counts emptied since the approval: the re-check cannot be made, so the
    plan is refused with the school named, not failed with a server error."""
    (plan_id,) = _district_with_drafts(engine)
    _approve(engine, plan_id)
    with Session(engine, expire_on_commit=False) as session:
        school = session.exec(select(School).where(School.code == "R1")).one()
        school.classes_by_grade = []
        session.add(school)
        session.commit()
        error = _refused_apply(session, plan_id)
    assert error.key == "snapshot_failed" and "R1" in error.zh and "R1" in error.en


def test_apply_names_every_teacher_who_retired_or_moved_since_approval(engine):
    """A mover retired and another moved to another school after the approval: the refusal
    names both — staff number, name, what changed — in its text and one entry each in
    ``details`` (what the API answers as ``teachers``); nothing is applied."""
    (plan_id,) = _district_with_drafts(engine)
    _approve(engine, plan_id)
    with Session(engine, expire_on_commit=False) as session:
        _, plan = load_plan(session.get(RotationPlan, plan_id))
        assert len(plan.moves) >= 2
        first, second = plan.moves[:2]
        retired = session.exec(select(Teacher).where(Teacher.staff_no == first.staff_no)).one()
        retired.status = "retired"
        moved = session.exec(select(Teacher).where(Teacher.staff_no == second.staff_no)).one()
        elsewhere = session.exec(
            select(School).where(School.code.not_in([second.from_school, second.to_school]))
        ).first()
        moved.school_id = elsewhere.id
        session.add_all([retired, moved])
        session.commit()
        error = _refused_apply(session, plan_id)
    assert error.key == "registry_changed"
    assert [(d["staff_no"], d["name"], d["rule"]) for d in error.details] == [
        (retired.staff_no, retired.name, "registry.teacher_inactive"),
        (moved.staff_no, moved.name, "registry.teacher_moved"),
    ]
    assert f"{retired.name} {retired.staff_no} 状态为“退休”" in error.zh
    assert f"{moved.name} {moved.staff_no} 现在 {elsewhere.code} 而非 {second.from_school}" in (
        error.zh
    )
    assert retired.name in error.en and moved.name in error.en


def test_apply_names_each_of_many_teachers_no_longer_in_the_registry(engine):
    """Twelve movers gone from the registry: each is named, not only the first ten."""
    (plan_id,) = _district_with_drafts(engine)
    with Session(engine, expire_on_commit=False) as session:
        record = session.get(RotationPlan, plan_id)
        _, plan = load_plan(record)
        template = plan.moves[0]
        gone = [
            template.model_copy(update={"staff_no": f"GONE{i:02}", "name": f"离开者{i:02}"})
            for i in range(12)
        ]
        record.plan_json = plan.model_copy(update={"moves": gone}).model_dump_json()
        record.status = "approved"
        session.add(record)
        session.commit()
        error = _refused_apply(session, plan_id)
    assert error.key == "registry_changed"
    assert [d["staff_no"] for d in error.details] == [f"GONE{i:02}" for i in range(12)]
    assert {d["rule"] for d in error.details} == {"registry.teacher_missing"}
    named = [i for i in range(12) if f"离开者{i:02} GONE{i:02} 已不在登记中" in error.zh]
    assert len(named) == 12


def _district_with_spare_pe_teachers(engine: Engine) -> None:
    """The small district with four more PE teachers at U1 (one a key teacher): after the
    year's plan moves four, four others could move as well."""
    from ..district import add_teacher

    with Session(engine, expire_on_commit=False) as session:
        schools = build_small_district(session)
        for n in range(6, 10):
            teacher = add_teacher(session, f"UPE{n}", schools["U1"], main_subject="pe")
            if n == 6:
                session.add(Designation(teacher_id=teacher.id, kind="key_teacher",
                                        tier="district", subject="pe",
                                        term_start=dt.date(2024, 9, 1),
                                        term_end=dt.date(2027, 8, 31)))  # fmt: skip
        session.commit()


def test_a_supplementary_plan_solved_before_the_application_is_refused(engine):
    """The year's plan approved, then re-solved keeping its movers (a new draft on the same,
    older registry data), then applied: the re-solved draft moves four other PE teachers out
    of U1 into the shortages the applied plan already filled. As a supplementary plan it would
    leave U1 two PE teachers of the four it must keep; approving it is refused, naming each
    teacher the applied plan moved, and so is applying it when it was approved before (as an
    older version allowed). Nothing moves."""
    _district_with_spare_pe_teachers(engine)
    with Session(engine, expire_on_commit=False) as session:
        record, _, plan = propose_plan(session, year=2026, actor="hr1", settings=FAST)
        session.commit()
        approve_plan(session, record.id, actor="chief", comment="同意")
        session.commit()
        stay = [Pin(kind="must_stay", staff_no=m.staff_no) for m in plan.moves]
        again, _, other = resolve_plan(session, record.id, pins=stay, actor="hr1", settings=FAST)
        session.commit()
        assert len(plan.moves) == len(other.moves) == 4
        assert not {m.staff_no for m in plan.moves} & {m.staff_no for m in other.moves}
        apply_plan(session, record.id, actor="chief")
        session.commit()

        with pytest.raises(PlanError) as refused:
            approve_plan(session, again.id, actor="chief", comment="补充", supplementary=True)
        session.rollback()
        error = refused.value
        assert error.key == "instance_before_applied"
        assert [(d["staff_no"], d["rule"]) for d in error.details] == [
            (m.staff_no, "registry.plan_applied_since") for m in plan.moves
        ]
        for m in plan.moves:
            assert f"{m.staff_no} {m.name}：方案中仍在 U1，已按方案 {record.id} 调至 " in error.zh

        session.execute(update(RotationPlan).where(RotationPlan.id == again.id).values(
            status="approved", supplementary=True))  # fmt: skip
        session.commit()
        assert _refused_apply(session, again.id).key == "instance_before_applied"
        u1 = session.exec(select(School).where(School.code == "U1")).one()
        kept = _count(session, Teacher, Teacher.school_id == u1.id, Teacher.main_subject == "pe")
        assert kept == 6

        # R2 grows after the application: a supplementary plan solved on the registry as it
        # is now is approved and applied
        r2 = session.exec(select(School).where(School.code == "R2")).one()
        r2.classes_by_grade, r2.pupils = [3] * 6, 500
        session.add(r2)
        session.commit()
        fresh, _, more = propose_plan(session, year=2026, actor="hr1", settings=FAST)
        session.commit()
        assert more.moves and not {m.staff_no for m in plan.moves} & {m.staff_no for m in more.moves}
        approve_plan(session, fresh.id, actor="chief", comment="补充", supplementary=True)
        session.commit()
        assert session.get(RotationPlan, again.id).status == "superseded"
        apply_plan(session, fresh.id, actor="chief")
        session.commit()
        assert session.get(RotationPlan, fresh.id).status == "applied"


def test_a_county_plan_and_a_whole_registry_plan_of_the_same_teachers_compete(engine):
    """A registry of one county whose schools carry its name: the web page solves it as the
    whole registry (no county), ``workforce plan`` and the county's HR officer as the county.
    Both plans hold the same teachers, so they compete as one county's plans do: approving one
    supersedes the other, and once one is applied the other year plan is refused
    (``year_applied``) — the year's rotation is not carried out twice."""
    _district_with_spare_pe_teachers(engine)
    with Session(engine, expire_on_commit=False) as session:
        for school in session.exec(select(School)):
            school.county = "源城区"
            session.add(school)
        session.commit()
        whole, _, plan = propose_plan(session, year=2026, actor="hr1", settings=FAST)
        county, _, _ = propose_plan(session, year=2026, actor="hr1", settings=FAST,
                                    county="源城区")  # fmt: skip
        session.commit()
        assert (whole.county, county.county) == (None, "源城区")
        approve_plan(session, whole.id, actor="chief", comment="同意")
        session.commit()
        assert session.get(RotationPlan, county.id).status == "superseded"

        # the county's own plan, re-solved keeping the whole plan's movers, approved after it
        stay = [Pin(kind="must_stay", staff_no=m.staff_no) for m in plan.moves]
        other, _, again = resolve_plan(session, county.id, pins=stay, actor="hr1", settings=FAST)
        session.commit()
        assert not {m.staff_no for m in plan.moves} & {m.staff_no for m in again.moves}
        apply_plan(session, whole.id, actor="chief")
        session.commit()
        with pytest.raises(PlanError) as refused:
            approve_plan(session, other.id, actor="chief", comment="同意")
        session.rollback()
        assert refused.value.key == "year_applied" and str(whole.id) in refused.value.zh

        session.execute(update(RotationPlan).where(RotationPlan.id == other.id).values(
            status="approved"))  # fmt: skip
        session.commit()
        assert _refused_apply(session, other.id).key == "year_applied"
        applied = session.exec(select(RotationPlan).where(RotationPlan.status == "applied")).all()
        assert [p.id for p in applied] == [whole.id]


def test_apply_names_registry_changes_and_rule_breaks_in_one_refusal(engine):
    """One mover moved to another school and another was exempted after the approval. The
    refusal named only the first; the second came up at the next try, after the office had
    re-solved or fixed the record. Now both are named at once, the registry change first."""
    (plan_id,) = _district_with_drafts(engine)
    _approve(engine, plan_id)
    with Session(engine, expire_on_commit=False) as session:
        _, plan = load_plan(session.get(RotationPlan, plan_id))
        assert len(plan.moves) >= 2
        first, second = plan.moves[:2]
        moved = session.exec(select(Teacher).where(Teacher.staff_no == first.staff_no)).one()
        elsewhere = session.exec(
            select(School).where(School.code.not_in([first.from_school, first.to_school]))
        ).first()
        moved.school_id = elsewhere.id
        exempt = session.exec(select(Teacher).where(Teacher.staff_no == second.staff_no)).one()
        session.add_all([moved, Exemption(teacher_id=exempt.id, reason="illness",
                                          from_on=dt.date(2026, 7, 1),
                                          until_on=dt.date(2027, 8, 31))])  # fmt: skip
        session.commit()
        error = _refused_apply(session, plan_id)
    assert error.key == "registry_changed"
    assert [(d["staff_no"], d["rule"]) for d in error.details] == [
        (moved.staff_no, "registry.teacher_moved"),
        (exempt.staff_no, "eligibility.exemption"),
    ]
    assert f"{moved.name} {moved.staff_no} 现在 {elsewhere.code}" in error.zh
    assert f"{exempt.staff_no} {exempt.name}：" in error.zh
    assert error.zh.index(moved.name) < error.zh.index(exempt.name)
