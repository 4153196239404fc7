"""Solve jobs run in their own process, report their stage, and can be stopped."""

import time

from sqlmodel import Session

from optimizer import Pin, Plan, SolveSettings
from workforce.models import RotationPlan
from workforce.plans.jobs import get_job, start_solve_job, stop_job

from ..district import build_small_district


def _wait(engine, job_id, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = get_job(engine, job_id)
        if job.status in ("done", "failed", "stopped"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job.status} after {seconds} s")


def test_a_job_solves_in_its_own_process_and_keeps_the_draft(engine):
    with Session(engine) as session:
        build_small_district(session)
    job = start_solve_job(engine, year=2026, actor="hr1", settings=SolveSettings(time_limit_s=20))
    assert job.status == "queued" and job.pid
    done = _wait(engine, job.id)
    assert done.status == "done", done.error
    with Session(engine) as session:
        plan = session.get(RotationPlan, done.plan_id)
        assert plan.status == "draft" and plan.moves > 0 and plan.created_by == "hr1"


def test_a_resolve_job_keeps_pins_and_names_its_parent(engine):
    with Session(engine) as session:
        build_small_district(session)
    first = _wait(
        engine,
        start_solve_job(engine, year=2026, actor="hr1", settings=SolveSettings(time_limit_s=20)).id,
    )
    job = start_solve_job(
        engine,
        year=2026,
        actor="hr1",
        settings=SolveSettings(time_limit_s=20),
        parent_plan_id=first.plan_id,
        pins=[Pin(kind="must_stay", staff_no="UPE0")],
    )
    done = _wait(engine, job.id)
    assert done.status == "done", done.error
    with Session(engine) as session:
        child = session.get(RotationPlan, done.plan_id)
        assert child.parent_id == first.plan_id
        moved = {m.staff_no for m in Plan.model_validate_json(child.plan_json).moves}
        assert "UPE0" not in moved


def test_stopping_a_job_ends_its_process(engine):
    with Session(engine) as session:
        build_small_district(session)
    job = start_solve_job(engine, year=2026, actor="hr1", settings=SolveSettings(time_limit_s=20))
    stopped = stop_job(engine, job.id)
    assert stopped.status == "stopped"
    time.sleep(1.0)
    assert get_job(engine, job.id).status == "stopped"
    assert get_job(engine, job.id).plan_id is None
