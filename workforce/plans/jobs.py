"""Solve jobs: a solve runs in its own process with a time limit, reports its stage in the
database, and can be stopped — so a web server never blocks on the solver. The job table is the
queue, and it survives a restart.

- ``start_solve_job`` records the job as *queued* and calls :func:`dispatch`.
- ``dispatch`` first marks failed the jobs of this machine whose process is gone (a server that
  was restarted, a process the kernel killed), then claims queued jobs, oldest first, while this
  machine has a free *solver slot* (``Settings.max_solver_processes``, default 2), and starts one
  *spawned* process (a fresh interpreter: no inherited connections or threads) per claimed job.
- Claiming is one conditional UPDATE of one row — ``status='queued'`` → ``'running'`` with the
  machine's name and a slot number — and ``(runner, slot)`` is unique while held, so two web
  workers, or a web worker and a ``workforce worker`` on another machine, can never run the same
  job, nor more than N solver processes on one machine (SQLite and PostgreSQL alike).
- A job process, having finished its job (done or failed, releasing its slot), claims the next
  queued job itself and runs it, until none is left: a queue drains without anyone polling.
- ``stop_job`` terminates a running job's process (or withdraws a queued job) and marks it
  stopped; then lets the next queued job start.
- ``workforce worker`` runs :func:`run_worker` — the same dispatch in a loop — on any machine
  that reaches the database; with ``WORKFORCE_WEB_RUNS_SOLVES=false`` the web servers only queue.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import signal
import socket
import time
import traceback
import zlib
from collections.abc import Callable

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from optimizer import Pin, SolveSettings
from optimizer.plan import ObjectiveLevel
from workforce.db import begin_write, make_engine
from workforce.models import SolveJob, utcnow
from workforce.rules.demand import DemandError
from workforce.services.errors import RateLimited
from workforce.services.messages import Catalogue

PLAN_TEXTS = Catalogue("plans")
"""The jobs' refusals (``plans.…`` in the catalogue; the short id is the API's error code)."""

FINISHED = ("done", "failed", "stopped")
RUNNER = socket.gethostname()
"""This machine's name in ``SolveJob.runner``: its solver slots and the processes it can check."""
MAX_UNFINISHED_JOBS_PER_USER = 3
"""Jobs one user may have queued or running at once: a user who starts more waits for one to
finish (or stops one). The solver slots cap the processes, not the queue: without this one
person could queue enough 600-second solves to hold every slot for hours, everyone else's jobs
waiting behind them."""
JOBS_LOCK = 0x6A6F6273
"""PostgreSQL advisory-lock class of a user's job submissions ("jobs"); the key is a hash of
the user name (SQLite: the write lock)."""
STARTING_GRACE = dt.timedelta(minutes=2)
"""How long a claimed job may wait for its process to record its pid before it counts as lost."""
LOST_PROCESS_ERROR = (
    "求解进程已不存在（服务器重启或进程被终止），任务未完成 / "
    "the solver process is gone (server restarted or process killed); the job did not finish"
)


def _cap(max_processes: int | None) -> int:
    if max_processes is not None:
        return max_processes
    from workforce.config import get_settings

    return get_settings().max_solver_processes


def _web_runs_solves() -> bool:
    from workforce.config import get_settings

    return get_settings().web_runs_solves


