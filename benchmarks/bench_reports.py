"""Time every oversight report over a large synthetic district.

generate_district(teachers=N) → load into a scratch SQLite file (migrated) → time each report
function (the computation the CLI and the web API share) and, separately, writing its xlsx.
Then all five again in one session that reads each registry table once
(:func:`workforce.reports.frames.shared_reads`), as when they are built together.
Prints a table and writes benchmarks/results/reports.json.

    .venv/bin/python benchmarks/bench_reports.py [--teachers 100000] [--seed 2021]
    .venv/bin/python benchmarks/bench_reports.py --reuse /tmp/district.sqlite3

``--reuse FILE`` keeps the loaded district in FILE (generating and loading it only when FILE
does not exist; a reused district is taken to be the default one, as of 2026-09-01), so
repeated runs time the reports alone. Both wall-clock and CPU seconds are recorded: on a shared
machine the CPU time is the steadier measure.

``--counties N`` times a prefecture city instead: the district's schools spread over N counties
(round robin by id, on a scratch copy of the database), so every report also builds its
by-county view and the rotation report judges its quotas per county; results go to
benchmarks/results/reports-counties.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from workforce.db import make_engine, migrate
from workforce.reports import frames
from workforce.reports.output import save_report
from workforce.reports.qualifications import qualifications_report
from workforce.reports.rotation import rotation_report
from workforce.reports.staffing import staffing_report
from workforce.reports.talent import talent_report
from workforce.reports.training import training_report
from workforce.sample import generate_district, load_district
from workforce.sample.district import DEFAULT_AS_OF

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
    parser.add_argument("--reuse", type=Path, help="keep/reuse the loaded district in this file")
    parser.add_argument("--without-xlsx", action="store_true", help="time the reports only")
    parser.add_argument("--counties", type=int, help="spread the schools over N counties")
    args = parser.parse_args()
    results = RESULTS.with_name("reports-counties.json") if args.counties else RESULTS
    load_at_start = os.getloadavg()[0]

    with tempfile.TemporaryDirectory() as scratch:
        database = args.reuse or Path(scratch) / "bench.sqlite3"
        engine = make_engine(f"sqlite:///{database}")
        generated: float | None = None
        loaded: float | None = None
        counts: dict[str, int] = {}
        as_of = DEFAULT_AS_OF  # the generator's reference date, which the loaded district has
        if not (args.reuse and database.exists() and database.stat().st_size > 1_000_000):
            started = time.perf_counter()
            district = generate_district(teachers=args.teachers, seed=args.seed, as_of=as_of)
            generated = round(time.perf_counter() - started, 2)
            migrate(engine)
            started = time.perf_counter()
            counts = load_district(engine, district)
            loaded = round(time.perf_counter() - started, 2)
        if args.counties:
            engine = _city_copy(engine, database, Path(scratch) / "city.sqlite3", args.counties)
        timings = []
        for name, make in REPORTS.items():
            with Session(engine) as session:
                wall, cpu = time.perf_counter(), time.process_time()
                report = make(session, as_of=as_of)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            written = None
            if not args.without_xlsx:
                started = time.perf_counter()
                save_report(report, Path(scratch) / f"{name}.xlsx")
                written = round(time.perf_counter() - started, 3)
            timings.append(
                {
                    "report": name,
                    "compute_s": round(wall, 3),
                    "compute_cpu_s": round(cpu, 3),
                    "xlsx_s": written,
                    "rows": sum(len(v.rows) for v in report.views),
                }
            )
        together = _all_together(engine, as_of)
        engine.dispose()

    total = round(sum(t["compute_s"] for t in timings), 2)
    total_cpu = round(sum(t["compute_cpu_s"] for t in timings), 2)
    print(
        f"district: {args.teachers} teachers (seed {args.seed}), "
        f"{args.counties or 1} count{'ies' if args.counties else 'y'}, as of {as_of}; "
        f"generated in {generated if generated is not None else '(reused)'} s; loaded in {loaded if loaded is not None else '(reused)'} s"
    )
    print(f"{'report':<16}{'wall s':>9}{'cpu s':>9}{'xlsx s':>9}{'rows':>9}")
    for t in timings:
        print(
            f"{t['report']:<16}{t['compute_s']:>9.2f}{t['compute_cpu_s']:>9.2f}"
            f"{t['xlsx_s'] if t['xlsx_s'] is not None else '-':>9}{t['rows']:>9}"
        )
    print(f"{'sum of the five':<16}{total:>9.2f}{total_cpu:>9.2f}")
    print(
        f"{'all together':<16}{together['wall_s']:>9.2f}{together['cpu_s']:>9.2f}"
        "   (one session, shared reads)"
    )
    print(
        f"load average (1 min): {load_at_start:.1f} at the start, {os.getloadavg()[0]:.1f} at "
        f"the end, on {os.cpu_count()} cores"
    )
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(
        json.dumps(
            {
                "teachers": args.teachers,
                "seed": args.seed,
                "counties": args.counties,
                "as_of": as_of.isoformat(),
                "measured_on": dt.date.today().isoformat(),
                "machine": f"{platform.platform()}, {os.cpu_count()} cores",
                "load_average_at_start": load_at_start,
                "load_average_at_end": os.getloadavg()[0],
                "generate_s": generated,
                "load_s": loaded,
                "rows_loaded": counts,
                "reports": timings,
                "all_reports_compute_s": total,
                "all_reports_cpu_s": total_cpu,
                "all_together": together,
            },
            indent=2,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )


def _city_copy(engine: Engine, database: Path, copy: Path, counties: int) -> Engine:
    """A copy of ``database`` whose schools are spread over ``counties`` counties."""
    engine.dispose()
    shutil.copyfile(database, copy)
    city = make_engine(f"sqlite:///{copy}")
    with city.begin() as connection:
        connection.execute(text("UPDATE school SET county = '县' || (id % :n)"), {"n": counties})
    return city


def _all_together(engine: Engine, as_of: dt.date) -> dict[str, float]:
    """All five reports built in one session that reads each registry table once
    (:func:`workforce.reports.frames.shared_reads`), as when they are built together."""
    with Session(engine) as session, frames.shared_reads(session):
        wall, cpu = time.perf_counter(), time.process_time()
        for make in REPORTS.values():
            make(session, as_of=as_of)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "load_average": os.getloadavg()[0]}


if __name__ == "__main__":
    main()
