"""`workforce plan`, `check-plan` and `plans …` as a user runs them."""

import datetime as dt
import json
import re

import openpyxl
from sqlmodel import Session, select
from typer.testing import CliRunner

from optimizer import Plan
from workforce.cli import app
from workforce.models import AuditLog, Exemption, RotationPlan, Teacher

from ..district import build_small_district

runner = CliRunner()


def _invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_plan_writes_json_that_check_plan_accepts(engine, tmp_path):
    with Session(engine) as session:
        build_small_district(session)
    out = tmp_path / "plan.json"
    result = _invoke("plan", "--year", "2026", "--time-limit", "20", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "方案草稿 #1 已保存" in result.output and "达标" in result.output
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["status"] == "optimal" and saved["relative_gap"] is not None
    move = saved["moves"][0]
    assert {"staff_no", "from_school", "to_school", "subject", "reasons"} <= set(move)
    checked = _invoke("check-plan", str(out))
    assert checked.exit_code == 0 and "通过校验" in checked.output
    # the file holds every teacher's full birth date: writing it is an unmasking on record, as
    # `plans export` and the web download are; a workbook (no birth dates) is none
    workbook = _invoke("plan", "--year", "2026", "--time-limit", "20",
                       "--out", str(tmp_path / "plan.xlsx"))
    assert workbook.exit_code == 0, workbook.output
    with Session(engine) as session:
        unmasked = session.exec(select(AuditLog).where(AuditLog.action == "unmask")).all()
    assert [(e.entity, e.entity_key, e.actor) for e in unmasked] == [
        ("rotation_plan", "1", "cli")]


def test_check_plan_names_the_broken_rule(engine, tmp_path):
    with Session(engine) as session:
        build_small_district(session)
    out = tmp_path / "plan.json"
    _invoke("plan", "--year", "2026", "--time-limit", "20", "--out", str(out))
    saved = json.loads(out.read_text(encoding="utf-8"))
    saved["moves"] = saved["moves"][:0]  # nobody moves: every quota fails
    out.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    result = _invoke("check-plan", str(out))
    assert result.exit_code == 1
    assert "quota" in result.output


def test_plan_workbook_has_chinese_sheets(engine, tmp_path):
    with Session(engine) as session:
        build_small_district(session)
    out = tmp_path / "plan.xlsx"
    assert _invoke("plan", "--year", "2026", "--out", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["概况", "交流名单", "指标完成情况", "学科缺口"]
    header = next(book["交流名单"].iter_rows(max_row=1, values_only=True))
    assert header[:3] == ("工号", "姓名", "原学校代码")


def test_approve_and_apply_from_the_command_line(engine):
    with Session(engine) as session:
        build_small_district(session)
    assert _invoke("plan", "--year", "2026").exit_code == 0
    assert "已审批" in _invoke("plans", "approve", "1", "--comment", "同意", "--yes").output
    applied = _invoke("plans", "apply", "1", "--yes")
    assert applied.exit_code == 0 and "已执行" in applied.output
    again = _invoke("plans", "apply", "1", "--yes")
    assert again.exit_code == 2 and "不能重复执行" in again.output


def test_approve_asks_for_a_comment_and_a_confirmation(engine):
    with Session(engine) as session:
        build_small_district(session)
    assert _invoke("plan", "--year", "2026").exit_code == 0
    missing = runner.invoke(app, ["plans", "approve", "1", "--yes"])
    assert missing.exit_code == 2 and "--comment" in missing.output
    declined = runner.invoke(app, ["plans", "approve", "1", "--comment", "同意"], input="n\n")
    assert declined.exit_code == 2 and "未审批" in declined.output
    confirmed = runner.invoke(app, ["plans", "approve", "1", "--comment", "同意"], input="y\n")
    assert confirmed.exit_code == 0 and "已审批" in confirmed.output
    with Session(engine) as session:
        record = session.get(RotationPlan, 1)
        assert record.approval_comment == "同意"
        moves = record.moves
    # the question names what is approved
    assert f"审批方案 #1（2026年度，草稿，交流{moves}人）？" in confirmed.output


def test_apply_asks_for_a_confirmation_naming_the_plan(engine):
    """Applying changes every mover's school: before, `plans apply` did it at once, without
    the question `approve` asks; and `approve 999` asked before saying there is no plan."""
    with Session(engine) as session:
        build_small_district(session)
    assert _invoke("plan", "--year", "2026").exit_code == 0
    assert _invoke("plans", "approve", "1", "--comment", "同意", "--yes").exit_code == 0
    declined = runner.invoke(app, ["plans", "apply", "1"], input="n\n")
    assert declined.exit_code == 2 and "未执行" in declined.output
    with Session(engine) as session:
        record = session.get(RotationPlan, 1)
        assert record.status == "approved"  # nothing applied
        moves = record.moves
    assert f"执行方案 #1（2026年度，已审批，交流{moves}人）？" in declined.output
    confirmed = runner.invoke(app, ["plans", "apply", "1"], input="y\n")
    assert confirmed.exit_code == 0 and "已执行" in confirmed.output
    checked = 0
    refusals = {  # no question first about a plan that is not there, or not in that state
        ("plans", "apply", "999"): "999",
        ("plans", "approve", "999", "--comment", "x"): "999",
        ("plans", "apply", "1"): "不能重复执行",
        ("plans", "approve", "1", "--comment", "x"): "只有草稿可以审批",
    }
    for command, said in refusals.items():
        refused = runner.invoke(app, list(command), input="y\n")
        assert refused.exit_code == 2 and said in refused.output, command
        assert "？" not in refused.output, command
        checked += 1
    assert checked == 4


def test_apply_refuses_a_mover_exempted_after_approval(engine):
    with Session(engine) as session:
        build_small_district(session)
    assert _invoke("plan", "--year", "2026").exit_code == 0
    assert _invoke("plans", "approve", "1", "--comment", "同意", "--yes").exit_code == 0
    with Session(engine) as session:
        move = Plan.model_validate_json(session.get(RotationPlan, 1).plan_json).moves[0]
        teacher = session.exec(select(Teacher).where(Teacher.staff_no == move.staff_no)).one()
        teacher_id, school_id = teacher.id, teacher.school_id
        session.add(
            Exemption(
                teacher_id=teacher_id,
                reason="pregnancy",
                from_on=dt.date(2026, 5, 1),
                until_on=dt.date(2027, 6, 30),
            )
        )
        session.commit()
    for language, word in (("zh", "未执行"), ("en", "nothing was applied")):
        refused = _invoke("plans", "apply", "1", "--yes", "--lang", language)
        assert refused.exit_code == 2 and word in refused.output
        assert f"{move.staff_no} {move.name}" in refused.output
    with Session(engine) as session:
        assert session.get(RotationPlan, 1).status == "approved"
        assert session.get(Teacher, teacher_id).school_id == school_id


def test_plan_without_a_database_says_what_to_do(env, tmp_path):
    env.setenv("WORKFORCE_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    from workforce import config, db

    config.get_settings.cache_clear()
    db.get_engine.cache_clear()
    result = _invoke("plan", "--year", "2026")
    assert result.exit_code == 2 and "workforce demo" in result.output


def _saved_plan(engine, tmp_path):
    with Session(engine) as session:
        build_small_district(session)
    out = tmp_path / "plan.json"
    assert _invoke("plan", "--year", "2026", "--time-limit", "20", "--out", str(out)).exit_code == 0
    return out, json.loads(out.read_text(encoding="utf-8"))


def test_check_plan_refuses_a_forged_level_one_value(engine, tmp_path):
    out, saved = _saved_plan(engine, tmp_path)
    level = saved["objectives"][0]
    level["value"] = level["bound"] = saved["best_bound"] = level["value"] + 30
    out.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    result = _invoke("check-plan", str(out))
    assert result.exit_code == 1
    assert "[plan.objective]" in result.output and "农村学校缺口补充（加权）报告为" in result.output
    assert "[plan.registry]" in result.output  # and the registry's copy says otherwise


def test_check_plan_refuses_an_instance_edited_after_solving(engine, tmp_path):
    """An exemption deleted and the hash recomputed by the forger: the file agrees with itself,
    the registry's copy does not."""
    from optimizer import Instance
    from optimizer.certify import instance_sha256

    out, saved = _saved_plan(engine, tmp_path)
    teachers = saved["instance"]["teachers"]
    teachers[0]["exemptions"] = [{"reason": "illness", "from": "2026-01-01", "until": None}]
    out.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    edited = _invoke("check-plan", str(out))
    assert edited.exit_code == 1 and "[plan.instance]" in edited.output
    saved["provenance"]["instance_sha256"] = instance_sha256(Instance.model_validate(
        saved["instance"]))
    out.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    rehashed = _invoke("check-plan", str(out))
    assert rehashed.exit_code == 1 and "[plan.instance]" not in rehashed.output
    assert "与信息库中方案 #1 的实例不同" in rehashed.output


def test_a_file_the_registry_refuses_gets_no_bound_re_proof(engine, tmp_path, monkeypatch):
    """The bound's re-proof is an LP of up to --time-limit seconds; for a file the registry
    refuses (here an edited instance) it was spent before the refusal, on an instance nobody
    vouches for. The rules and claims are still checked and named; the LP is not run."""
    from optimizer import check

    proofs = []
    real = check._check_bound
    monkeypatch.setattr(check, "_check_bound", lambda *a, **k: proofs.append(1) or real(*a, **k))
    out, saved = _saved_plan(engine, tmp_path)
    assert _invoke("check-plan", str(out), "--verify-bound").exit_code == 0 and proofs == [1]
    saved["instance"]["teachers"][0]["exemptions"] = [
        {"reason": "illness", "from": "2026-01-01", "until": None}]
    out.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    refused = _invoke("check-plan", str(out), "--verify-bound")
    assert refused.exit_code == 1 and "与信息库中方案 #1 的实例不同" in refused.output
    assert proofs == [1]  # not run again for the refused file


def test_check_plan_says_what_its_verdict_rests_on(engine, tmp_path):
    out, _ = _saved_plan(engine, tmp_path)
    result = _invoke("check-plan", str(out), "--no-verify-bound")
    assert result.exit_code == 0, result.output
    assert "依据：所附实例即信息库中方案 #1 的实例" in result.output
    english = _invoke("check-plan", str(out), "--no-verify-bound", "--lang", "en")
    assert "basis: the instance is that of registry plan #1" in english.output


def test_check_plan_refuses_a_file_whose_registry_number_was_taken_out(engine, tmp_path):
    """The forger's next step after the registry refused an edited instance: take the plan
    number out of the file, so that nothing is compared. Before, such a file passed with
    "报告的数字属实" whatever its instance said; now a file that names no plan, where a registry
    is set up, is refused — and checking it against itself must be asked for, and is said."""
    from optimizer import Instance
    from optimizer.certify import instance_sha256

    out, saved = _saved_plan(engine, tmp_path)
    moved = {m["staff_no"] for m in saved["moves"]}
    edited = min((t for t in saved["instance"]["teachers"] if t["staff_no"] not in moved),
                 key=lambda t: t["staff_no"])
    edited["name"] = "改过的名字"  # any edit the file agrees with once the hash is recomputed
    saved["provenance"]["instance_sha256"] = instance_sha256(Instance.model_validate(
        saved["instance"]))
    named = dict(saved)
    del saved["registry_plan_id"], saved["registry_status"]
    out.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    signed = _invoke("check-plan", str(out), "--no-verify-bound", "--without-registry")
    assert signed.exit_code == 1 and "[plan.signature]" in signed.output  # the signature says
    del saved["registry_signature"]  # so the forger takes it out too
    out.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    stripped = _invoke("check-plan", str(out), "--no-verify-bound")
    assert stripped.exit_code == 1, stripped.output
    assert "[plan.registry] 文件未注明信息库中的方案编号" in stripped.output
    assert "通过校验" not in stripped.output
    itself = _invoke("check-plan", str(out), "--no-verify-bound", "--without-registry")
    assert itself.exit_code == 0, itself.output
    assert "依据：未与信息库核对（--without-registry）：结论只对文件所附的实例成立" in itself.output
    out.write_text(json.dumps(named, ensure_ascii=False), encoding="utf-8")
    kept = _invoke("check-plan", str(out), "--no-verify-bound")  # the number left in
    assert kept.exit_code == 1 and "与信息库中方案 #1 的实例不同" in kept.output


def test_check_plan_on_a_machine_without_a_registry_writes_nothing_and_says_so(
        engine, tmp_path, away_from_the_registry):
    """An auditor checks a plan file on a fresh install. Before, the command made
    `var/workforce.env` with a new secret key and an empty SQLite database in that folder,
    then said "报告的数字属实" with no word that no registry was compared."""
    out, _ = _saved_plan(engine, tmp_path)
    empty = away_from_the_registry()
    result = _invoke("check-plan", str(out), "--no-verify-bound")
    assert result.exit_code == 0, result.output
    assert "通过校验" in result.output
    assert "依据：本机没有信息库，未能与信息库中方案 #1 核对：结论只对文件所附的实例成立" in result.output
    assert list(empty.iterdir()) == []  # no var/, no secret key, no database


def test_check_plan_says_when_no_plan_exists(env, tmp_path):
    from optimizer import SolveSettings, solve
    from tests.optimizer.factories import instance, school, staffing, teacher

    inst = instance([school("U", "urban", staff=[staffing("math", 3)])], [teacher("u1", "U")],
                    **{"quotas.district_share": 1.0})
    plan = solve(inst, SolveSettings(time_limit_s=10))
    assert plan.status == "infeasible"
    out = tmp_path / "plan.json"
    out.write_text(json.dumps({**plan.model_dump(mode="json"),
                               "instance": inst.model_dump(mode="json", by_alias=True)},
                              ensure_ascii=False), encoding="utf-8")
    result = _invoke("check-plan", str(out))
    assert result.exit_code == 0, result.output
    assert "方案无解（已独立复核" in result.output and "通过校验" not in result.output
    assert "U学校" in result.output  # the conflict names the school


def test_a_school_without_class_counts_is_named_not_a_failed_solve(engine):
    from ..district import add_school

    with Session(engine) as session:
        build_small_district(session)
        add_school(session, "E1", name="新建小学", classes_by_grade=[])
        session.commit()
    result = _invoke("plan", "--year", "2026")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "新建小学（E1）" in result.output and "未填写各年级班数" in result.output
    english = _invoke("plan", "--year", "2026", "--lang", "en")
    assert "新建小学 (E1)" in english.output and "class counts" in english.output


def test_check_plan_says_when_the_bound_was_not_re_proved(engine, tmp_path):
    out, _ = _saved_plan(engine, tmp_path)
    skipped = _invoke("check-plan", str(out), "--no-verify-bound")
    assert skipped.exit_code == 0 and "第一层目标的界未独立复核" in skipped.output
    proved = _invoke("check-plan", str(out), "--verify-bound", "--lang", "en")
    assert proved.exit_code == 0 and "level 1's bound re-proved independently" in proved.output


def test_check_plan_takes_a_registry_number_out_of_range_as_naming_no_plan(engine, tmp_path):
    out, saved = _saved_plan(engine, tmp_path)
    checked = 0
    for forged in (10**30, True, "1", -1):
        saved["registry_plan_id"] = forged
        out.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
        result = runner.invoke(app, ["check-plan", str(out), "--no-verify-bound"])
        assert isinstance(result.exception, SystemExit), (forged, result.exception)
        assert result.exit_code == 1
        assert f"信息库中没有方案 #{forged}" in result.output, (forged, result.output)
        checked += 1
    assert checked == 4


def test_plan_by_county_keeps_a_county_name_with_a_slash_in_the_out_folder(engine, tmp_path):
    from workforce.models import School

    with Session(engine) as session:
        build_small_district(session)
        for school in session.exec(select(School)):
            school.county = "东源县/新区"
        session.commit()
    out = tmp_path / "plans" / "plan.json"
    out.parent.mkdir()
    result = _invoke("plan", "--year", "2026", "--time-limit", "20", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.parent.iterdir()] == ["plan-东源县_新区.json"]


def test_a_plan_made_without_the_optimizer_says_so_and_what_to_do(engine, capsys):
    """When no level is solved within the time limit the solve hands back the greedy clerk's
    plan (optimizer.solve._greedy_fallback): the summary says first that it is not optimised
    and may miss quotas, and to solve again with more time; an optimised plan has no warning."""
    from optimizer import SolveSettings, solve
    from optimizer.baseline import greedy_plan
    from workforce.cli.plan_commands import print_plan_summary
    from workforce.snapshot import build_instance

    with Session(engine) as session:
        build_small_district(session)
        instance = build_instance(session, year=2026)
    fallback = greedy_plan(instance)
    fallback = fallback.model_copy(update={"provenance": fallback.provenance.model_copy(
        update={"settings": SolveSettings(time_limit_s=0.5)})})  # as the fallback records it
    assert fallback.moves and not fallback.optimised
    for language, words in (("zh", "时限 0.5 秒内未能求出优化方案"), ("en", "within the time limit of 0.5 s")):
        print_plan_summary(instance, fallback, language)
        first = capsys.readouterr().out.splitlines()[0]
        assert first.startswith("⚠ ") and words in first, first
    print_plan_summary(instance, solve(instance, SolveSettings(time_limit_s=20)), "zh")
    assert "⚠" not in capsys.readouterr().out


def test_plan_out_in_a_missing_folder_is_refused_before_the_solve(engine, tmp_path):
    with Session(engine) as session:
        build_small_district(session)
    missing = tmp_path / "no-such-folder"
    result = runner.invoke(app, ["plan", "--year", "2026", "--out", str(missing / "plan.json")])
    assert result.exit_code == 2
    assert f"输出文件夹不存在：{missing}" in result.output and "Traceback" not in result.output
    with Session(engine) as session:  # refused before solving: no draft was kept
        assert session.exec(select(RotationPlan)).all() == []


def test_a_plan_file_that_cannot_be_written_is_named_and_the_draft_kept(engine, tmp_path,
                                                                       monkeypatch):
    # The disk fills up as the file is written — the solve has run and its draft is in the
    # registry, so the message says so. (A folder where the file should go is refused before
    # the solve: test_an_output_that_cannot_be_written_is_refused_before_a_draft_is_kept.)
    import errno
    import os

    from workforce import private_files

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(private_files.os, "replace", full)
    with Session(engine) as session:
        build_small_district(session)
    written = 0
    for name in ("plan.json", "plan.xlsx"):
        blocked = tmp_path / name
        result = runner.invoke(app, ["plan", "--year", "2026", "--time-limit", "20", "--out",
                                     str(blocked)])
        assert result.exit_code == 2, result.output
        with Session(engine) as session:
            draft = max(p.id for p in session.exec(select(RotationPlan)))
        assert f"无法写入方案文件 {blocked}：" in result.output, result.output
        assert f"方案草稿 #{draft} 已保存" in result.output and "Traceback" not in result.output
        written += 1
    assert written == 2


def test_check_plan_reports_a_file_it_cannot_read_and_does_not_crash(tmp_path):
    """The checker's input may come from anyone. A plan that is not UTF-8, not an object, a
    number of 5,000 digits or arrays nested 200,000 deep ended in a traceback (a ValueError,
    TypeError or RecursionError the command did not expect); each is now the usual refusal
    naming the file, exit 2 (as an unreadable file always was)."""
    cases = {
        "gbk.json": '{"year": "年度"}'.encode("gbk"),
        "list.json": b"[1, 2]",
        "digits.json": b'{"year": ' + b"9" * 5000 + b"}",
        "deep.json": b'{"instance": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = runner.invoke(app, ["check-plan", str(path), "--lang", "en"])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            name, repr(result.exception))
        assert result.exit_code == 2, (name, result.output)
        assert f"{path}: cannot read the plan" in result.output, (name, result.output)
    assert len(cases) == 4


def test_a_signed_plan_file_is_proven_the_registrys_away_from_it(engine, tmp_path,
                                                                 away_from_the_registry):
    """An auditor's machine has no registry: before, the verdict held only for whatever
    instance the file carried. The registry signs each file it writes; with its public key
    (`workforce signing-key`) given as --trust-key, check-plan proves the file unedited, and
    any edit to the plan, its instance, number or status breaks the signature."""
    from optimizer import Instance
    from optimizer.certify import instance_sha256

    out, saved = _saved_plan(engine, tmp_path)
    assert saved["registry_signature"]["algorithm"] == "ed25519"
    key_lines = _invoke("signing-key").output.splitlines()
    key = key_lines[0]
    assert f"--trust-key {key}" in key_lines[1]
    approved = _invoke("plans", "approve", "1", "--comment", "同意", "--yes")
    assert approved.exit_code == 0, approved.output
    exported = tmp_path / "approved.json"
    assert _invoke("plans", "export", "1", "--out", str(exported)).exit_code == 0
    assert json.loads(exported.read_text(encoding="utf-8"))["registry_status"] == "approved"
    # the file holds every teacher's full birth date: an unmasking on record, as the web
    # download is; the workbook (no birth dates) is none
    assert _invoke("plans", "export", "1", "--out", str(tmp_path / "p.xlsx")).exit_code == 0
    with Session(engine) as session:
        unmasked = session.exec(select(AuditLog).where(AuditLog.action == "unmask")).all()
    assert [(e.entity, e.entity_key) for e in unmasked] == [("rotation_plan", "1")] * 2  # plan, export

    auditor = away_from_the_registry()  # no registry here, nothing configured

    def check(path, *extra):
        return runner.invoke(app, ["check-plan", str(path), "--no-verify-bound", *extra])

    trusted = check(exported, "--trust-key", key)
    assert trusted.exit_code == 0, trusted.output
    assert "依据：文件由公钥" in trusted.output and "（方案 #1，已审批）" in trusted.output
    unnamed = check(exported)
    assert unnamed.exit_code == 0 and "但未用 --trust-key 指定可信公钥，来源未核验" in unnamed.output
    other_key = "A" * 43 + "="
    stranger = check(exported, "--trust-key", other_key)
    assert stranger.exit_code == 1 and "[plan.signature] 文件不是由可信的信息库签发的" in stranger.output

    forged = json.loads(exported.read_text(encoding="utf-8"))
    edits = {
        "instance": lambda f: f["instance"]["teachers"][0].update(name="改过的名字"),
        "status": lambda f: f.update(registry_status="applied"),
        "number": lambda f: f.update(registry_plan_id=2),
        "moves": lambda f: f["moves"].pop(),
    }
    refused = 0
    for what, edit in edits.items():
        copy = json.loads(json.dumps(forged))
        edit(copy)
        copy["provenance"]["instance_sha256"] = instance_sha256(
            Instance.model_validate(copy["instance"]))  # the forger rehashes
        path = tmp_path / f"forged-{what}.json"
        path.write_text(json.dumps(copy, ensure_ascii=False), encoding="utf-8")
        result = check(path, "--trust-key", key)
        assert result.exit_code == 1, (what, result.output)
        assert "[plan.signature] 文件的信息库签名无效" in result.output, (what, result.output)
        refused += 1
    assert refused == len(edits) == 4
    assert list(auditor.iterdir()) == []  # the checks wrote nothing


def test_check_plan_names_each_edited_claim_of_a_file_without_a_registry_copy(engine, tmp_path):
    """A plan file passed on without its registry number (so only the file speaks for itself):
    a mover's name changed (the name the notice letter prints), the year changed, a rural
    shortage's arrivals, departures and weight changed (the workbook's columns) — each edit is
    refused and named, and the file as written passes."""
    out, saved = _saved_plan(engine, tmp_path)
    saved.pop("registry_plan_id")
    saved.pop("registry_signature")  # else the signature names every edit already
    out.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    assert _invoke("check-plan", str(out), "--without-registry").exit_code == 0
    move, shortage = saved["moves"][0], saved["shortages"][0]
    edits = {
        "name": (lambda p: p["moves"][0].update(name="冒名者"),
                 "方案记的姓名为“冒名者”"),
        "year": (lambda p: p.update(year=p["year"] + 1),
                 f"方案报告为{saved['year'] + 1}年度，实例是{saved['year']}年度"),
        "arrivals": (lambda p: p["shortages"][0].update(arrivals=shortage["arrivals"] + 1),
                     f"方案报告调入{shortage['arrivals'] + 1}人"),
        "departures": (lambda p: p["shortages"][0].update(departures=shortage["departures"] + 2),
                       f"调出{shortage['departures'] + 2}人"),
        "weight": (lambda p: p["shortages"][0].update(weight=shortage["weight"] + 3),
                   f"权重{shortage['weight'] + 3}，实际"),
    }
    for edit, (change, named) in edits.items():
        edited = json.loads(json.dumps(saved))
        change(edited)
        out.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
        result = _invoke("check-plan", str(out), "--without-registry")
        assert result.exit_code == 1, edit
        assert "[plan.figures]" in result.output and named in result.output, (edit, result.output)
        if edit == "name":
            assert move["staff_no"] in result.output
    assert len(edits) == 5


def test_plan_workbook_names_objectives_quotas_and_scopes_in_chinese(engine, tmp_path):
    """The Chinese workbook's summary labels the objective levels, and its quota sheet the
    quotas and the district, in Chinese — not by the optimizer's code names
    (rural_shortage_filled, quota.district_share, district)."""
    with Session(engine) as session:
        build_small_district(session)
    out = tmp_path / "plan.xlsx"
    assert _invoke("plan", "--year", "2026", "--out", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out, read_only=True)
    labels = [row[0] for row in book["概况"].iter_rows(min_row=2, values_only=True)]
    assert labels[-3:] == ["农村学校缺口补充（加权）", "意愿得分", "交流总距离（公里）"]
    quotas = list(book["指标完成情况"].iter_rows(min_row=2, values_only=True))
    assert [(q[0][:6], q[1]) for q in quotas] == [
        ("全区交流人数", "全区"), ("城区学校、优", "U1学校"), ("骨干教师不低", "全区")
    ]
    cells = [c for row in quotas for c in row[:2]] + labels
    assert len(cells) == 2 * 3 + 14
    # which plan of the registry it is, first: a printed workbook filed under audit named none
    summary = list(book["概况"].iter_rows(min_row=2, max_row=4, values_only=True))
    assert [row[0] for row in summary] == ["方案编号", "方案状态", "生成"]
    assert summary[0][1] == "#1" and summary[1][1] == "草稿" and summary[2][1].startswith("cli ")
    moves = list(book["交流名单"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert isinstance(moves[0][8], dt.datetime)  # the start, a date Excel sorts as one
    assert not [c for c in cells if re.search(r"[a-z]+[._][a-z]+", str(c))]


def test_check_plan_names_each_field_edited_against_the_registry_copy(engine, tmp_path):
    """A plan file of a registry plan whose first move's reason was reworded and whose second
    mover was renamed: the registry comparison names each edited field — the move by its
    staff number — not only that the file differs."""
    out, saved = _saved_plan(engine, tmp_path)
    first, second = saved["moves"][:2]
    first["reasons"][0]["zh"] = "该教师本人申请交流"
    second["name"] = "冒名者"
    out.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    result = _invoke("check-plan", str(out), "--no-verify-bound")
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "文件被改动" in x)
    edited = line.split("（文件被改动）：")[1].split("、")
    assert edited == [
        f"moves[{first['staff_no']}].reasons[0].zh", f"moves[{second['staff_no']}].name"
    ]


def test_a_year_outside_the_webs_range_is_refused_before_any_solve(engine):
    """`plan --year 2206` (for 2026) solved a year in which every teacher had retired and kept
    the infeasible draft; the web and the API take 2000–2100 only, and so does the command."""
    with Session(engine) as session:
        build_small_district(session)
    checked = 0
    for args in (["plan", "--year", "2206"], ["plans", "list", "--year", "1999"],
                 ["whatif", "marginal", "--year", "2101"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and "--year" in result.output, (args, result.output)
        checked += 1
    assert checked == 3
    with Session(engine) as session:
        assert session.exec(select(RotationPlan)).first() is None  # no draft kept


def test_check_plan_names_a_registry_that_does_not_answer(engine, tmp_path, monkeypatch):
    """A registry configured on a server that is down: before, `inspect` raised out of
    check-plan as a traceback; now a finding names the server (without its password) and the
    way to check the file against itself."""
    from workforce import config, db

    out, _ = _saved_plan(engine, tmp_path)
    monkeypatch.setenv("WORKFORCE_DATABASE_URL", "postgresql+psycopg://u:secret@127.0.0.1:1/db")
    config.get_settings.cache_clear()
    db.get_engine.cache_clear()
    result = runner.invoke(app, ["check-plan", str(out), "--no-verify-bound"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    assert "[plan.registry] 无法连接信息库 postgresql+psycopg://u:***@127.0.0.1:1/db" in result.output
    assert "secret" not in result.output and "--without-registry" in result.output
    for unusable in ("not a url", "mysql://u:secret@127.0.0.1/db"):  # no such address, driver
        monkeypatch.setenv("WORKFORCE_DATABASE_URL", unusable)
        result = runner.invoke(app, ["check-plan", str(out), "--no-verify-bound"])
        assert result.exception is None or isinstance(result.exception, SystemExit), unusable
        assert result.exit_code == 1, result.output
        assert "[plan.registry] 数据库地址（WORKFORCE_DATABASE_URL）无法使用" in result.output
        assert "secret" not in result.output


def test_an_output_that_cannot_be_written_is_refused_before_a_draft_is_kept(engine, tmp_path):
    """``plan --out <a folder>`` solved, kept the draft, then could not write the file: the
    command failed with a draft behind it. Such an output is now refused before the solve."""
    with Session(engine) as session:
        build_small_district(session)
    folder = tmp_path / "plan.json"
    folder.mkdir()
    result = runner.invoke(app, ["plan", "--year", "2026", "--out", str(folder)])
    assert result.exit_code == 2 and "这是一个文件夹" in result.output, result.output
    with Session(engine) as session:
        assert session.exec(select(RotationPlan)).all() == []
    shown = runner.invoke(app, ["import", str(tmp_path / "none.csv"), "--show", "-1"])
    assert shown.exit_code == 2  # a negative count of lines to list is refused, not misread


def test_pins_the_plan_refuses_are_named_in_words_not_a_validation_dump(engine):
    """`plans resolve` with a pin the plan's instance refuses printed "固定要求无效：1 validation
    error for Instance / Value error, pin for unknown teacher NOPE [type=value_error,
    input_value={'year': 2026, …}" — pydantic's report, in English, with the instance's data."""
    with Session(engine) as session:
        build_small_district(session)
    assert _invoke("plan", "--year", "2026", "--time-limit", "20").exit_code == 0
    cases = [
        (["--must-move", "NOPE"], "工号“NOPE”不在方案 #1 的教师中，未重新求解",
         "staff number NOPE is not one of plan #1's teachers; nothing was solved"),
        (["--must-go", "UPE1=NOPE"], "学校代码“NOPE”不在方案 #1 的学校中，未重新求解",
         "school code NOPE is not one of plan #1's schools; nothing was solved"),
        (["--must-move", "UPE1", "--must-stay", "UPE1"],
         "工号 UPE1 的固定要求互相矛盾（必须交流、必须留任），未重新求解",
         "the pins on staff number UPE1 contradict each other (must move, must stay); nothing "
         "was solved"),
        (["--must-go", "UPE1=R1", "--forbid", "UPE1=R1"],
         "工号 UPE1 的固定要求互相矛盾（必须交流到所选学校、不得交流到所选学校），未重新求解", None),
    ]  # fmt: skip
    for pins, zh, en in cases:
        result = runner.invoke(app, ["plans", "resolve", "1", *pins])
        assert result.exit_code == 2, (pins, result.output)
        assert result.output.strip() == zh, (pins, result.output)
        if en is not None:
            english = runner.invoke(app, ["plans", "resolve", "1", *pins, "--lang", "en"])
            assert english.output.strip() == en, (pins, english.output)
    assert len(cases) == 4
    with Session(engine) as session:  # nothing was solved
        assert len(session.exec(select(RotationPlan)).all()) == 1


def test_the_command_line_shows_times_in_beijing_time_as_the_pages_do(engine):
    # `plans list` and the "already applied" refusal printed UTC, the plan page Beijing time:
    # one event eight hours apart in an auditor's two views.
    import datetime as dt

    with Session(engine) as session:
        build_small_district(session)
    assert _invoke("plan", "--year", "2026").exit_code == 0
    assert _invoke("plans", "approve", "1", "--comment", "同意", "--yes").exit_code == 0
    assert _invoke("plans", "apply", "1", "--yes").exit_code == 0
    with Session(engine) as session:
        plan = session.get(RotationPlan, 1)
        plan.created_at = dt.datetime(2026, 12, 8, 1, 28, tzinfo=dt.UTC)
        session.add(plan)
        session.commit()
    listed = _invoke("plans", "list", "--year", "2026")
    assert "2026-12-08 09:28" in listed.output and "01:28" not in listed.output
    again = _invoke("plans", "apply", "1", "--yes")
    applied_utc = again.output.split("已于 ", 1)[1][:16]
    shown = dt.datetime.strptime(applied_utc, "%Y-%m-%d %H:%M")
    with Session(engine) as session:
        applied = session.get(RotationPlan, 1).applied_at
    assert shown == (applied + dt.timedelta(hours=8)).replace(second=0, microsecond=0,
                                                              tzinfo=None)  # fmt: skip
