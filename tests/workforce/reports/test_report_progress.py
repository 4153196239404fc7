"""``workforce report`` on a terminal names the report and each stage while it works (gathering
the data, writing the workbook, drawing the chart); in a pipe it shows none of it."""

from __future__ import annotations

import datetime as dt
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _report(out: Path, chart: Path, *, on_terminal: bool) -> tuple[int, str, str]:
    """``workforce report training`` in a child process (this test's database, through the
    environment); returns the exit code, standard output and standard error."""
    argv = [str(Path(sys.executable).with_name("workforce")), "report", "training",
            "--cycle", "2021-2025", "--as-of", "2025-06-30", "--out", str(out),
            "--chart", str(chart)]  # fmt: skip
    environment = {**os.environ, "COLUMNS": "160"}
    if not on_terminal:
        done = subprocess.run(argv, capture_output=True, text=True, env=environment, timeout=120)
        return done.returncode, done.stdout, done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=follower, env=environment)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    out_text = process.communicate(timeout=120)[0].decode()
    os.close(leader)
    return process.returncode, out_text, b"".join(chunks).decode(errors="replace")


def test_report_stages_are_named_on_a_terminal_only(build, tmp_path) -> None:  # type: ignore[no-untyped-def]
    school = build.school("U1")
    build.training(build.teacher(school), 360, dt.date(2022, 1, 1))
    build.session.commit()
    code, out, shown = _report(tmp_path / "a.xlsx", tmp_path / "a.png", on_terminal=True)
    assert code == 0, out + shown
    plain = ESCAPE.sub("", shown)
    stages = ["报表「继续教育学时完成情况」：汇总数据…", "报表「继续教育学时完成情况」：写出 a.xlsx…",
              "报表「继续教育学时完成情况」：绘制图表 a.png…"]  # fmt: skip
    assert [stage in plain for stage in stages] == [True] * 3, plain
    code, out, quiet = _report(tmp_path / "b.xlsx", tmp_path / "b.png", on_terminal=False)
    assert code == 0 and (tmp_path / "b.xlsx").exists() and (tmp_path / "b.png").exists()
    assert "报表「" not in out + quiet and "\x1b" not in out + quiet
