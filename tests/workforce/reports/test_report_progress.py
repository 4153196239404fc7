"""``workforce report`` on a terminal names the report and each stage while it works (gathering
the data, writing the workbook, drawing the chart); in a pipe it shows none of it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.workforce.cli.terminal import ESCAPE, run_workforce


def _report(out: Path, chart: Path, *, on_terminal: bool) -> tuple[int, str, str]:
    """``workforce report training`` writing ``out`` and ``chart``."""
    args = ["report", "training", "--cycle", "2021-2025", "--as-of", "2025-06-30",
            "--out", str(out), "--chart", str(chart)]  # fmt: skip
    return run_workforce(args, on_terminal=on_terminal, columns=160)


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
