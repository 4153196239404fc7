"""A solve job's page shows each objective level the solver has settled while the job runs —
that a plan exists, its value, whether proven optimal or how far from its bound — and the
status it polls carries the same lines, in the page's language."""

from __future__ import annotations

import pytest
from page_helpers import signed_in
from sqlmodel import Session

from workforce.models import SolveJob

pytestmark = pytest.mark.usefixtures("plan_district")

LEVELS = [
    {
        "number": 1,
        "name": "rural_shortage_filled",
        "sense": "max",
        "value": 490.0,
        "bound": 490.0,
        "relative_gap": 0.0,
        "proven_optimal": True,
    },
    {
        "number": 2,
        "name": "preference",
        "sense": "max",
        "value": 50.0,
        "bound": 52.0,
        "relative_gap": 0.04,
        "proven_optimal": False,
    },
    {
        "number": 3,
        "name": "distance",
        "sense": "min",
        "value": None,
        "bound": None,
        "relative_gap": None,
        "proven_optimal": False,
    },
]


def _running_job(engine, levels: list[dict]) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        job = SolveJob(year=2026, created_by="hr", status="running", stage="solving",
                       levels=levels)  # fmt: skip
        session.add(job)
        session.commit()
        assert job.id is not None
        return job.id


def test_the_running_job_shows_its_settled_levels_in_chinese_and_english(app, engine):
    job_id = _running_job(engine, LEVELS)
    hr = signed_in(app, "hr")
    page = hr.get(f"/plans/jobs/{job_id}").text
    lines = [
        "第1层 农村学校缺口补充（加权）：490（已证明最优）",
        "第2层 意愿得分：50（未证明最优，与界 52 差距 4.00%）",
        "第3层 交流总距离（公里）：—（时限内未求得）",
    ]
    assert all(f"<li>{line}</li>" in page for line in lines), page
    assert "已有可行方案，正在求解后续目标层" in page
    state = hr.get(f"/plans/jobs/{job_id}/status").json()
    assert state["level_lines"] == lines and state["first_plan"] is True
    assert [level["number"] for level in state["levels"]] == [1, 2, 3]

    english = hr.get(f"/plans/jobs/{job_id}/status?lang=en").json()["level_lines"]
    assert english == [
        "Level 1, rural shortage slots filled (weighted): 490 (proven optimal)",
        "Level 2, preference score: 50 (not proven, 4.00% from the bound 52)",
        "Level 3, total distance (km): — (not solved within the time limit)",
    ]


def test_a_job_with_no_level_yet_shows_none(app, engine):
    job_id = _running_job(engine, [])
    hr = signed_in(app, "hr")
    page = hr.get(f"/plans/jobs/{job_id}").text
    assert 'data-testid="job-levels" hidden' in page and "<li>" not in page
    state = hr.get(f"/plans/jobs/{job_id}/status").json()
    assert state["level_lines"] == [] and state["first_plan"] is False
