"""`workforce whatif candidates|destinations` as the personnel office runs them: teachers and
schools named, the change of every level shown, the exclusions grouped; bad input named."""

from sqlmodel import Session, func, select
from typer.testing import CliRunner

from workforce.cli import app
from workforce.models import AuditLog, RotationPlan

from ..district import build_small_district

runner = CliRunner()


def _invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _plans_and_audit(engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (session.exec(select(func.count()).select_from(RotationPlan)).one(),
                session.exec(select(func.count()).select_from(AuditLog)).one())


def test_candidates_in_chinese_on_the_kept_plan(engine):
    with Session(engine) as session:
        build_small_district(session)
    assert _invoke("plan", "--year", "2026", "--time-limit", "20").exit_code == 0
    before = _plans_and_audit(engine)
    result = _invoke("whatif", "candidates", "--school", "R1", "--subject", "体育", "--year",
                     "2026", "-k", "2")  # the subject by the name the reports print, or its code
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "R1学校（R1） 体育岗位的候选教师（自2026-09-01起）"
    assert lines[1] == "  比较基准：方案 #1（最优）"
    ranked = [line for line in lines if line[:3] in (" 1.", " 2.")]
    assert len(ranked) == 2
    assert all("（工号UPE" in line and "→ R1学校（R1）" in line and "体育" in line
               for line in ranked), ranked
    assert sum("农村学校缺口补充（加权）" in line and "意愿得分" in line for line in lines) == 2
    assert "未列入的原因：" in lines
    assert _plans_and_audit(engine) == before  # a question is not a registry change


def test_destinations_in_english_and_solved_when_no_plan_is_kept(engine):
    with Session(engine) as session:
        build_small_district(session)
    result = _invoke("whatif", "destinations", "--teacher", "UPE1", "--year", "2026",
                     "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("where 教师UPE1 (staff no. UPE1) could go (from 2026-09-01)\n"
                                    "  compared with a plan solved now from the registry")
    assert " 1. 教师UPE1 (staff no. UPE1)  U1学校 (U1) → " in result.output
    assert _plans_and_audit(engine)[0] == 0


def test_bad_input_is_named(engine):
    with Session(engine) as session:
        build_small_district(session)
    unknown_subject = _invoke("whatif", "candidates", "--school", "R1", "--subject", "xx",
                              "--year", "2026")
    unknown_school = _invoke("whatif", "candidates", "--school", "ZZ", "--subject", "pe",
                             "--year", "2026", "--lang", "en")
    unknown_plan = _invoke("whatif", "destinations", "--teacher", "UPE1", "--year", "2026",
                           "--plan", "99")
    bad_date = _invoke("whatif", "destinations", "--teacher", "UPE1", "--year", "2026",
                       "--from", "2026-13-01")
    outside = _invoke("whatif", "destinations", "--teacher", "UPE1", "--year", "2026",
                      "--from", "2028-01-01")
    assert [r.exit_code for r in (unknown_subject, unknown_school, unknown_plan, bad_date,
                                  outside)] == [2, 2, 2, 2, 2]
    assert "--from 不是有效日期：“2026-13-01”" in bad_date.output
    assert "起始日期2028-01-01不在2026学年内" in outside.output
    assert "--subject：未知学科“xx”；可用：语文、" in unknown_subject.output
    assert "unknown school code 'ZZ'" in unknown_school.output
    assert "2026年度没有编号为 #99 的方案" in unknown_plan.output
