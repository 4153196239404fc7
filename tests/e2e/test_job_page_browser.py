"""The job page's script in a real browser: while a solve runs, each objective level the
solver settles appears on the page by itself (the page polls the job's status each second),
with no reload. The same real server and Chromium as :mod:`test_browser_workflow`; the job is
a row of the server's database, its levels written the way the job process writes them."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import update
from sqlmodel import Session
from test_browser_workflow import page, server, sign_in  # noqa: F401

from workforce.db import make_engine
from workforce.models import SolveJob

LEVEL_ONE = {
    "number": 1,
    "name": "rural_shortage_filled",
    "sense": "max",
    "value": 490.0,
    "bound": 490.0,
    "relative_gap": 0.0,
    "proven_optimal": True,
}
LEVEL_TWO = {
    "number": 2,
    "name": "preference",
    "sense": "max",
    "value": 52.0,
    "bound": 52.0,
    "relative_gap": 0.0,
    "proven_optimal": True,
}


def test_levels_appear_while_the_job_runs(page: Page, tmp_path: Path) -> None:  # noqa: F811
    engine = make_engine(f"sqlite:///{tmp_path / 'e2e.sqlite3'}")  # the server's database
    with Session(engine) as session:
        job = SolveJob(year=2026, created_by="admin", status="running", stage="solving")
        session.add(job)
        session.commit()
        job_id = job.id
    page.goto("/login")
    sign_in(page)
    page.goto(f"/plans/jobs/{job_id}")
    levels = page.get_by_test_id("job-levels")
    expect(levels).to_be_hidden()

    with engine.begin() as connection:
        connection.execute(update(SolveJob).where(SolveJob.id == job_id).values(
            levels=[LEVEL_ONE]))  # fmt: skip
    expect(levels).to_be_visible()
    expect(page.locator("#job-level-lines li")).to_have_text(
        ["第1层 农村学校缺口补充（加权）：490（已证明最优）"]
    )
    expect(page.locator("#job-first-plan")).to_be_visible()

    with engine.begin() as connection:
        connection.execute(update(SolveJob).where(SolveJob.id == job_id).values(
            levels=[LEVEL_ONE, LEVEL_TWO]))  # fmt: skip
    expect(page.locator("#job-level-lines li")).to_have_count(2)
    expect(page.locator("#job-level-lines li").nth(1)).to_have_text(
        "第2层 意愿得分：52（已证明最优）"
    )
    engine.dispose()
