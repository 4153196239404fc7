"""Progress: shown on a terminal only, and a solved plan's levels with their gaps."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from optimizer import SolveSettings, solve
from tests.optimizer.factories import district
from workforce.cli.progress import level_lines, working

PROBE = """
import time
from workforce.cli.progress import working
with working("求解中", "solving", "en"):
    time.sleep(0.6)
print("done")
"""


def _run(on_terminal: bool) -> str:
    if not on_terminal:
        done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                              check=True, timeout=60)  # fmt: skip
        return done.stdout + done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-c", PROBE], stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode(errors="replace")


def test_progress_shows_on_a_terminal_and_is_quiet_otherwise():
    assert _run(on_terminal=False) == "done\n"
    shown = _run(on_terminal=True)
    assert "solving" in shown and "0:00:0" in shown and "done" in shown


def test_quiet_block_still_runs():
    ran = []
    with working("x", "x"):
        ran.append(1)
    assert ran == [1]


def test_level_lines_name_each_level_with_its_gap():
    import random

    plans = (solve(district(random.Random(seed)), SolveSettings(time_limit_s=10))
             for seed in range(20))  # fmt: skip
    plan = next((p for p in plans if p.status == "optimal"), None)  # the first optimal one
    assert plan is not None, "none of 20 small districts had an optimal plan"
    lines = level_lines(plan, "en")
    assert len(lines) == len(plan.objectives) == 3
    assert lines[0].startswith("  level 1 rural shortage slots filled (weighted): value ")
    assert all("gap 0.0000% (proven optimal)" in line for line in lines)
    assert level_lines(plan, "zh")[0].startswith("  第1层 农村学校缺口补充（加权）：值 ")
    assert not any("_" in line for line in level_lines(plan, "zh"))  # no internal names
