"""`workforce whatif policy|marginal` as the personnel office runs them: the changes named with
their source, current and simulated side by side, the binding rules ranked in words; bad
changes named; nothing in the registry changes."""

from sqlmodel import Session, func, select
from typer.testing import CliRunner

from optimizer.simulate import PolicyChanges, simulate
from workforce.cli import app
from workforce.models import AuditLog, RotationPlan
from workforce.plans import load_plan

from ..district import build_small_district

runner = CliRunner()


def _invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _plans_and_audit(engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (
            session.exec(select(func.count()).select_from(RotationPlan)).one(),
            session.exec(select(func.count()).select_from(AuditLog)).one(),
        )


def test_policy_simulation_in_chinese_matches_the_optimizer(engine):
    with Session(engine) as session:
        build_small_district(session)
    assert _invoke("plan", "--year", "2026", "--time-limit", "20").exit_code == 0
    before = _plans_and_audit(engine)
    result = _invoke(
        "whatif",
        "policy",
        "--year",
        "2026",
        "--set",
        "quotas.school_share=0.15",
        "--set",
        "eligibility.min_years_at_school=3",
        "--posts",
        "R1=+1",
        "--time-limit",
        "20",
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "政策模拟：2026年度"
    assert lines[1] == "  比较基准：方案 #1（最优）"
    assert any(
        line.startswith("  调整：")
        and "（quotas.school_share）0.1 → 0.15" in line
        and "十四五" in line
        for line in lines
    ), lines
    assert any(line.startswith("  调整：R1学校核定编制") for line in lines), lines
    with Session(engine) as session:
        instance, plan = load_plan(session.get(RotationPlan, 1))
    direct = simulate(
        instance,
        plan,
        PolicyChanges(
            rules={"quotas.school_share": 0.15, "eligibility.min_years_at_school": 3},
            post_ceilings={"R1": 1},
        ),
    )
    assert direct.status == "optimal"
    assert f"  交流人数：当前 {len(plan.moves)}，模拟 {len(direct.plan.moves)}" in result.output
    assert "指标（要求/完成）：" in lines and "农村缺口补充（按学科）：" in lines
    assert "quota." not in result.output and "None" not in result.output
    impossible = _invoke(
        "whatif",
        "policy",
        "--year",
        "2026",
        "--set",
        "quotas.school_share=0.3",
        "--time-limit",
        "20",
    )
    assert impossible.exit_code == 0, impossible.output
    assert "模拟规则下没有满足全部规则的方案，冲突与最小放宽：" in impossible.output
    assert "  农村学校缺口补充（加权）：当前 10.0，模拟 —（—）" in impossible.output
    assert _plans_and_audit(engine) == before


def test_marginal_values_ranked_with_the_caveat(engine):
    with Session(engine) as session:
        build_small_district(session)
    result = _invoke("whatif", "marginal", "--year", "2026", "-k", "3")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("边际值（农村学校缺口补充（加权），线性松弛最优值")
    assert any(line.startswith(" 1. ") for line in lines), lines
    assert lines[-1].startswith("对偶值是局部变化率")
    english = _invoke("whatif", "marginal", "--year", "2026", "--level", "distance", "--lang", "en")
    assert english.exit_code == 0, english.output
    assert english.output.splitlines()[-1].startswith("a dual is a local rate")


def test_bad_changes_are_named(engine):
    with Session(engine) as session:
        build_small_district(session)
    unknown = _invoke("whatif", "policy", "--year", "2026", "--set", "quotas.urban_share=0.2")
    bad = _invoke("whatif", "policy", "--year", "2026", "--set", "quotas.school_share=2")
    school = _invoke("whatif", "policy", "--year", "2026", "--posts", "ZZ9=+1")
    form = _invoke("whatif", "policy", "--year", "2026", "--posts", "R1:+1")
    for result, named in (
        (unknown, "quotas.urban_share"),
        (bad, "quotas.school_share"),
        (school, "ZZ9"),
        (form, "R1:+1"),
    ):
        assert result.exit_code == 2, result.output
        assert named in result.output, result.output
    assert _plans_and_audit(engine)[0] == 0


def test_marginal_values_need_no_plan_solved(engine):
    with Session(engine) as session:
        build_small_district(session)
    result = _invoke("whatif", "marginal", "--year", "2026", "-k", "2", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("marginal values (rural shortage slots filled (weighted)")
    assert _plans_and_audit(engine) == (0, 0)  # nothing solved and kept, nothing audited


def test_a_registry_of_several_counties_needs_one_named(engine):
    with Session(engine) as session:
        schools = build_small_district(session)
        for code, county in (("U1", "东源县"), ("R1", "东源县"), ("R2", "和平县")):
            schools[code].county = county
            session.add(schools[code])
        session.commit()
    unnamed = _invoke("whatif", "marginal", "--year", "2026", "-k", "2")
    assert unnamed.exit_code == 2, unnamed.output
    assert "东源县" in unnamed.output and "和平县" in unnamed.output
    unknown = _invoke("whatif", "policy", "--year", "2026", "--county", "某县",
                      "--set", "quotas.school_share=0.2")  # fmt: skip
    assert unknown.exit_code == 2 and "某县" in unknown.output, unknown.output
    named = _invoke("whatif", "marginal", "--year", "2026", "-k", "2", "--county", "东源县")
    assert named.exit_code == 0, named.output
    assert _plans_and_audit(engine) == (0, 0)
