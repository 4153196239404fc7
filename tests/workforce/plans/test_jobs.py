"""Solve jobs run in their own process, report their stage, can be stopped, wait in a queue
behind a cap on solver processes, and survive a restart (a lost process is marked failed)."""

import datetime as dt
import os
import threading
import time

import psutil
import pytest
from sqlalchemy import event, update
from sqlmodel import Session, select

from optimizer import Pin, Plan, SolveSettings
from workforce import config
from workforce.models import AuditLog, RotationPlan, SolveJob, utcnow
from workforce.plans.jobs import (
    LOST_PROCESS_ERROR,
    MAX_UNFINISHED_JOBS_PER_USER,
    RUNNER,
    TooManyJobs,
    claim_next,
    dispatch,
    get_job,
    recover_lost_jobs,
    run_worker,
    start_solve_job,
    stop_job,
)

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
    assert job.status == "running" and job.pid and job.runner == RUNNER and job.slot == 1
    stages = {job.stage}
    deadline = time.monotonic() + 60
    while get_job(engine, job.id).status not in ("done", "failed", "stopped"):
        assert time.monotonic() < deadline
        stages.add(get_job(engine, job.id).stage)
        time.sleep(0.02)
    stages.add(get_job(engine, job.id).stage)
    from api.i18n.catalogue import UI

    assert all(f"stage_{stage}" in UI for stage in stages), stages  # the job page names each
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


def _solver_processes() -> list[psutil.Process]:
    """This test process's live spawned children (multiprocessing's resource tracker aside)."""
    found = []
    for process in psutil.Process().children(recursive=True):
        try:
            if process.status() != psutil.STATUS_ZOMBIE and "spawn_main" in " ".join(
                process.cmdline()
            ):
                found.append(process)
        except psutil.NoSuchProcess:
            continue
    return found


def test_stopping_a_job_ends_its_process(engine):
    with Session(engine) as session:
        build_small_district(session)
    job = start_solve_job(engine, year=2026, actor="hr1", settings=SolveSettings(time_limit_s=20))
    process = psutil.Process(job.pid)
    assert process.is_running()
    stopped = stop_job(engine, job.id)
    assert stopped.status == "stopped" and stopped.slot is None
    process.wait(timeout=20)  # the solver process itself has ended
    assert not psutil.pid_exists(job.pid) or process.status() == psutil.STATUS_ZOMBIE
    time.sleep(0.5)
    assert get_job(engine, job.id).status == "stopped"
    assert get_job(engine, job.id).plan_id is None


def test_twenty_users_pressing_solve_queue_behind_the_cap(engine, env):
    # 20 requests at once with 2 solver slots: never more than 2 solver processes or running
    # jobs, the rest queued; all 20 end done, started in the order they were queued.
    env.setenv("WORKFORCE_MAX_SOLVER_PROCESSES", "2")
    config.get_settings.cache_clear()
    with Session(engine) as session:
        build_small_district(session)
    ids: list[int] = []
    lock = threading.Lock()

    def press(user: int) -> None:
        job = start_solve_job(engine, year=2026, actor=f"hr{user}",
                              settings=SolveSettings(time_limit_s=20))  # fmt: skip
        with lock:
            ids.append(job.id)

    users = [threading.Thread(target=press, args=(n,)) for n in range(20)]
    for user in users:
        user.start()
    most_running = most_processes = 0
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        with Session(engine) as session:
            jobs = session.exec(select(SolveJob)).all()
        running = sum(j.status == "running" for j in jobs)
        most_running = max(most_running, running)
        most_processes = max(most_processes, len(_solver_processes()))
        if len(jobs) == 20 and all(j.status in ("done", "failed", "stopped") for j in jobs):
            break
        time.sleep(0.1)
    for user in users:
        user.join()
    with Session(engine) as session:
        jobs = session.exec(select(SolveJob).order_by(SolveJob.id)).all()
    assert len(jobs) == 20 and sorted(ids) == [j.id for j in jobs]
    assert [j.status for j in jobs] == ["done"] * 20, [j.error for j in jobs]
    assert 1 <= most_running <= 2 and most_processes <= 2
    # Claimed oldest first: no job started before an older one (two claimers at the same moment
    # take their timestamps a few milliseconds apart from their UPDATEs, hence the tolerance).
    starts = [j.started_at for j in jobs]
    slack = dt.timedelta(milliseconds=100)
    assert all(later >= earlier - slack for earlier, later in zip(starts, starts[1:], strict=False))
    assert all(j.slot is None for j in jobs)