def start_solve_job(
    engine: Engine,
    *,
    year: int,
    actor: str,
    settings: SolveSettings,
    county: str | None = None,
    parent_plan_id: int | None = None,
    pins: list[Pin] | None = None,
    unpin: list[str] | None = None,
    max_processes: int | None = None,
) -> SolveJob:
    """Queue a job and start it if this machine has a free solver slot; returns at once.
    ``county`` limits a new plan to that county's schools (a re-solve keeps its parent's).

    ``unpin`` (staff numbers whose pins in the parent plan are dropped) only applies to a
    re-solve. ``max_processes`` overrides the setting (tests, the worker).

    Refuses (:class:`TooManyJobs`) a user who already has
    :data:`MAX_UNFINISHED_JOBS_PER_USER` jobs queued or running: the count and the insert are
    one write transaction (the user's advisory lock on PostgreSQL), so requests sent together
    cannot all pass the count."""
    with Session(engine, expire_on_commit=False) as session:
        begin_write(session, lock=(JOBS_LOCK, zlib.crc32(actor.encode()) & 0x7FFFFFFF))
        unfinished = session.scalar(
            select(func.count()).select_from(SolveJob).where(
                SolveJob.created_by == actor, SolveJob.status.not_in(FINISHED))
        )  # fmt: skip
        if unfinished >= MAX_UNFINISHED_JOBS_PER_USER:
            raise TooManyJobs(PLAN_TEXTS.text("too_many_jobs", count=unfinished),
                              extra={"retry_after": 60})  # fmt: skip
        job = SolveJob(
            year=year,
            county=county,
            parent_plan_id=parent_plan_id,
            pins=[p.model_dump() for p in pins or []],
            settings=settings.model_dump(),
            unpin=list(unpin or []),
            created_by=actor,
        )
        session.add(job)
        session.commit()
    if _web_runs_solves():
        dispatch(engine, max_processes)
    return get_job(engine, job.id) or job  # type: ignore[arg-type]


class TooManyJobs(RateLimited):
    """The user already has :data:`MAX_UNFINISHED_JOBS_PER_USER` jobs queued or running."""


def get_job(engine: Engine, job_id: int, *, visible_to: str | None = None) -> SolveJob | None:
    """The job, or None; with ``visible_to`` only a job that user started (a school clerk sees
    their own solve jobs only)."""
    multiprocessing.active_children()  # reap finished solver processes
    with Session(engine, expire_on_commit=False) as session:
        job = session.get(SolveJob, job_id)
    if job is not None and visible_to is not None and job.created_by != visible_to:
        return None
    return job


def stop_job(engine: Engine, job_id: int, max_processes: int | None = None) -> SolveJob | None:
    """Terminate a running job's process, or withdraw a queued job, and mark it stopped (a
    finished job is left as is); the next queued job may then start."""
    # One conditional UPDATE, not a read then a write: a job process that finishes its job
    # takes the next queued one in the same process, so a pid read before that finish could
    # belong to another job by the time it is signalled. Once this UPDATE has committed, the
    # job's process can record nothing more (``_set`` refuses a stopped job) and so cannot
    # move on to another job: the pid it returns is still this job's.
    with engine.begin() as connection:
        held = connection.execute(
            update(SolveJob)
            .where(SolveJob.id == job_id, SolveJob.status.not_in(FINISHED))
            .values(status="stopped", stage="stopped", slot=None, finished_at=utcnow())
            .returning(SolveJob.pid, SolveJob.runner)
        ).one_or_none()
    if held is not None and held.pid and held.runner == RUNNER:
        with contextlib.suppress(ProcessLookupError):
            os.kill(held.pid, signal.SIGTERM)
    job = get_job(engine, job_id)
    if held is None:
        return job  # unknown, or finished before the stop: left as it is
    if _web_runs_solves():
        dispatch(engine, max_processes)
    return job


def claim_next(engine: Engine, runner: str, max_processes: int) -> int | None:
    """Claim the oldest queued job for ``runner`` in one of its free slots (1..max_processes);
    the job's id, or None when nothing is queued or every slot is held.

    The claim is one UPDATE of one row, conditional on the row still being queued; the unique
    ``(runner, slot)`` pair refuses a slot another claimer took first (then the next slot is
    tried). A claimer that loses the row itself to another one tries again."""
    with Session(engine) as session:
        held = set(session.scalars(
            select(SolveJob.slot).where(SolveJob.runner == runner, SolveJob.slot.is_not(None))
        ))  # fmt: skip
    oldest = (
        select(SolveJob.id)
        .where(SolveJob.status == "queued")
        .order_by(SolveJob.id)
        .limit(1)
        .scalar_subquery()
    )
    for slot in range(1, max_processes + 1):
        if slot in held:
            continue
        for _ in range(5):  # lost the row to another claimer: the next oldest, a few times
            try:
                with engine.begin() as connection:
                    claimed = connection.execute(
                        update(SolveJob)
                        .where(SolveJob.id == oldest, SolveJob.status == "queued")
                        .values(status="running", stage="building", runner=runner, slot=slot,
                                pid=None, started_at=utcnow())  # fmt: skip
                        .returning(SolveJob.id)
                    ).scalar()
            except IntegrityError:
                break  # this slot was taken meanwhile: try the next one
            if claimed is not None:
                return claimed
            with Session(engine) as session:
                if session.scalar(select(SolveJob.id).where(SolveJob.status == "queued")) is None:
                    return None
    return None


