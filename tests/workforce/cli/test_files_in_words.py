"""The files a command reads and writes, refused in the user's words: an output whose extension
is not the format's (``--out plan.xlsx`` written as JSON, ``--out teachers.json`` as a
workbook: before, silently), a file to import that is not there, a plan file that cannot be
read, and the system's reasons ("Permission denied", "[Errno 2] No such file or directory")
— before, English inside the Chinese sentence."""

from __future__ import annotations

import errno
import re

from sqlmodel import Session, select
from typer.testing import CliRunner

from workforce.cli import app
from workforce.models import RotationPlan

from ..district import build_small_district

runner = CliRunner()


def test_an_output_whose_extension_is_not_the_formats_is_refused_before_any_work(engine,
                                                                                  tmp_path):
    with Session(engine) as session:
        build_small_district(session)
    assert runner.invoke(app, ["plan", "--year", "2026", "--time-limit", "20"]).exit_code == 0
    cases = [  # the command, the option, the file, the extensions it takes
        (["export", "teachers", "--out"], "--out", "teachers.json", ".xlsx 或 .csv"),
        (["template", "teachers", "--out"], "--out", "teachers.csv", ".xlsx"),
        (["plan", "--year", "2026", "--out"], "--out", "plan.txt", ".json 或 .xlsx"),
        (["plans", "export", "1", "--out"], "--out", "plan.xls", ".json 或 .xlsx"),
        (["demo", "--plan-out"], "--plan-out", "plan.json", ".xlsx"),
        (["import", str(tmp_path / "input.csv"), "--errors-out"], "--errors-out",
         "errors.csv", ".xlsx"),
    ]  # fmt: skip
    (tmp_path / "input.csv").write_text("工号,姓名\n", encoding="utf-8")
    refused = 0
    for args, option, name, suffixes in cases:
        out = tmp_path / name
        result = runner.invoke(app, [*args, str(out)])
        assert result.exit_code == 2, (args, result.output)
        assert f"{option} 的文件名须以 {suffixes} 结尾（按扩展名写出相应格式），而不是 {out}" in (
            result.output), (args, result.output)
        assert not out.exists(), args
        refused += 1
    assert refused == len(cases) == 6
    with Session(engine) as session:  # the plan refused before its solve kept no draft
        assert len(session.exec(select(RotationPlan)).all()) == 1
    english = runner.invoke(app, ["plans", "export", "1", "--out", str(tmp_path / "p.txt"),
                                  "--lang", "en"])  # fmt: skip
    assert f"--out must name a file ending in .json or .xlsx (the extension decides the " \
        f"format), not {tmp_path / 'p.txt'}" in english.output, english.output
    for ok in ("plan.JSON", "plan.xlsx"):  # either case, as before
        assert runner.invoke(app, ["plans", "export", "1", "--out",
                                   str(tmp_path / ok)]).exit_code == 0, ok  # fmt: skip


def test_a_file_to_import_that_cannot_be_read_is_named_with_the_reason(engine, tmp_path):
    """Typer's own check said "Invalid value for 'file': file 'x' does not exist." only."""
    cases = [(tmp_path / "none.xlsx", "文件或文件夹不存在", "no such file or folder"),
             (tmp_path, "这是一个文件夹", "it is a folder")]  # fmt: skip
    for path, zh, en in cases:
        result = runner.invoke(app, ["import", str(path)])
        assert result.exit_code == 2, result.output
        assert f"无法读取要导入的文件 {path}：{zh}" in result.output, result.output
        english = runner.invoke(app, ["import", str(path), "--lang", "en"])
        assert f"cannot read the file to import {path}: {en}" in english.output, english.output
    assert len(cases) == 2


def test_check_plan_says_why_a_file_cannot_be_read(tmp_path):
    cases = {
        "none.json": (None, "文件或文件夹不存在"),
        "list.json": (b"[1, 2]", "内容应为一个 JSON 对象"),
        "broken.json": (b"{bad", "不是有效的 JSON（第 1 行第 2 列）"),
        "gbk.json": ('{"year": "年度"}'.encode("gbk"), "不是 UTF-8 编码的文本"),
        "deep.json": (b'{"instance": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
                      "嵌套层数过多"),
        "digits.json": (b'{"year": ' + b"9" * 5000 + b"}", "内容无法解析"),
        "other.json": (b'{"instance": {"year": 2026}, "status": "optimal"}',
                       "不是本系统的方案文件（"),
    }  # fmt: skip
    said = 0
    for name, (content, reason) in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        result = runner.invoke(app, ["check-plan", str(path)])
        assert result.exit_code == 2, (name, result.output)
        assert f"{path}：无法读取方案：{reason}" in result.output, (name, result.output)
        assert not re.search(r"Errno|Expecting|codec|validation error|Input should|expected a",
                             result.output), (name, result.output)  # fmt: skip
        said += 1
    assert said == len(cases) == 7


def test_the_systems_usual_reasons_are_said_in_both_languages():
    from workforce.cli.app import OS_ERRORS, os_reason

    reasons = {code: (os_reason(OSError(code, "x"), "zh"), os_reason(OSError(code, "x"), "en"))
               for code in OS_ERRORS}  # fmt: skip
    assert reasons[errno.EACCES] == ("没有权限", "permission denied")
    assert reasons[errno.ENOSPC] == ("磁盘空间不足", "no space left on the disk")
    assert all(re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[\u4e00-\u9fff]", en)
               for zh, en in reasons.values()), reasons  # fmt: skip
    assert len(reasons) == 8
    assert os_reason(OSError(errno.EIO, "Input/output error"), "zh") == "Input/output error"


def test_a_file_the_disk_refuses_is_named_with_the_reason_in_words(env, tmp_path,
                                                                   monkeypatch):  # fmt: skip
    """The disk fills up as the template is written: "无法写入文件 …：磁盘空间不足", where the
    system's "No space left on device" stood in the Chinese."""
    import os

    from workforce import private_files

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(private_files.os, "replace", full)
    out = tmp_path / "teachers.xlsx"
    result = runner.invoke(app, ["template", "teachers", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"无法写入文件 {out}：磁盘空间不足" in result.output, result.output
    english = runner.invoke(app, ["template", "teachers", "--out", str(out), "--lang", "en"])
    assert f"cannot write the file {out}: no space left on the disk" in english.output
