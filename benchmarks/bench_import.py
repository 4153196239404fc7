"""Benchmark of the registry import: a 100,000-teacher sheet, xlsx and CSV, into a fresh database.

    .venv/bin/python benchmarks/bench_import.py                 # 100,000 teachers
    .venv/bin/python benchmarks/bench_import.py --teachers 3400
    .venv/bin/python benchmarks/bench_import.py --reuse /tmp/bench-import-100k

``--reuse DIR`` keeps the exported files in DIR (generating, loading and exporting the district
only when they are not there yet: about three minutes for 100,000 teachers), so repeated runs
time the imports alone.

Steps: generate the sample district (workforce.sample) → load it into a scratch SQLite
database → export schools and teachers to xlsx and CSV (ID numbers unmasked, so that a fresh
database can take them) → for each format, in a child process of its own: migrate a fresh
database, import the schools file, then time the teachers import (read, parse, validate,
encrypt, write, audit; with a progress callback, as ``workforce import`` on a terminal passes one)
and measure the process's peak memory and CPU time (the wall time
depends on what else the machine runs: the load average is recorded with it). Targets (brief): xlsx ≤ 20 s,
CSV ≤ 10 s, peak ≤ 2 GB. Prints a table and writes benchmarks/results/import.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workforce import config, db  # noqa: E402
from workforce.io.entities import SCHOOLS, TEACHERS  # noqa: E402
from workforce.io.exporter import export_entity  # noqa: E402
from workforce.io.importer import import_file  # noqa: E402
from workforce.sample import generate_district, load_district  # noqa: E402

TARGET_SECONDS = {"xlsx": 20.0, "csv": 10.0}
TARGET_PEAK_MB = 2048.0
RESULTS = ROOT / "benchmarks" / "results" / "import.json"


def _peak_mb() -> float:
    """This process's peak resident memory (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _generator_teachers(wanted: int, seed: int) -> int:
    """The generator's ``teachers`` (public primary and secondary only) for a district of
    about ``wanted`` teachers in all (kindergartens and private schools included), from
    the ratio of a small probe district."""
    probe = 3400
    return round(wanted * probe / len(generate_district(teachers=probe, seed=seed).teachers))


def prepare_files(teachers: int, seed: int, workdir: Path) -> dict[str, Any]:
    """Generate, load and export the district; returns the files and the preparation times."""
    started = time.perf_counter()
    district = generate_district(teachers=_generator_teachers(teachers, seed), seed=seed)
    generated = time.perf_counter()
    scratch = db.make_engine(f"sqlite:///{workdir / 'scratch.sqlite3'}")
    db.migrate(scratch)
    load_district(scratch, district)
    loaded = time.perf_counter()
    files: dict[str, dict[str, str]] = {}
    for suffix in ("xlsx", "csv"):
        files[suffix] = {}
        for spec in (SCHOOLS, TEACHERS):
            out = workdir / f"{spec.name}.{suffix}"
            export_entity(scratch, spec, out, actor="benchmark", unmask_id_numbers=True)
            files[suffix][spec.name] = str(out)
    exported = time.perf_counter()
    scratch.dispose()
    return {
        "files": files,
        "teachers_in_district": len(district.teachers),
        "schools_in_district": len(district.schools),
        "generate_s": round(generated - started, 2),
        "load_s": round(loaded - generated, 2),
        "export_both_formats_s": round(exported - loaded, 2),
    }


def _prepared(reuse: Path | None, teachers: int, seed: int, scratch: Path) -> dict[str, Any]:
    """The exported files: from ``reuse`` when it holds them, else made (and kept there)."""
    if reuse is None:
        return prepare_files(teachers, seed, scratch)
    manifest = reuse / "prepared.json"
    if manifest.exists():
        prepared = json.loads(manifest.read_text(encoding="utf-8"))
        if prepared["teachers"] == teachers and prepared["seed"] == seed:
            return prepared
    reuse.mkdir(parents=True, exist_ok=True)
    prepared = {"teachers": teachers, "seed": seed, **prepare_files(teachers, seed, reuse)}
    manifest.write_text(json.dumps(prepared, indent=2), encoding="utf-8")
    return prepared


