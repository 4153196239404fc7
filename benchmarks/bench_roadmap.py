"""Benchmark of the multi-year roadmap (optimizer.roadmap) on the sample district.

    .venv/bin/python benchmarks/bench_roadmap.py [--years 5] [--time-limit 60] [--cache DIR]

The instance is the sample district of 3,400 teachers as `bench_optimizer.py` builds it (the
registry path, cached as SQLite under --cache). Prints a table and writes
benchmarks/results/roadmap.json: wall and CPU seconds, the 1-minute load before and after (the
machine is shared: compare CPU seconds), the status, each level's value and bound, and whether
the first year passes the independent checker. Target (issue #14): proven optimal, or its gap
stated, within 60 s.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_optimizer  # noqa: E402  (the sample district's cached builder)

from optimizer.roadmap import solve_roadmap  # noqa: E402
from optimizer.settings import SolveSettings  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "roadmap.json"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--teachers", type=int, default=3400)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--cache", type=Path, default=bench_optimizer.SAMPLE_CACHE)
    args = parser.parse_args(argv)
    bench_optimizer.SAMPLE_CACHE = args.cache
    instance = bench_optimizer.sample_district(args.teachers)
    load_before = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    roadmap = solve_roadmap(
        instance, args.years, settings=SolveSettings(time_limit_s=args.time_limit)
    )
    row = {
        "instance": f"sample-{args.teachers}",
        "teachers": len(instance.teachers),
        "years": args.years,
        "time_limit_s": args.time_limit,
        "wall_s": round(time.perf_counter() - wall, 1),
        "cpu_s": round(time.process_time() - cpu, 1),
        "load_1m_before": round(load_before, 2),
        "load_1m_after": round(os.getloadavg()[0], 2),
        "status": roadmap.status,
        "variables": roadmap.variables,
        "groups": roadmap.groups,
        "pruned_to": roadmap.pruned_to,
        "levels": [
            {"name": lv.name, "value": lv.value, "bound": lv.bound, "proven": lv.proven_optimal}
            for lv in roadmap.objectives
        ],
        "moves_per_year": [len(y.moves) for y in roadmap.years],
        "cohort": roadmap.cohort,
        "uncovered": len(roadmap.uncovered),
        "first_year_findings": len(roadmap.first_year_findings),
    }
    for key in (
        "instance",
        "years",
        "wall_s",
        "cpu_s",
        "load_1m_before",
        "load_1m_after",
        "status",
        "variables",
        "pruned_to",
        "moves_per_year",
        "uncovered",
        "first_year_findings",
    ):
        print(f"{key:22s} {row[key]}")
    for level in row["levels"]:
        print(
            f"  {level['name']:22s} {level['value']}  bound {level['bound']}  "
            f"{'proven' if level['proven'] else 'not proven'}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps([row], indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