def _process_alive(pid: int, started_at: dt.datetime | None) -> bool:
    """Whether ``pid`` is still the process that claimed a job at ``started_at`` (a pid the
    system gave to a newer process does not count; neither does a zombie)."""
    import psutil

    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        created = dt.datetime.fromtimestamp(process.create_time(), dt.UTC)
    except psutil.Error:
        return False
    if started_at is None:
        return True
    started = started_at if started_at.tzinfo else started_at.replace(tzinfo=dt.UTC)
    return created <= started + STARTING_GRACE


def recover_lost_jobs(engine: Engine, runner: str = RUNNER) -> list[int]:
    """Mark failed the running jobs of ``runner`` whose process is gone (their slot released),
    and any running job without a runner (left by a version before runners were recorded);
    returns their ids. Only this machine can see its processes, so only its jobs are judged."""
    multiprocessing.active_children()
    now = utcnow()
    lost = []
    with Session(engine) as session:
        running = session.scalars(select(SolveJob).where(SolveJob.status == "running")).all()
        for job in running:
            if job.runner not in (runner, None):
                continue
            if job.runner is not None and job.pid is None:
                started = job.started_at
                if started is not None and started.tzinfo is None:
                    started = started.replace(tzinfo=dt.UTC)
                if started is not None and now - started < STARTING_GRACE:
                    continue  # claimed a moment ago; its process is being started
            elif job.runner is not None and _process_alive(job.pid, job.started_at):  # type: ignore[arg-type]
                continue
            lost.append(job.id)
        for job_id in lost:
            session.execute(
                update(SolveJob)
                .where(SolveJob.id == job_id, SolveJob.status == "running")
                .values(status="failed", stage="failed", slot=None, finished_at=now,
                        error=LOST_PROCESS_ERROR)  # fmt: skip
            )
        session.commit()
    return lost


def dispatch(engine: Engine, max_processes: int | None = None) -> list[int]:
    """Recover this machine's lost jobs, then start a process for each queued job a free slot
    allows; returns the ids of the jobs started."""
    limit = _cap(max_processes)
    recover_lost_jobs(engine)
    url = engine.url.render_as_string(hide_password=False)
    started = []
    while (job_id := claim_next(engine, RUNNER, limit)) is not None:
        process = multiprocessing.get_context("spawn").Process(
            target=_run, args=(job_id, url, limit), name=f"solve-job-{job_id}", daemon=False
        )
        process.start()
        with engine.begin() as connection:  # unless the process recorded itself already
            connection.execute(
                update(SolveJob)
                .where(SolveJob.id == job_id, SolveJob.pid.is_(None))
                .values(pid=process.pid)
            )
        started.append(job_id)
    return started


def run_worker(
    engine: Engine,
    max_processes: int | None = None,
    *,
    poll_s: float = 2.0,
    keep_going: Callable[[], bool] = lambda: True,
) -> None:
    """``workforce worker``: dispatch queued jobs on this machine every ``poll_s`` seconds while
    ``keep_going()``; the job processes it starts outlive it (a restart recovers nothing twice)."""
    while keep_going():
        dispatch(engine, max_processes)
        time.sleep(poll_s)