def run_import(suffix: str, files: dict[str, str], workdir: str) -> dict[str, Any]:
    """In a fresh process: a fresh migrated database, schools first, then the timed teachers."""
    engine = db.make_engine(f"sqlite:///{Path(workdir) / f'fresh-{suffix}.sqlite3'}")
    db.migrate(engine)
    started = time.perf_counter()
    schools = import_file(engine, Path(files["schools"]), actor="benchmark")
    schools_done = time.perf_counter()
    cpu = time.process_time()
    heard: list[tuple[str, int, int | None]] = []
    teachers = import_file(engine, Path(files["teachers"]), actor="benchmark",
                           progress=lambda *call: heard.append(call))  # fmt: skip
    finished = time.perf_counter()
    cpu = time.process_time() - cpu
    engine.dispose()
    counts = teachers.counts()
    return {
        "format": suffix,
        "schools_status": schools.status,
        "schools_s": round(schools_done - started, 2),
        "teachers_status": teachers.status,
        "teachers_created": counts.get("teachers.created", 0),
        "problems": len(teachers.problems) + len(schools.problems),
        "teachers_s": round(finished - schools_done, 2),
        "teachers_cpu_s": round(cpu, 2),
        "progress_calls": len(heard),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "target_s": TARGET_SECONDS[suffix],
        "peak_mb": round(_peak_mb(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--formats", nargs="+", choices=("xlsx", "csv"), default=["xlsx", "csv"])
    parser.add_argument("--reuse", type=Path, help="keep/reuse the exported files in this folder")
    args = parser.parse_args()
    config.get_settings.cache_clear()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        prepared = _prepared(args.reuse, args.teachers, args.seed, Path(tmp))
        context = multiprocessing.get_context("spawn")
        runs = []
        for suffix in args.formats:
            with context.Pool(1) as pool:
                runs.append(pool.apply(run_import, (suffix, prepared["files"][suffix], tmp)))
    for run in runs:
        run["passed"] = (
            run["teachers_status"] == "committed"
            and run["teachers_s"] <= run["target_s"]
            and run["peak_mb"] <= TARGET_PEAK_MB
        )
    print_table(prepared, runs)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "teachers": args.teachers,
        "seed": args.seed,
        "machine": {"python": platform.python_version(), "cpus": multiprocessing.cpu_count()},
        "preparation": {
            k: v for k, v in prepared.items() if k not in ("files", "teachers", "seed")
        },
        "imports": runs,
        "target_peak_mb": TARGET_PEAK_MB,
    }
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def print_table(prepared: dict[str, Any], runs: list[dict[str, Any]]) -> None:
    print(
        f"district: {prepared['teachers_in_district']} teachers, "
        f"{prepared['schools_in_district']} schools; generate {prepared['generate_s']} s, "
        f"load {prepared['load_s']} s, export xlsx+csv {prepared['export_both_formats_s']} s"
    )
    header = ("format", "teachers", "schools s", "teachers s", "cpu s", "target s", "peak MB",
              "load", "ok")  # fmt: skip
    print("{:<7} {:>9} {:>10} {:>11} {:>7} {:>9} {:>9} {:>5} {:>4}".format(*header))
    for r in runs:
        print(
            f"{r['format']:<7} {r['teachers_created']:>9} {r['schools_s']:>10} "
            f"{r['teachers_s']:>11} {r['teachers_cpu_s']:>7} {r['target_s']:>9} "
            f"{r['peak_mb']:>9} {r['load_average_1min']:>5} {'yes' if r['passed'] else 'NO':>4}"
        )
    print("load = 1-minute load average of the machine after the import (2 cores)")


if __name__ == "__main__":
    main()
