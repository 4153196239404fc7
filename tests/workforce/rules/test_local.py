"""A county's own rules in its home (`workforce.rules.local`): used by plans and reports, with
their sources, read again when edited, and refused by name when they cannot be used."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from optimizer import load_rules
from workforce.cli import app
from workforce.rules.local import LocalRulesError, local_rules_path, rotation_rules, training_rules
from workforce.rules.training import default_training_rules
from workforce.snapshot import build_instance

from ..district import build_small_district

COUNTY_SOURCE = {"text": "全县在编教师每年交流比例不低于6%", "document": "《某县教师交流轮岗实施方案》第三条"}


def _write(path: Path, text: str) -> None:
    """Write and move the modification time on, as an edit a second later would."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = path.stat().st_mtime_ns + 1_000_000_000 if path.exists() else None
    path.write_text(text, encoding="utf-8")
    if stamp is not None:
        os.utime(path, ns=(stamp, stamp))


def _district_share(value: float) -> str:
    return (f"quotas:\n  district_share:\n    value: {value}\n    source:\n"
            f"      text: \"{COUNTY_SOURCE['text']}\"\n"
            f"      document: \"{COUNTY_SOURCE['document']}\"\n")


def test_without_local_files_the_shipped_defaults_are_in_force(env):
    assert rotation_rules() == load_rules()
    assert training_rules() == default_training_rules()


def test_a_county_rule_reaches_the_plan_with_its_source_and_an_edit_applies_at_once(session):
    build_small_district(session)
    path = local_rules_path("rotation")
    _write(path, _district_share(0.06))
    instance = build_instance(session, year=2026)
    assert instance.rules.quotas.district_share == 0.06
    source = instance.rules.sources["quotas.district_share"]
    assert (source.text, source.document) == (COUNTY_SOURCE["text"], COUNTY_SOURCE["document"])
    # the other rules keep the shipped values and sources
    shipped = load_rules()
    assert instance.rules.quotas.school_share == shipped.quotas.school_share
    assert instance.rules.sources["quotas.school_share"] == shipped.sources["quotas.school_share"]
    _write(path, _district_share(0.07))  # edited while the process runs
    assert build_instance(session, year=2026).rules.quotas.district_share == 0.07
    path.unlink()
    assert build_instance(session, year=2026).rules.quotas.district_share == (
        shipped.quotas.district_share)


def test_county_training_cycles_are_used_by_the_training_rule(env):
    _write(local_rules_path("training"), """
cycles:
  value:
    - {name: "2019-2023", start: 2019-01-01, end: 2023-12-31}
    - {name: "2024-2028", start: 2024-01-01, end: 2028-12-31}
  source:
    text: "本省中小学教师继续教育以5年为一周期"
    document: "《某省中小学教师继续教育管理办法》第五条"
""")
    rules = training_rules()
    assert [c.name for c in rules.cycles] == ["2019-2023", "2024-2028"]
    assert rules.cycle_on(dt.date(2026, 3, 1)).name == "2024-2028"
    assert rules.hours_per_cycle == default_training_rules().hours_per_cycle
    assert rules.sources["cycles"].document == "《某省中小学教师继续教育管理办法》第五条"