def _set(engine: Engine, job_id: int, **values: object) -> SolveJob:
    """Record ``values`` on the job unless it was stopped (then end the process's work on it:
    ``SystemExit``). One conditional UPDATE, so a stop committed a moment earlier is never
    overwritten with "done" or "failed"."""
    with engine.begin() as connection:
        changed = connection.execute(
            update(SolveJob)
            .where(SolveJob.id == job_id, SolveJob.status != "stopped")
            .values(**values)
        ).rowcount
    if changed != 1:
        raise SystemExit(0)
    job = get_job(engine, job_id)
    assert job is not None
    return job


def _finish_with_draft(session: Session, job_id: int, plan_id: int) -> bool:
    """Record the job done with its draft ``plan_id`` in the draft's own transaction, then
    commit both; False (the draft rolled back, never kept) when the job is no longer running —
    stopped, or judged lost, before this commit. One conditional UPDATE in that transaction,
    not a second transaction after it: a stop pressed between the two would otherwise leave a
    committed draft that no job names. A stop sent meanwhile waits for this transaction (the
    write lock on SQLite, the job's row on PostgreSQL), then finds the job done."""
    finished = session.execute(
        update(SolveJob)
        .where(SolveJob.id == job_id, SolveJob.status == "running")
        .values(status="done", stage="done", plan_id=plan_id, slot=None, finished_at=utcnow())
    ).rowcount
    if finished != 1:
        session.rollback()
        return False
    session.commit()
    return True


def _level_recorder(engine: Engine, job_id: int) -> Callable[[int, ObjectiveLevel], None]:
    """The solver's ``on_level`` for a job: each settled level is added to ``SolveJob.levels``
    at once (its own short transaction, like the stage), so the job page shows it while the
    later levels are still being solved. A job stopped meanwhile ends the solve
    (``SystemExit``, as every :func:`_set` does)."""
    settled: list[dict] = []

    def record(number: int, level: ObjectiveLevel) -> None:
        settled.append({"number": number, **level.model_dump(mode="json")})
        _set(engine, job_id, levels=list(settled))

    return record


def _run(job_id: int, database_url: str, max_processes: int) -> None:
    """The job process: run the claimed job, then claim and run queued ones until none is left."""
    engine = make_engine(database_url)
    try:
        next_id: int | None = job_id
        while next_id is not None:
            runner_slot_held = _run_one(engine, next_id)
            if not runner_slot_held:
                break  # stopped: the process is being ended
            next_id = claim_next(engine, RUNNER, max_processes)
    finally:
        engine.dispose()


def _run_one(engine: Engine, job_id: int) -> bool:
    """Build or load the instance, solve, keep the draft, report; False once the job was
    stopped (then this process ends instead of taking the next job)."""
    try:
        job = _set(engine, job_id, stage="building", pid=os.getpid())
        settings = SolveSettings.model_validate(job.settings)
        pins = [Pin.model_validate(p) for p in job.pins]
        from workforce.plans.lifecycle import propose_plan, resolve_plan

        on_level = _level_recorder(engine, job_id)
        with Session(engine, expire_on_commit=False) as session:
            _set(engine, job_id, stage="solving")
            if job.parent_plan_id is not None:
                record, _, _ = resolve_plan(
                    session,
                    job.parent_plan_id,
                    pins=pins,
                    actor=job.created_by,
                    settings=settings,
                    unpin=job.unpin,
                    on_level=on_level,
                )
            else:
                record, _, _ = propose_plan(
                    session, year=job.year, actor=job.created_by, settings=settings, pins=pins,
                    county=job.county, on_level=on_level,
                )  # fmt: skip
            if not _finish_with_draft(session, job_id, record.id):  # type: ignore[arg-type]
                return False
        return True
    except SystemExit:
        return False
    except DemandError as exc:  # registry data the plan needs: a problem to fix, not a crash
        _set(engine, job_id, status="failed", stage="failed", slot=None, finished_at=utcnow(),
             error=f"无法生成方案：{exc.zh} / cannot make the plan: {exc.en}")  # fmt: skip
        return True
    except Exception as exc:  # the job must record any failure, whatever it is
        try:
            _set(
                engine,
                job_id,
                status="failed",
                stage="failed",
                slot=None,
                finished_at=utcnow(),
                error=f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}",
            )
        except SystemExit:
            return False
        return True
