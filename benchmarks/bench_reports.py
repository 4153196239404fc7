"""Time every oversight report over a large synthetic district.

generate_district(teachers=N) → load into a scratch SQLite file (migrated) → time each report
function (the computation the CLI and the web API share) and, separately, writing its xlsx.
Prints a table and writes benchmarks/results/reports.json.

    .venv/bin/python benchmarks/bench_reports.py [--teachers 100000] [--seed 2021]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import tempfile
import time
from pathlib import Path

from sqlmodel import Session

from workforce.db import make_engine, migrate
from workforce.reports.output import save_report
from workforce.reports.qualifications import qualifications_report
from workforce.reports.rotation import rotation_report
from workforce.reports.staffing import staffing_report
from workforce.reports.talent import talent_report
from workforce.reports.training import training_report
from workforce.sample import generate_district, load_district

RESULTS = Path(__file__).resolve().parent / "results" / "reports.json"
REPORTS = {
    "training": training_report,
    "talent": talent_report,
    "qualifications": qualifications_report,
    "staffing": staffing_report,
    "rotation": rotation_report,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        district = generate_district(teachers=args.teachers, seed=args.seed)
        generated = time.perf_counter() - started
        engine = make_engine(f"sqlite:///{Path(scratch) / 'bench.sqlite3'}")
        migrate(engine)
        started = time.perf_counter()
        counts = load_district(engine, district)
        loaded = time.perf_counter() - started
        as_of = district.as_of
        timings = []
        for name, make in REPORTS.items():
            with Session(engine) as session:
                started = time.perf_counter()
                report = make(session, as_of=as_of)
                computed = time.perf_counter() - started
            started = time.perf_counter()
            save_report(report, Path(scratch) / f"{name}.xlsx")
            written = time.perf_counter() - started
            rows = sum(len(v.rows) for v in report.views)
            timings.append(
                {
                    "report": name,
                    "compute_s": round(computed, 3),
                    "xlsx_s": round(written, 3),
                    "rows": rows,
                }
            )
        engine.dispose()

    total = sum(t["compute_s"] for t in timings)
    print(
        f"district: {args.teachers} teachers (seed {args.seed}), as of {as_of}; "
        f"generated in {generated:.1f} s, loaded in {loaded:.1f} s: {counts}"
    )
    print(f"{'report':<16}{'compute s':>10}{'xlsx s':>10}{'rows':>10}")
    for t in timings:
        print(f"{t['report']:<16}{t['compute_s']:>10.2f}{t['xlsx_s']:>10.2f}{t['rows']:>10}")
    print(f"{'all reports':<16}{total:>10.2f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "teachers": args.teachers,
                "seed": args.seed,
                "as_of": as_of.isoformat(),
                "measured_on": dt.date.today().isoformat(),
                "machine": platform.platform(),
                "generate_s": round(generated, 2),
                "load_s": round(loaded, 2),
                "rows_loaded": counts,
                "reports": timings,
                "all_reports_compute_s": round(total, 2),
            },
            indent=2,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
