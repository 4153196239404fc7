"""`workforce serve`: how the server is started (uvicorn's own start is replaced here by a
recorder — what is checked is what the command hands it and its worker processes)."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from workforce import config
from workforce.cli import app
from workforce.sample import generate_district, load_district

runner = CliRunner()


@pytest.mark.parametrize(
    ("cores", "workers", "configured", "each"),
    [
        (2, 1, None, None),  # one process: its own default, the cores
        (2, 4, None, "1"),  # more workers than cores: one each, not 2 × 4
        (8, 3, None, "2"),
        (8, 2, "3", "3"),  # configured: as configured
    ],
)  # fmt: skip
def test_worker_processes_share_the_solve_slots_of_the_machine(
    env, engine, monkeypatch, cores, workers, configured, each
):  # type: ignore[no-untyped-def]
    """Each process holds its own solve slots, by default one per core: `serve --workers 4`
    on 2 cores let 8 what-if solves run at once. The processes now share the cores out."""
    import uvicorn

    load_district(engine, generate_district(teachers=100, seed=5))
    # set through monkeypatch, so that what `serve` writes into the environment goes after
    env.setenv("WORKFORCE_SOLVES_AT_ONCE", configured or "unset")
    if configured is None:
        env.delenv("WORKFORCE_SOLVES_AT_ONCE")
    config.get_settings.cache_clear()
    started = []
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: started.append(
        (k["workers"], os.environ.get("WORKFORCE_SOLVES_AT_ONCE"))))  # fmt: skip
    result = runner.invoke(app, ["serve", "--workers", str(workers)])
    assert result.exit_code == 0, result.output
    assert started == [(workers, each)]
    if each is not None:
        config.get_settings.cache_clear()
        assert config.get_settings().solves_at_once == int(each)  # as each worker reads it