def test_one_user_pressing_solve_twenty_times_at_once_queues_three_jobs(engine, env):
    """The per-user cap holds under requests sent together: the count and the insert are one
    write transaction. The others get the refusal in words; a stopped job frees a place."""
    env.setenv("WORKFORCE_WEB_RUNS_SOLVES", "false")  # the jobs only queue
    config.get_settings.cache_clear()
    outcomes: list[object] = []
    lock = threading.Lock()

    def press() -> None:
        try:
            outcome: object = start_solve_job(engine, year=2026, actor="hr1",
                                              settings=SolveSettings(time_limit_s=20)).id  # fmt: skip
        except TooManyJobs as refused:
            outcome = refused
        with lock:
            outcomes.append(outcome)

    presses = [threading.Thread(target=press) for _ in range(20)]
    for thread in presses:
        thread.start()
    for thread in presses:
        thread.join()
    queued = sorted(o for o in outcomes if isinstance(o, int))
    refusals = [o for o in outcomes if isinstance(o, TooManyJobs)]
    assert len(outcomes) == 20 and len(queued) == MAX_UNFINISHED_JOBS_PER_USER == 3
    assert len(refusals) == 17
    assert refusals[0].text.zh == ("您已有 3 个求解任务在排队或运行中：请等其中一个完成（或停止一个）"
                                   "后再提交")  # fmt: skip
    with Session(engine) as session:
        assert session.exec(select(SolveJob.id).order_by(SolveJob.id)).all() == queued
    other = start_solve_job(engine, year=2026, actor="hr2", settings=SolveSettings(time_limit_s=20))
    assert other.status == "queued"  # another user is not held up
    stop_job(engine, queued[0])
    again = start_solve_job(engine, year=2026, actor="hr1", settings=SolveSettings(time_limit_s=20))
    assert again.status == "queued"


def _claimed_job(engine, **values) -> int:
    with Session(engine) as session:
        job = SolveJob(year=2026, created_by="hr1", **values)
        session.add(job)
        session.commit()
        return job.id


def test_a_job_whose_process_died_is_failed_on_startup(engine):
    dead = psutil.Popen(["true"])
    dead.wait()
    now = utcnow()
    lost = _claimed_job(engine, status="running", runner=RUNNER, slot=1, pid=dead.pid,
                        started_at=now)  # fmt: skip
    legacy = _claimed_job(engine, status="running", pid=dead.pid, started_at=now)
    never_started = _claimed_job(engine, status="running", runner=RUNNER, slot=2,
                                 started_at=now - dt.timedelta(minutes=5))  # fmt: skip
    alive = _claimed_job(engine, status="running", runner=RUNNER, slot=3, pid=os.getpid(),
                         started_at=now)  # fmt: skip
    elsewhere = _claimed_job(engine, status="running", runner="other-host", slot=1, pid=dead.pid,
                             started_at=now)  # fmt: skip
    queued = _claimed_job(engine)
    assert sorted(recover_lost_jobs(engine)) == sorted([lost, legacy, never_started])
    states = {i: get_job(engine, i) for i in (lost, legacy, never_started, alive, elsewhere, queued)}
    for i in (lost, legacy, never_started):
        assert (states[i].status, states[i].slot, states[i].error) == ("failed", None,
                                                                        LOST_PROCESS_ERROR)
    assert states[alive].status == "running" and states[elsewhere].status == "running"
    assert states[queued].status == "queued"
    assert recover_lost_jobs(engine) == []  # nothing is failed twice


@pytest.mark.postgres
def test_claiming_is_one_conditional_update_that_one_claimer_wins(engine):
    job_ids = [_claimed_job(engine) for _ in range(3)]
    claims: list[int | None] = []
    barrier = threading.Barrier(6)

    def claim() -> None:
        barrier.wait()
        claims.append(claim_next(engine, "host-a", 2))

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [c for c in claims if c is not None]
    assert sorted(won) == job_ids[:2]  # two slots: the two oldest jobs, each claimed once
    with Session(engine) as session:
        rows = session.exec(select(SolveJob).order_by(SolveJob.id)).all()
    assert [(r.status, r.runner, r.slot) for r in rows][2] == ("queued", None, None)
    assert sorted(r.slot for r in rows[:2]) == [1, 2]
    assert claim_next(engine, "host-b", 1) == job_ids[2]  # another machine has its own slots


def test_a_worker_on_another_machine_runs_what_the_web_only_queued(engine, env):
    env.setenv("WORKFORCE_WEB_RUNS_SOLVES", "false")
    config.get_settings.cache_clear()
    with Session(engine) as session:
        build_small_district(session)
    job = start_solve_job(engine, year=2026, actor="hr1", settings=SolveSettings(time_limit_s=20))
    assert job.status == "queued" and job.pid is None
    rounds = iter(range(1))
    run_worker(engine, 1, poll_s=0, keep_going=lambda: next(rounds, None) is not None)
    done = _wait(engine, job.id)
    assert done.status == "done" and done.runner == RUNNER, done.error


