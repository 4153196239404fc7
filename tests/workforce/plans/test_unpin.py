"""Re-solving with pins removed: the parent's pins of the unpinned teachers are dropped, the
others kept, and a job carries the removal to its process."""

import time

from sqlmodel import Session

from optimizer import Instance, Pin, Plan, SolveSettings
from workforce.models import RotationPlan
from workforce.plans import propose_plan, resolve_plan
from workforce.plans.jobs import get_job, start_solve_job

from ..district import build_small_district

FAST = SolveSettings(time_limit_s=20)


def test_unpinning_drops_only_the_named_teachers_pins(session):
    build_small_district(session)
    first, _, _ = propose_plan(session, year=2026, actor="hr1", settings=FAST)
    pinned, instance, plan = resolve_plan(
        session,
        first.id,
        pins=[Pin(kind="must_stay", staff_no="UPE0"), Pin(kind="must_stay", staff_no="UPE1")],
        actor="hr1",
        settings=FAST,
    )
    assert {"UPE0", "UPE1"}.isdisjoint(m.staff_no for m in plan.moves)
    unpinned, instance, _ = resolve_plan(
        session, pinned.id, pins=[], unpin=["UPE0"], actor="hr1", settings=FAST
    )
    session.commit()
    assert [(p.kind, p.staff_no) for p in instance.pins] == [("must_stay", "UPE1")]
    assert unpinned.parent_id == pinned.id
    repinned, instance, _ = resolve_plan(
        session,
        pinned.id,
        pins=[Pin(kind="must_move", staff_no="UPE1")],
        unpin=["UPE1"],
        actor="hr1",
        settings=FAST,
    )
    assert {(p.kind, p.staff_no) for p in instance.pins} == {
        ("must_stay", "UPE0"),
        ("must_move", "UPE1"),
    }


def test_a_resolve_job_unpins_in_its_process(engine):
    with Session(engine, expire_on_commit=False) as session:
        build_small_district(session)
        first, _, _ = propose_plan(session, year=2026, actor="hr1", settings=FAST)
        pinned, _, _ = resolve_plan(
            session, first.id, pins=[Pin(kind="must_stay", staff_no="UPE0")], actor="hr1"
        )
        session.commit()
    job = start_solve_job(
        engine, year=2026, actor="hr1", settings=FAST, parent_plan_id=pinned.id, unpin=["UPE0"]
    )
    deadline = time.monotonic() + 60
    while (done := get_job(engine, job.id)).status not in ("done", "failed", "stopped"):
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.2)
    assert done.status == "done", done.error
    with Session(engine) as session:
        child = session.get(RotationPlan, done.plan_id)
        assert Instance.model_validate_json(child.instance_json).pins == []
        assert Plan.model_validate_json(child.plan_json).status == "optimal"