BROKEN = {
    "unknown key": ("rotation", "quotas:\n  no_such_rule:\n    value: 1\n    source: {text: a, document: b}\n",
                    "quotas.no_such_rule"),
    "bad value": ("rotation", "quotas:\n  district_share:\n    value: lots\n    source: {text: a, document: b}\n",
                  "quotas.district_share"),
    "no source": ("rotation", "quotas:\n  district_share:\n    value: 0.06\n", "quotas.district_share"),
    "empty source": ("training", "hours_per_cycle:\n  value: 300\n  source: {text: '', document: x}\n",
                     "hours_per_cycle"),
    "not YAML": ("training", "hours_per_cycle: [300\n", "training.yaml"),
    "unknown training rule": ("training", "hours:\n  value: 300\n  source: {text: a, document: b}\n",
                              "hours"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_local_file_is_refused_naming_the_file_and_the_rule(env, case):
    name, text, key = BROKEN[case]
    path = local_rules_path(name)
    _write(path, text)
    read = rotation_rules if name == "rotation" else training_rules
    with pytest.raises(LocalRulesError) as error:
        read()
    assert str(path) in error.value.zh and key in error.value.zh, error.value.zh
    assert str(path) in error.value.en and key in error.value.en, error.value.en


def test_commands_refuse_to_run_on_a_broken_local_file(engine):
    with Session(engine) as session:
        build_small_district(session)
    path = local_rules_path("rotation")
    _write(path, "quotas:\n  district_share:\n    value: 0.06\n")  # no source
    result = CliRunner().invoke(app, ["plan", "--year", "2026"])
    assert result.exit_code == 2, result.output
    assert f"本地规则文件 {path}：规则“quotas.district_share”须写成 value" in result.output
    assert "必须注明依据" in result.output
    _write(path, _district_share(0.06))
    listed = CliRunner().invoke(app, ["plans", "list", "--year", "2026"])
    assert listed.exit_code == 0, listed.output


def test_the_rules_command_lists_the_rules_in_force_and_marks_the_countys(engine):
    _write(local_rules_path("rotation"), _district_share(0.06))
    result = CliRunner().invoke(app, ["rules"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    share = lines.index("  quotas.district_share = 0.06（本地）")
    assert lines[share + 1] == f"      依据：{COUNTY_SOURCE['document']}"
    assert "  quotas.school_share = 0.1" in lines  # shipped, not marked
    listed = [line for line in lines if line.startswith("  ") and " = " in line]
    assert len(listed) == len(load_rules().sources) + len(default_training_rules().sources)
    assert sum(line.endswith("（本地）") for line in listed) == 1


SOURCE = "  source: {text: 县文件, document: 县文件第3条}\n"
TRAINING_REFUSALS = {  # a county's training rule → what the refusal says in Chinese
    "hours_per_cycle:\n  value: abc\n" + SOURCE: "规则“hours_per_cycle”的值无效：应为数字",
    "hours_per_cycle:\n  value: -5\n" + SOURCE: "规则“hours_per_cycle”的值无效：应大于 0",
    "pro_rata_mid_cycle:\n  value: maybe\n" + SOURCE:
        "规则“pro_rata_mid_cycle”的值无效：应为是或否（true 或 false）",
    "counted_statuses:\n  value: active\n" + SOURCE: "规则“counted_statuses”的值无效：应为列表",
    "cycles:\n  value: [{name: x, start: 2021-01-01}]\n" + SOURCE:
        "规则“cycles.0.end”的值无效：必须填写",
    "cycles:\n  value: [{name: x, start: 2021-01-01, end: 2020-01-01}]\n" + SOURCE:
        "培训周期 x 的结束日期 2020-01-01 早于开始日期 2021-01-01",
    "cycles:\n  value: [{name: x, start: 2021-01-01, end: 2025-12-31},"
    " {name: x, start: 2026-01-01, end: 2030-12-31}]\n" + SOURCE:
        "规则“cycles”的值无效：有两个培训周期同名（x）",
    "on_track_max_ratio:\n  value: 9\n" + SOURCE:
        "规则“on_track_max_ratio”的值无效：须满足 on_track_max_ratio ≤ at_risk_max_ratio ≤ "
        "max_credible_ratio",
    "cycles:\n  value: [{name: x, start: 2020-13-01, end: 2021-01-01}]\n" + SOURCE:
        "无法读取：其中有不存在的日期",
    "hours_per_cycle: [300\n": "无法读取：不是有效的 YAML（第 2 行第 1 列附近）",
}  # fmt: skip


def test_a_bad_training_rule_is_refused_in_chinese(env):
    """pydantic's English ("Input should be a valid number …", "Field required", "Value
    error, need on_track_max_ratio <= …") stood in the Chinese refusal, a check of several
    rules named the rule “”, and a date that does not exist ended in a traceback."""
    path = local_rules_path("training")
    refused = 0
    for text, said in TRAINING_REFUSALS.items():
        _write(path, text)
        with pytest.raises(LocalRulesError) as error:
            training_rules()
        assert said in error.value.zh, (text, error.value.zh)
        assert str(path) in error.value.zh and str(path) in error.value.en
        assert not re.search(r"Input should|Field required|Value error|“”", error.value.zh)
        assert not re.search(r"[\u4e00-\u9fff]", error.value.en.replace(str(path), "")), (
            error.value.en)
        refused += 1
    assert refused == len(TRAINING_REFUSALS) == 10