def test_a_clerk_sees_only_their_own_jobs(engine):
    mine = _claimed_job(engine)
    assert get_job(engine, mine, visible_to="hr1").id == mine
    assert get_job(engine, mine, visible_to="clerk7") is None
    assert dispatch(engine, 0) == []  # no slot: nothing starts


def test_a_school_without_class_counts_fails_the_job_with_its_name_not_a_traceback(engine):
    from ..district import add_school

    with Session(engine) as session:
        build_small_district(session)
        add_school(session, "E1", name="新建小学", classes_by_grade=[])
        session.commit()
    job = start_solve_job(engine, year=2026, actor="hr1", settings=SolveSettings(time_limit_s=20))
    failed = _wait(engine, job.id)
    assert failed.status == "failed"
    assert "新建小学（E1）" in failed.error and "未填写各年级班数" in failed.error
    assert "Traceback" not in failed.error and "DemandError" not in failed.error



def _between_read_and_write(engine, action) -> list[str]:
    """Run ``action`` once, on its own connection, at the first moment another request could
    act between a read of the job and a write of it: just after the first ``SELECT`` on
    ``solvejob``, or just before the first ``UPDATE`` if that comes first. Returns the first
    words of the statements seen on ``solvejob`` (for asserting the hook ran)."""
    seen: list[str] = []

    def hook(conn, cursor, statement, parameters, context, executemany, *, after):
        if "solvejob" not in statement.lower() or seen == ["fired"]:
            return
        word = statement.split()[0].upper()
        if (word == "SELECT" and after) or (word == "UPDATE" and not after):
            seen[:] = ["fired"]
            action()

    def before(*args):
        hook(*args, after=False)

    def after(*args):
        hook(*args, after=True)

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    return seen


@pytest.mark.postgres
def test_stopping_a_job_that_finished_meanwhile_signals_no_process(engine):
    # A job process that finishes its job takes the next queued one in the same process: a
    # stop that read the pid before the finish must not signal that process (its next job
    # would die) nor overwrite the finished job as stopped.
    sleeper = psutil.Popen(["sleep", "60"])
    try:
        job_id = _claimed_job(engine, status="running", runner=RUNNER, slot=1, pid=sleeper.pid,
                              started_at=utcnow())  # fmt: skip

        def finish() -> None:
            with Session(engine) as session:
                session.execute(
                    update(SolveJob).where(SolveJob.id == job_id)
                    .values(status="done", stage="done", slot=None)
                )  # fmt: skip
                session.commit()

        seen = _between_read_and_write(engine, finish)
        stopped = stop_job(engine, job_id, max_processes=0)
        assert seen == ["fired"]
        assert stopped.status == "done" and get_job(engine, job_id).status == "done"
        time.sleep(0.2)
        assert sleeper.is_running() and sleeper.status() != psutil.STATUS_ZOMBIE
    finally:
        sleeper.kill()
        sleeper.wait()


@pytest.mark.postgres
def test_a_stop_between_a_job_process_read_and_write_is_not_overwritten(engine):
    from workforce.plans.jobs import _set

    job_id = _claimed_job(engine, status="running", runner=RUNNER, slot=1, pid=os.getpid(),
                          started_at=utcnow())  # fmt: skip

    def stop() -> None:  # the office presses stop just as the job process records "done"
        with Session(engine) as session:
            session.execute(
                update(SolveJob).where(SolveJob.id == job_id).values(status="stopped")
            )
            session.commit()

    seen = _between_read_and_write(engine, stop)
    with pytest.raises(SystemExit):
        _set(engine, job_id, status="done", stage="done", slot=None, finished_at=utcnow())
    assert seen == ["fired"]
    assert get_job(engine, job_id).status == "stopped"


def test_a_job_keeps_each_level_as_it_is_settled_and_the_plan_has_the_same(engine):
    """The job process records each objective level the solver settles (``SolveJob.levels``)
    in its own transaction, so the job page shows it at once; the draft's levels are those."""
    from optimizer.plan import ObjectiveLevel
    from workforce.plans.jobs import _level_recorder

    job_id = _claimed_job(engine, status="running", stage="solving")
    record = _level_recorder(engine, job_id)
    first = ObjectiveLevel(name="rural_shortage_filled", sense="max", value=490, bound=490,
                           relative_gap=0, proven_optimal=True)
    record(1, first)
    assert get_job(engine, job_id).levels == [{"number": 1, **first.model_dump(mode="json")}]

    with Session(engine) as session:
        build_small_district(session)
    job = start_solve_job(engine, year=2026, actor="hr1", settings=SolveSettings(time_limit_s=20))
    done = _wait(engine, job.id)
    assert done.status == "done", done.error
    with Session(engine) as session:
        plan = Plan.model_validate_json(session.get(RotationPlan, done.plan_id).plan_json)
    assert [level["number"] for level in done.levels] == [1, 2, 3]
    assert [ObjectiveLevel.model_validate({k: v for k, v in level.items() if k != "number"})
            for level in done.levels] == plan.objectives


