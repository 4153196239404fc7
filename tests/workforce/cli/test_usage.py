"""Typer's own refusals of a command line (`workforce.cli.usage`): an unknown option or
command, a missing option or argument, a value that is no number or no choice, a value too
many or too few — said in the user's language. Before, each was Click's English ("Error: No
such option: --nope", "Invalid value for '--year': Input should be a valid integer …") under
an English "Usage:" line, whatever the user's language; and a ``--lang`` no language was
taken for Chinese without a word, or refused in English only."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from workforce.cli import app

from ..district import build_small_district

runner = CliRunner()

CLICK_ENGLISH = re.compile(r"Usage:|Error:|Try '|No such|Missing|Invalid value|Got unexpected|"
                           r"requires an argument|does not take|Input should|Value error|"
                           r"is not one of|Did you mean|Aborted")  # fmt: skip

CASES = [  # the command line, what it says in Chinese, what it says in English
    (["plans", "list", "--nope"], "没有选项 --nope", "No such option: --nope"),
    (["plans", "list", "--yer", "2026"], "没有选项 --yer，是否要用 --year？",
     "No such option: --yer (did you mean --year?)"),
    (["plans", "list"], "缺少选项 --year", "Missing option --year"),
    (["plans", "resolve"], "缺少参数 plan_id", "Missing argument plan_id"),
    (["plans", "list", "--year", "abc"], "--year 的值“abc”无效：应为整数",
     "Invalid value for --year ('abc'): must be a whole number"),
    (["plans", "list", "--year", "1999"], "--year 的值“1999”无效：不能小于 2000",
     "Invalid value for --year ('1999'): must be at least 2000"),
    (["plan", "--year", "2026", "--backend", "gurobi"],
     "--backend 的值“gurobi”无效：应为以下之一：highs、scip、cpsat",
     "Invalid value for --backend ('gurobi'): must be one of: highs, scip, cpsat"),
    (["plan", "--year", "2026", "--time-limit", "0"],
     "--time-limit 的值无效：须为大于 0、不超过 86400 的秒数",
     "Invalid value for --time-limit: must be seconds above 0, at most 86400"),
    (["plans", "resolve", "1", "2", "3"], "多余的参数：2 3", "Unexpected extra arguments: 2 3"),
    (["plans", "resolve", "1", "--time-limit"], "选项 --time-limit 后面须给出值",
     "Option --time-limit requires a value"),
    (["demo", "--reset=yes"], "选项 --reset 后面不带值", "Option --reset does not take a value"),
    (["plann"], "没有命令 plann，是否要用 plan、plans？",
     "No such command: plann (did you mean plan, plans?)"),
    (["nothing-like-it"], "没有命令 nothing-like-it", "No such command: nothing-like-it"),
]  # fmt: skip


def test_each_refusal_is_said_in_chinese(env):
    env.delenv("WORKFORCE_LANGUAGE", raising=False)
    said = 0
    for args, zh, _ in CASES:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert f"错误：{zh}" in result.output.splitlines(), (args, result.output)
        assert not CLICK_ENGLISH.search(result.output), (args, result.output)
        if not zh.startswith("选项 "):  # an option's form, refused by the parser: no usage
            assert "用法：workforce" in result.output and "查看帮助：workforce" in result.output
        said += 1
    assert said == len(CASES) == 13


def test_each_refusal_is_said_in_english_when_english_is_configured(env):
    env.setenv("WORKFORCE_LANGUAGE", "en")
    said = 0
    for args, _, en in CASES:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert f"Error: {en}" in result.output.splitlines(), (args, result.output)
        assert not re.search(r"[\u4e00-\u9fff]", result.output), (args, result.output)
        said += 1
    assert said == len(CASES)


def test_the_command_lines_own_language_comes_first(env):
    env.setenv("WORKFORCE_LANGUAGE", "en")
    result = runner.invoke(app, ["plans", "list", "--year", "abc", "--lang", "zh"])
    assert "错误：--year 的值“abc”无效：应为整数" in result.output, result.output
    env.delenv("WORKFORCE_LANGUAGE")
    result = runner.invoke(app, ["plans", "list", "--lang=en", "--year", "abc"])
    assert "Error: Invalid value for --year ('abc'): must be a whole number" in result.output


LANGUAGE_OPTIONS = [  # every kind of --lang: a string, an optional string, a Literal
    ["rules"],
    ["demo"],
    ["export", "teachers", "--out", "teachers.xlsx"],
    ["import", "teachers.xlsx"],
    ["template", "teachers", "--out", "teachers.xlsx"],
    ["report", "training", "--out", "report.xlsx"],
    ["plans", "list", "--year", "2026"],
    ["roadmap", "--from", "2026"],
    ["whatif", "marginal", "--year", "2026"],
]


@pytest.mark.parametrize("value", ["fr", "EN", ""])
def test_a_lang_that_is_no_language_is_refused_in_both_naming_the_two(env, tmp_path, value):
    """``--lang fr`` was taken for Chinese (rules, demo, import, export, template) or refused
    in English only; now every command refuses it before any work, in both languages, naming
    zh and en — the user's language is what is not known."""
    env.chdir(tmp_path)  # the relative --out teachers.xlsx lands here, if anywhere
    refused = 0
    for args in LANGUAGE_OPTIONS:
        result = runner.invoke(app, [*args, "--lang", value])
        assert result.exit_code == 2, (args, result.output)
        lines = result.output.splitlines()
        zh = next(line for line in lines if line.startswith("错误：--lang 的值"))
        en = next(line for line in lines if line.startswith("Error: Invalid value for --lang"))
        assert f"“{value}”" in zh and "zh" in zh and "en" in zh, zh
        assert "zh" in en and "en" in en, en
        refused += 1
    assert refused == len(LANGUAGE_OPTIONS) == 9
    assert not (tmp_path / "teachers.xlsx").exists()  # nothing written where it would go


