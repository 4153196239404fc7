"""``workforce demo`` on a temporary database, through Typer's CliRunner."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session
from typer.testing import CliRunner

from workforce import config, db
from workforce.cli import app
from workforce.models import School, Teacher
from workforce.rules.demand import demand_by_school


@pytest.fixture
def demo_db(env: pytest.MonkeyPatch, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    env.setenv("WORKFORCE_DATABASE_URL", url)
    config.get_settings.cache_clear()
    db.get_engine.cache_clear()
    return url


def _teachers(url: str) -> int:
    engine = db.make_engine(url)
    with Session(engine) as session:
        count = session.scalar(select(func.count()).select_from(Teacher)) or 0
    engine.dispose()
    return count


def test_demo_loads_once_summarises_and_proposes_the_plan(demo_db: str, tmp_path: Path) -> None:
    runner = CliRunner()
    workbook = tmp_path / "plan.xlsx"
    first = runner.invoke(
        app, ["demo", "--teachers", "300", "--seed", "4", "--plan-out", str(workbook)]
    )
    assert first.exit_code == 0, first.output
    assert "样本区概况" in first.output
    assert "农村义务教育学校缺编" in first.output and "体育" in first.output
    assert "区级骨干教师" in first.output
    assert "2026年交流轮岗方案（草稿 #1）" in first.output
    assert "全区交流人数不低于在编教师总数的规定比例" in first.output
    assert "未达标" not in first.output
    assert "农村学校学科缺口补充" in first.output
    assert workbook.exists()
    loaded = _teachers(demo_db)
    assert loaded > 300

    again = runner.invoke(app, ["demo", "--plan-out", str(workbook)])
    assert again.exit_code == 0, again.output
    assert "未重复载入" in again.output
    assert _teachers(demo_db) == loaded


def test_reset_rebuilds_and_bad_options_leave_data_alone(demo_db: str, tmp_path: Path) -> None:
    runner = CliRunner()
    out = ["--plan-out", str(tmp_path / "plan.xlsx")]
    assert runner.invoke(app, ["demo", "--teachers", "300", *out]).exit_code == 0
    loaded = _teachers(demo_db)

    bad = runner.invoke(app, ["demo", "--reset", "--teachers", "50"])
    assert bad.exit_code == 2
    assert "至少需要100名教师" in bad.output
    assert _teachers(demo_db) == loaded

    declined = runner.invoke(app, ["demo", "--reset", "--teachers", "200", *out], input="n\n")
    assert declined.exit_code == 2, declined.output
    assert f"（{loaded} 名教师、" in declined.output and "条审计记录）并重建示例区？" in declined.output
    assert "未清空，数据库未改动" in declined.output
    assert _teachers(demo_db) == loaded  # nothing dropped

    rebuilt = runner.invoke(app, ["demo", "--reset", "--teachers", "200", *out], input="y\n")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert 0 < _teachers(demo_db) < loaded
    engine = db.make_engine(demo_db)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(School)) > 0
    engine.dispose()


def test_english_summary(demo_db: str, env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("WORKFORCE_LANGUAGE", "en")
    config.get_settings.cache_clear()
    result = CliRunner().invoke(
        app,
        ["demo", "--teachers", "150", "--plan-out", str(tmp_path / "plan.xlsx")],
    )
    assert result.exit_code == 0, result.output
    assert "Rural compulsory schools' shortages" in result.output


def test_the_summary_shortages_are_the_slots_the_plan_fills(demo_db: str, tmp_path: Path) -> None:
    """The overview's rural shortages cover the schools the plan covers (compulsory schools):
    per subject, the overview's figure is the plan's total of slots (``体育: 51/51`` under
    ``体育 51``), though the sample district has a rural senior high school short of teachers."""
    runner = CliRunner()
    result = runner.invoke(app, ["demo", "--plan-out", str(tmp_path / "plan.xlsx")])
    assert result.exit_code == 0, result.output
    engine = db.make_engine(demo_db)
    with Session(engine) as session:
        senior = {s.id for s in session.scalars(select(School).where(
            School.zone == "rural", School.level == "senior"))}  # fmt: skip
        outside = sum(
            d.shortage_slots
            for demand in demand_by_school(session, dt.date.today()).values()
            if demand.school_id in senior
            for d in demand.subjects.values()
        )
    engine.dispose()
    assert outside > 0  # a shortage the plan does not cover exists, and is not counted
    [line] = [ln for ln in result.output.splitlines() if ln.startswith("农村义务教育学校缺编")]
    overview = {s: int(n) for s, n in re.findall(r"([^\s：、]+) (\d+)", line.split("：", 1)[1])}
    start = result.output.index("农村学校学科缺口补充")
    plan = {
        s: int(total)
        for s, total in re.findall(r"^\s+([^\s:]+): \d+/(\d+)$", result.output[start:], re.M)
    }
    assert len(plan) >= 10 and overview == plan
