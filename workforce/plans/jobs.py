"""Solve jobs: a solve runs in its own process with a time limit, reports its stage in the
database, and can be stopped — so a web server never blocks on the solver.

``start_solve_job`` records a job and starts a *spawned* process (a fresh interpreter: no
inherited database connections or threads) that builds the instance (or takes the parent plan's
instance and adds pins), solves it, keeps the draft plan and marks the job done. A crash marks
the job failed with the error; ``stop_job`` terminates the process and marks the job stopped.
The job row is the only shared state, so any web worker can report or stop any job.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import traceback

from sqlalchemy.engine import Engine
from sqlmodel import Session

from optimizer import Pin, SolveSettings
from workforce.db import make_engine
from workforce.models import SolveJob, utcnow
from workforce.plans.lifecycle import propose_plan, resolve_plan

FINISHED = ("done", "failed", "stopped")


def start_solve_job(
    engine: Engine,
    *,
    year: int,
    actor: str,
    settings: SolveSettings,
    parent_plan_id: int | None = None,
    pins: list[Pin] | None = None,
    unpin: list[str] | None = None,
) -> SolveJob:
    """Record a job and start its process; returns at once with the queued job.

    ``unpin`` (staff numbers whose pins in the parent plan are dropped) only applies to a
    re-solve.
    """
    multiprocessing.active_children()  # reap finished solver processes
    with Session(engine, expire_on_commit=False) as session:
        job = SolveJob(
            year=year,
            parent_plan_id=parent_plan_id,
            pins=[p.model_dump() for p in pins or []],
            settings=settings.model_dump(),
            unpin=list(unpin or []),
            created_by=actor,
        )
        session.add(job)
        session.commit()
    url = engine.url.render_as_string(hide_password=False)
    process = multiprocessing.get_context("spawn").Process(
        target=_run, args=(job.id, url), name=f"solve-job-{job.id}", daemon=False
    )
    process.start()
    with Session(engine, expire_on_commit=False) as session:
        stored = session.get(SolveJob, job.id)
        if stored is not None and stored.pid is None:
            stored.pid = process.pid
            session.commit()
        return stored or job


def get_job(engine: Engine, job_id: int) -> SolveJob | None:
    multiprocessing.active_children()
    with Session(engine, expire_on_commit=False) as session:
        return session.get(SolveJob, job_id)


def stop_job(engine: Engine, job_id: int) -> SolveJob | None:
    """Terminate a running job's process and mark it stopped (a finished job is left as is)."""
    with Session(engine, expire_on_commit=False) as session:
        job = session.get(SolveJob, job_id)
        if job is None or job.status in FINISHED:
            return job
        if job.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(job.pid, signal.SIGTERM)
        job.status = "stopped"
        job.finished_at = utcnow()
        session.commit()
    multiprocessing.active_children()
    return job


def _set(engine: Engine, job_id: int, **values: object) -> SolveJob:
    with Session(engine, expire_on_commit=False) as session:
        job = session.get(SolveJob, job_id)
        assert job is not None
        if job.status == "stopped":
            raise SystemExit(0)
        for key, value in values.items():
            setattr(job, key, value)
        session.commit()
        return job


def _run(job_id: int, database_url: str) -> None:
    """The job process: build or load the instance, solve, keep the draft, report."""
    engine = make_engine(database_url)
    try:
        job = _set(
            engine, job_id, status="running", stage="building", pid=os.getpid(), started_at=utcnow()
        )
        settings = SolveSettings.model_validate(job.settings)
        pins = [Pin.model_validate(p) for p in job.pins]
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
                )
            else:
                record, _, _ = propose_plan(
                    session, year=job.year, actor=job.created_by, settings=settings, pins=pins
                )
            session.commit()
        _set(engine, job_id, status="done", stage="done", plan_id=record.id, finished_at=utcnow())
    except SystemExit:
        pass
    except Exception as exc:  # the job must record any failure, whatever it is
        _set(
            engine,
            job_id,
            status="failed",
            stage="failed",
            finished_at=utcnow(),
            error=f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}",
        )
    finally:
        engine.dispose()
