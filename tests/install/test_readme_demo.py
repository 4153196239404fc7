"""The README's first command at full size: ``workforce demo`` with its defaults (the 3,400-teacher
sample district) prints the figures the README states — the district's size, a plan proven
optimal in all its levels, every quota met, and the rural shortages it fills."""

from __future__ import annotations

import re
from pathlib import Path

from sqlmodel import Session, select
from typer.testing import CliRunner

from optimizer import Instance
from workforce import config, db
from workforce.cli import app
from workforce.models import RotationPlan

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _readme_number(pattern: str) -> int:
    found = re.search(pattern, README)
    assert found, pattern
    return int(found.group(1).replace(",", ""))


def test_the_readme_demo_prints_the_figures_the_readme_states(env, tmp_path):
    env.setenv("WORKFORCE_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    config.get_settings.cache_clear()
    db.get_engine.cache_clear()
    result = CliRunner().invoke(app, ["demo"], catch_exceptions=False)
    out = result.output
    assert result.exit_code == 0, out

    public = _readme_number(r"about ([\d,]+)\s+public\s+primary\s+and\s+secondary\s+teachers")
    assert f"公办中小学教师 {public} 人" in out
    status = re.search(r"方案状态：(\w+)；交流 (\d+) 人；相对差距 ([\d.]+)%", out)
    assert status and status.group(1) == "最优" and float(status.group(3)) == 0.0
    quotas = re.findall(r"：(\d+)/(\d+)（(达标|未达标)，余量 (-?\d+)）", out)
    assert len(quotas) == 2 and all(q[2] == "达标" and int(q[0]) >= int(q[1]) for q in quotas)
    schools = re.search(r"(\d+)/(\d+) 所学校达标", out)
    assert schools and schools.group(1) == schools.group(2)
    filled = re.findall(r"^    \S+: (\d+)/(\d+)$", out, flags=re.M)
    assert len(filled) >= 10 and sum(int(f) for f, _ in filled) > 0
    assert "方案工作簿：" in out and (tmp_path / "home" / "output").is_dir()

    # "rotation plan, sample district, N teachers in scope … all three levels proven optimal"
    in_scope = _readme_number(r"sample\s+district,\s+([\d,]+)\s+teachers\s+in\s+scope")
    with Session(db.get_engine()) as session:
        record = session.exec(select(RotationPlan)).one()
    instance = Instance.model_validate_json(record.instance_json)
    assert len(instance.teachers) == in_scope
