"""Time ``workforce --help``: how long the command line takes to answer before any work.

Runs the installed ``workforce`` (the one beside this interpreter) ``--runs`` times, each a fresh
process, and reports the fastest and the median wall time with the 1-minute load average before
and after (on a shared machine the fastest run is the steadier figure). Also times the bare
interpreter (``python -c pass``) for reference. Prints a table row and writes
benchmarks/results/cli.json.

    .venv/bin/python benchmarks/bench_cli.py [--runs 20]

Target (issue #12): ``workforce --help`` ≤ 0.3 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "cli.json"
TARGET_S = 0.3


def timed(command: list[str], runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    workforce = str(Path(sys.executable).with_name("workforce"))
    load_before = os.getloadavg()[0]
    help_s = timed([workforce, "--help"], args.runs)
    bare_s = timed([sys.executable, "-c", "pass"], args.runs)
    load_after = os.getloadavg()[0]
    result = {
        "measured": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_before": round(load_before, 2),
        "load_after": round(load_after, 2),
        "runs": args.runs,
        "help_fastest_s": round(min(help_s), 3),
        "help_median_s": round(statistics.median(help_s), 3),
        "python_fastest_s": round(min(bare_s), 3),
        "target_s": TARGET_S,
        "met": min(help_s) <= TARGET_S,
    }
    print("| what | fastest | median | bare python | target | load |")
    print("|---|---|---|---|---|---|")
    print(f"| `workforce --help` | {result['help_fastest_s']:.3f} s | "
          f"{result['help_median_s']:.3f} s | {result['python_fastest_s']:.3f} s | "
          f"≤ {TARGET_S} s | {load_before:.1f} → {load_after:.1f} |")  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