def test_a_level_told_after_a_stop_ends_the_solve_and_is_not_kept(engine):
    from optimizer.plan import ObjectiveLevel
    from workforce.plans.jobs import _level_recorder

    job_id = _claimed_job(engine, status="stopped", stage="stopped")
    level = ObjectiveLevel(name="rural_shortage_filled", sense="max", value=5, bound=5,
                           relative_gap=0, proven_optimal=True)
    with pytest.raises(SystemExit):
        _level_recorder(engine, job_id)(1, level)
    assert get_job(engine, job_id).levels == []



def _job_to_run_here(engine, monkeypatch) -> tuple[int, list]:
    """A claimed solve job of the small district, to be run in this process by ``_run_one``
    (as a job process does); its id and the list of the signals a stop sends (to no real
    process: this one is the job's)."""
    import types

    import workforce.plans.jobs as jobs

    with Session(engine) as session:
        build_small_district(session)
        session.commit()
    job_id = _claimed_job(engine, settings=SolveSettings(time_limit_s=20).model_dump())
    assert claim_next(engine, RUNNER, 1) == job_id
    signals: list = []
    monkeypatch.setattr(jobs, "os", types.SimpleNamespace(
        getpid=os.getpid, kill=lambda pid, sig: signals.append((pid, sig))))  # fmt: skip
    return job_id, signals


@pytest.mark.postgres
def test_a_stop_while_the_job_keeps_its_draft_keeps_no_draft(engine, monkeypatch):
    # The solve is over; the office presses stop just before the job process writes its draft.
    # The draft and "done" are one transaction, conditional on the job still running: the
    # stop wins and no draft is left behind that no job names.
    import workforce.plans.lifecycle as lifecycle
    from workforce.plans.jobs import _run_one

    job_id, signals = _job_to_run_here(engine, monkeypatch)
    answers = []
    real_keep = lifecycle._keep

    def stop_then_keep(*args, **kwargs):
        answers.append(stop_job(engine, job_id, max_processes=0))
        return real_keep(*args, **kwargs)

    monkeypatch.setattr(lifecycle, "_keep", stop_then_keep)
    assert _run_one(engine, job_id) is False  # the process ends instead of taking a next job
    assert [a.status for a in answers] == ["stopped"] and len(signals) == 1
    job = get_job(engine, job_id)
    assert (job.status, job.plan_id, job.slot) == ("stopped", None, None)
    with Session(engine) as session:
        assert session.exec(select(RotationPlan)).all() == []
        assert session.exec(select(AuditLog).where(AuditLog.entity == "rotation_plan")).all() == []


@pytest.mark.postgres
def test_a_stop_sent_as_the_job_commits_its_draft_finds_it_done(engine, monkeypatch):
    # The stop arrives once the job process has written its draft and "done" but before that
    # transaction commits: it waits for the commit (SQLite's write lock, the job's row on
    # PostgreSQL), then finds the job done — it signals nothing and the draft is the job's.
    from workforce.plans.jobs import _run_one

    job_id, signals = _job_to_run_here(engine, monkeypatch)
    stops: list[threading.Thread] = []
    answers, waiting = [], []

    def stop_after_done(conn, cursor, statement, parameters, context, executemany):
        if stops or not statement.lstrip().upper().startswith("UPDATE SOLVEJOB"):
            return
        if "done" not in repr(parameters):
            return
        stop = threading.Thread(
            target=lambda: answers.append(stop_job(engine, job_id, max_processes=0))
        )
        stops.append(stop)
        stop.start()
        time.sleep(0.5)
        waiting.append(stop.is_alive())  # the stop was sent and waits for this transaction

    event.listen(engine, "after_cursor_execute", stop_after_done)
    try:
        assert _run_one(engine, job_id) is True
    finally:
        event.remove(engine, "after_cursor_execute", stop_after_done)
    stops[0].join(timeout=60)
    assert waiting == [True] and not stops[0].is_alive()
    assert [a.status for a in answers] == ["done"] and signals == []
    job = get_job(engine, job_id)
    with Session(engine) as session:
        drafts = session.exec(select(RotationPlan)).all()
    assert job.status == "done" and [d.id for d in drafts] == [job.plan_id]