def test_a_confirmation_takes_chinese_answers_and_says_what_it_did_not_take(engine):
    """A confirmation broken off (the input ended, or Ctrl-C) ends with "已取消", not Typer's
    "Aborted!"; 是 and 否 are answers, and one it does not take is asked again in Chinese —
    Typer said "Error: invalid input"."""
    with Session(engine) as session:
        build_small_district(session)
    assert runner.invoke(app, ["plan", "--year", "2026", "--time-limit", "20"]).exit_code == 0
    approve = ["plans", "approve", "1", "--comment", "同意"]
    broken_off = runner.invoke(app, approve, input="")
    assert broken_off.exit_code == 1, broken_off.output
    assert "已取消" in [line.strip() for line in broken_off.output.splitlines()]
    assert "Aborted" not in broken_off.output
    declined = runner.invoke(app, approve, input="好\n否\n")
    assert declined.exit_code == 2 and "未审批" in declined.output, declined.output
    assert "请回答 y（是）或 n（否）" in declined.output and "invalid input" not in declined.output
    approved = runner.invoke(app, approve, input="是\n")
    assert approved.exit_code == 0 and "方案 #1 已审批" in approved.output, approved.output


def test_every_message_the_refusals_use_exists_in_both_languages():
    """`usage.sentence` names its messages by their short id (``say("no_such_option")``,
    ``missing_{kind}``, a choice of two), which the catalogue test's scan does not see."""
    from pathlib import Path

    import texts
    from workforce.cli import usage

    source = Path(usage.__file__).read_text(encoding="utf-8")
    ids = {f"cli.usage.{i}" for i in re.findall(r'\bsay\(\s*"(\w+)"', source)}
    ids |= set(re.findall(r'\btext\(\s*"(cli\.usage\.\w+)"', source))
    ids |= {"cli.usage.missing_option", "cli.usage.missing_argument", "cli.usage.needs_value"}
    assert len(ids) == 18, sorted(ids)
    assert sorted(i for i in ids if not texts.exists(i)) == []
