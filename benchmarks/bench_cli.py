"""Time the command line as a user meets it: ``workforce --help``, and the sample district's
``workforce plan`` end to end.

Runs the installed ``workforce`` (the one beside this interpreter), each run a fresh process,
and reports the fastest and the median wall time, the CPU seconds of the fastest-CPU run (user +
system of the child, the steadier figure on a shared machine) and the 1-minute load average
before and after. Also times the bare interpreter (``python -c pass``) for reference.

``workforce plan`` is timed on a fresh install path: a new, empty home folder
(``WORKFORCE_HOME``) where ``workforce demo`` creates the database and loads the sample district
(not timed), copied aside; before every timed run the home is restored from that copy (not
timed), so each run plans the same registry with nothing cached but the interpreter's bytecode.
Bytecode is written as an installed copy has it (``pip install`` compiles every module):
``PYTHONDONTWRITEBYTECODE`` is cleared for the children, and an untimed first run of each
command writes it — otherwise an editable checkout compiles its own modules on every run
(≈0.1 s of ``workforce plan``).
Each run's plan file is checked: proven optimal, the sample district's known plan values
(``EXPECTED``) — a faster run of another plan is no result. Prints a table and writes
benchmarks/results/cli.json.

    .venv/bin/python benchmarks/bench_cli.py [--runs 20] [--plan-runs 7]

Targets: ``workforce --help`` ≤ 0.3 s (issue #12); sample district ``workforce plan`` end to
end ≤ 1.5 s, proven optimal (issue #11 item 5).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "cli.json"
TARGET_S = 0.3
PLAN_TARGET_S = 1.5
EXPECTED = {"moves": 185, "levels": [490.0, 52.0, 1436.4]}
"""The sample district's 2026 plan: moves, and the three objective levels (weighted rural
shortage filled, preference, distance in km), each proven optimal."""


def timed(command: list[str], runs: int, *, env: dict[str, str] | None = None,
          cwd: Path | None = None, before=None, after=None) -> list[dict[str, float]]:  # fmt: skip
    """Per run of ``runs`` fresh processes: wall seconds, CPU seconds (the child's user +
    system, from ``wait4``) and the child's peak resident memory in MB. ``before`` runs untimed
    before each run, ``after`` untimed after each (it checks the output)."""
    measured = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env, cwd=cwd)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: exit code {child.returncode}")
        measured.append({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                         "rss_mb": usage.ru_maxrss / 1024})  # fmt: skip
        if after:
            after()
    return measured


def check_plan_file(path: Path) -> None:
    """Refuse a run whose plan is not the sample district's known optimal plan."""
    plan = json.loads(path.read_text(encoding="utf-8"))
    levels = [round(o["value"], 1) for o in plan["objectives"]]
    proven = all(o["proven_optimal"] for o in plan["objectives"])
    got = {"moves": len(plan["moves"]), "levels": levels}
    if plan["status"] != "optimal" or not proven or got != EXPECTED:
        raise SystemExit(f"unexpected plan: status {plan['status']}, proven {proven}, {got}")


def installed_env() -> dict[str, str]:
    """This environment as an installed copy runs: bytecode written and reused."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def time_plan(workforce: str, runs: int) -> dict[str, object]:
    """``workforce plan --year 2026 --out plan.json`` on a freshly loaded sample district."""
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as scratch:
        folder = Path(scratch)
        home, pristine = folder / "var", folder / "pristine"
        env = {**installed_env(), "WORKFORCE_HOME": str(home)}
        env.pop("WORKFORCE_DATABASE_URL", None)
        subprocess.run([workforce, "demo"], check=True, stdout=subprocess.DEVNULL, env=env,
                       cwd=folder)  # fmt: skip
        shutil.copytree(home, pristine)
        out = folder / "plan.json"

        def restore() -> None:
            shutil.rmtree(home)
            shutil.copytree(pristine, home)
            out.unlink(missing_ok=True)

        timed([workforce, "plan", "--year", "2026", "--out", str(out)], 1, env=env,
              cwd=folder, after=restore)  # untimed: writes the bytecode  # fmt: skip
        runs_done = timed([workforce, "plan", "--year", "2026", "--out", str(out)], runs,
                          env=env, cwd=folder, before=restore,
                          after=lambda: check_plan_file(out))  # fmt: skip
    wall = [r["wall"] for r in runs_done]
    cpu = [r["cpu"] for r in runs_done]
    return {
        "plan_fastest_s": round(min(wall), 3),
        "plan_median_s": round(statistics.median(wall), 3),
        "plan_cpu_fastest_s": round(min(cpu), 3),
        "plan_cpu_median_s": round(statistics.median(cpu), 3),
        "plan_peak_rss_mb": round(max(r["rss_mb"] for r in runs_done)),
        "plan_target_s": PLAN_TARGET_S,
        "plan_met": min(wall) <= PLAN_TARGET_S,
        "plan": f"{EXPECTED['moves']} moves, "
        + " / ".join(f"{v:g}" for v in EXPECTED["levels"])
        + ", proven optimal",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of `workforce --help`")
    parser.add_argument("--plan-runs", type=int, default=7, help="runs of `workforce plan`")
    args = parser.parse_args()
    workforce = str(Path(sys.executable).with_name("workforce"))
    load_before = os.getloadavg()[0]
    timed([workforce, "--help"], 1, env=installed_env())  # untimed: writes the bytecode
    help_s = [r["wall"] for r in timed([workforce, "--help"], args.runs, env=installed_env())]
    bare_s = [r["wall"] for r in timed([sys.executable, "-c", "pass"], args.runs)]
    load_help = os.getloadavg()[0]
    plan = time_plan(workforce, args.plan_runs)
    load_after = os.getloadavg()[0]
    result = {
        "measured": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_before": round(load_before, 2),
        "load_after_help": round(load_help, 2),
        "load_after": round(load_after, 2),
        "runs": args.runs,
        "help_fastest_s": round(min(help_s), 3),
        "help_median_s": round(statistics.median(help_s), 3),
        "python_fastest_s": round(min(bare_s), 3),
        "target_s": TARGET_S,
        "met": min(help_s) <= TARGET_S,
        "plan_runs": args.plan_runs,
        **plan,
    }
    print("| what | fastest | median | CPU (fastest) | peak memory | target | load |")
    print("|---|---|---|---|---|---|---|")
    print(f"| `workforce --help` | {result['help_fastest_s']:.3f} s | "
          f"{result['help_median_s']:.3f} s | — (bare python {result['python_fastest_s']:.3f} s) | — | "
          f"≤ {TARGET_S} s | {load_before:.1f} → {load_help:.1f} |")  # fmt: skip
    print(f"| sample district `workforce plan` end to end ({plan['plan']}) | "
          f"{plan['plan_fastest_s']:.3f} s | {plan['plan_median_s']:.3f} s | "
          f"{plan['plan_cpu_fastest_s']:.3f} s | {plan['plan_peak_rss_mb']} MB | ≤ {PLAN_TARGET_S} s | "
          f"{load_help:.1f} → {load_after:.1f} |")  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
