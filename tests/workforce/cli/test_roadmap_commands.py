"""`workforce roadmap` as the personnel office runs it: per year moves, quotas, shortages and
returns in Chinese (English on request), the first year checked; bad input named; read-only."""

import json

from sqlmodel import Session, func, select
from typer.testing import CliRunner

from workforce.cli import app
from workforce.models import AuditLog, RotationPlan

from ..district import build_small_district

runner = CliRunner()


def _invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _counts(engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (
            session.exec(select(func.count()).select_from(RotationPlan)).one(),
            session.exec(select(func.count()).select_from(AuditLog)).one(),
        )


def test_roadmap_in_chinese_with_moves_and_json(engine, tmp_path):
    with Session(engine) as session:
        build_small_district(session)
    before = _counts(engine)
    out = tmp_path / "roadmap.json"
    result = _invoke(
        "roadmap",
        "--from",
        "2026",
        "--years",
        "3",
        "--moves",
        "--json",
        str(out),
        "--time-limit",
        "30",
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "交流轮岗路线图 2026–2028（已证明最优）"
    years = [line for line in lines if line.startswith(("2026年度", "2027年度", "2028年度"))]
    assert len(years) == 3
    assert years[0].startswith("2026年度（报批方案）：交流 ")
    assert all("（预测）" in line for line in years[1:])
    assert any(
        line.startswith("    全区交流人数不低于在编教师总数的规定比例（全区）：要求 ")
        for line in lines
    )
    assert any("→ R1学校（R1）  体育" in line or "→ R2学校（R2）  体育" in line for line in lines)
    assert "首年方案经独立复核：符合全部规则" in lines
    assert any(line.startswith("  招生规模按首年不变（无招生预测数据）") for line in lines)
    assert not any("_" in line for line in lines if "（" in line and "schema" not in line)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [y["year"] for y in data["years"]] == [2026, 2027, 2028]
    assert data["first_year_findings"] == []
    assert _counts(engine) == before  # a roadmap is not a registry change


def test_roadmap_in_english(engine):
    with Session(engine) as session:
        build_small_district(session)
    result = _invoke("roadmap", "--from", "2026", "--years", "2", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "rotation roadmap 2026–2027 (proven optimal)\n2026 (plan to approve): "
    )
    assert "first year checked independently: valid" in result.output


def test_bad_input_is_named(engine):
    with Session(engine) as session:
        build_small_district(session)
    too_long = _invoke("roadmap", "--from", "2026", "--years", "7")
    county = _invoke("roadmap", "--from", "2026", "--county", "某县", "--lang", "en")
    year = _invoke("roadmap", "--from", "1990")
    assert [r.exit_code for r in (too_long, county, year)] == [2, 2, 2]
    assert "规划年数须为 1–6（交流期加冷静期），不能为 7" in too_long.output
    assert "unknown county '某县'" in county.output
    assert "起始年度 1990 不在 2000–2100 之间" in year.output
