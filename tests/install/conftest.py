"""Fixtures of the installation tests: a private PostgreSQL server per module, and the child
processes a test starts (servers, workers, nginx), ended when the test ends, whatever its
outcome."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A private PostgreSQL server for the module (scripts/postgres), stopped and removed after
    — also when it failed to start half-way (a timeout leaves a running server behind)."""
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"workforce-deploy-{os.getpid()}"
    try:
        yield subprocess.run(["bash", str(ROOT / "scripts" / "postgres")], check=True, text=True,
                             capture_output=True, env={**os.environ, "PGTEST_DIR": str(folder)},
                             timeout=120).stdout.strip()  # fmt: skip
    finally:
        subprocess.run(["bash", str(ROOT / "scripts" / "postgres"), "stop", str(folder)],
                       check=True, timeout=60)  # fmt: skip


def end_process_group(process: subprocess.Popen, grace_s: float = 30) -> int:
    """SIGTERM to the process's group (it was started with ``start_new_session``), SIGKILL to
    what is left after ``grace_s``; returns the exit code."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # the group's stragglers (a solver, a worker)
    return process.wait(timeout=grace_s)


@pytest.fixture
def started() -> Iterator[Callable[..., subprocess.Popen]]:
    """``started(argv, **popen)``: a child in a session of its own, its whole group ended when
    the test ends (passed or failed)."""
    children: list[subprocess.Popen] = []

    def start(argv: list[str], **popen: object) -> subprocess.Popen:
        child = subprocess.Popen(argv, start_new_session=True, **popen)  # type: ignore[call-overload]
        children.append(child)
        return child

    yield start
    for child in reversed(children):
        end_process_group(child)
