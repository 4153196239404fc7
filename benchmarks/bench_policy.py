"""Benchmark of the policy simulation and the marginal values (issue #14) on the sample district.

    .venv/bin/python benchmarks/bench_policy.py            # the sample district, 3,400 teachers
    .venv/bin/python benchmarks/bench_policy.py --teachers 10000

Prints a table and writes benchmarks/results/policy.json: per question its CPU and wall
seconds, the 1-minute load beside them (the machine is shared), and what it answered — the
simulated plan's levels and moves, or the marginal values' binding rows and how many of the top
entries hold for a whole step. The sample district comes from `bench_optimizer.sample_district`
(the path `workforce demo` takes, cached under /tmp).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_optimizer import sample_district  # noqa: E402

from optimizer import SolveSettings, solve  # noqa: E402
from optimizer.duals import marginal_values  # noqa: E402
from optimizer.simulate import PolicyChanges, simulate  # noqa: E402

SETTINGS = SolveSettings(time_limit_s=60)


def timed(name: str, run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    cpu, wall = time.process_time(), time.perf_counter()
    row = run()
    return {"question": name, "cpu_s": round(time.process_time() - cpu, 2),
            "wall_s": round(time.perf_counter() - wall, 2),
            "load_average_1m": round(os.getloadavg()[0], 2), **row}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--teachers", type=int, default=3400)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" /
                        "policy.json")
    args = parser.parse_args(argv)
    instance = sample_district(args.teachers)
    base = solve(instance, SETTINGS)
    rural = {s.code: 10 for s in instance.schools if s.zone == "rural"}
    simulations = {
        "school share 10% → 15%": PolicyChanges(rules={"quotas.school_share": 0.15}),
        "6-year rule → 5 years": PolicyChanges(rules={"eligibility.min_years_at_school": 5}),
        "PE weight → 9": PolicyChanges(rules={"objective.subject_weights.pe": 9}),
        "+10 posts at each rural school": PolicyChanges(post_ceilings=rural),
    }
    rows = []
    for name, changes in simulations.items():
        def run(changes: PolicyChanges = changes) -> dict[str, Any]:
            result = simulate(instance, base, changes, SETTINGS)
            return {"status": result.status, "moves": f"{len(base.moves)} → "
                    f"{len(result.plan.moves)}", "levels": " / ".join(
                        f"{lv.before} → {lv.after}" for lv in result.levels)}
        rows.append(timed(f"simulate: {name}", run))
    for level in ("rural_shortage_filled", "preference", "distance"):
        def run(level: str = level) -> dict[str, Any]:
            values = marginal_values(instance, level, 10, settings=SETTINGS)
            return {"status": f"LP {values.lp_value}", "moves": f"{values.binding} of "
                    f"{values.rows} rows bind", "levels": f"top {len(values.entries)}, "
                    f"{sum(bool(e.holds) for e in values.entries)} hold for a whole step"}
        rows.append(timed(f"marginal values: {level}", run))
    print(f"{'question':44} {'cpu s':>6} {'wall s':>7} {'load':>5}  answer")
    for row in rows:
        print(f"{row['question']:44} {row['cpu_s']:6.2f} {row['wall_s']:7.2f} "
              f"{row['load_average_1m']:5.2f}  {row['status']}; {row['moves']}; {row['levels']}")
    args.out.write_text(json.dumps({"teachers": len(instance.teachers),
                                    "schools": len(instance.schools), "rows": rows},
                                   ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
