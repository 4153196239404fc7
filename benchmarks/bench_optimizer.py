"""Benchmark of the rotation optimizer: greedy baseline, LP bound, MIP (HiGHS) and CP-SAT.

    .venv/bin/python benchmarks/bench_optimizer.py            # 3,400 / 30,000 / 100,000 teachers
    .venv/bin/python benchmarks/bench_optimizer.py --sizes 3400 --cpsat

Prints a table and writes benchmarks/results/optimizer.json. The instance source is a callable
`(n_teachers, seed) -> Instance` (`--source module:function`). The default is the project's
own sample district, the path `workforce demo` takes: `workforce.sample.generate_district`,
loaded into a SQLite file (kept under /tmp between runs: generating and loading 100,000 teachers
takes about 3 minutes), read back by `workforce.snapshot.build_instance`. `--source synthetic`
uses the random district below instead.

Memory: each method's row has its own peak (`peak_rss_mb`, Linux's VmHWM reset before it, the
instance in memory); a plan's independent check (`optimizer.check_plan`, which re-solves level
1's LP) has its peak apart (`checker_peak_rss_mb`), as `workforce check-plan` runs in a process
of its own. The 1 GB target of issue #11 is the solve's.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import math
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from optimizer import Instance, Plan, SolveSettings, check_plan, load_rules, solve  # noqa: E402
from optimizer.baseline import greedy_plan  # noqa: E402
from optimizer.bounds import lp_bound  # noqa: E402
from optimizer.instance import Designation, Exemption, School, SubjectStaffing, Teacher  # noqa: E402
from optimizer.memory import release_freed_memory  # noqa: E402

InstanceSource = Callable[[int, int], Instance]

AS_OF = date(2026, 9, 1)
PRIMARY_MIX = {"chinese": 30, "math": 24, "english": 10, "pe": 8, "music": 5, "art": 5,
               "science": 6, "it": 3, "psychology": 2, "labour": 2, "politics": 5}
JUNIOR_MIX = {"chinese": 16, "math": 16, "english": 14, "physics": 7, "chemistry": 5,
              "biology": 5, "history": 6, "geography": 5, "politics": 6, "pe": 8, "music": 3,
              "art": 3, "it": 3, "psychology": 2, "labour": 1}
EXTRA = {"chinese": ["politics", "history"], "math": ["science", "it", "physics"],
         "english": ["music"], "physics": ["science"], "biology": ["science"],
         "politics": ["history"], "pe": ["labour"], "music": ["art"], "art": ["music"]}
PRIORITY = ("pe", "music", "art", "science", "psychology")


def synthetic_district(n_teachers: int, seed: int = 0) -> Instance:
    """A random district shaped like Yuancheng: ~35% rural schools, quality and weak ones,
    primary / nine-year / junior / senior, rural shortages mostly in PE, arts, science and
    psychology. About 1 school per 50 teachers."""
    rng = random.Random(seed)
    n_schools = max(4, round(n_teachers / 50))
    schools: list[dict[str, Any]] = []
    for i in range(n_schools):
        rural = rng.random() < 0.35
        level = rng.choices(["primary", "nine_year", "junior", "senior"], [55, 15, 25, 5])[0]
        radius = 25 if rural else 5
        schools.append(dict(
            code=f"S{i:04d}", name=f"{'乡村' if rural else '城区'}{i}号学校",
            zone="rural" if rural else "urban", is_quality=not rural and rng.random() < 0.2,
            is_weak=rng.random() < 0.15, level=level,
            lat=23.74 + rng.uniform(-radius, radius) / 111, lon=114.70 + rng.uniform(-radius, radius) / 102,
            size=max(8, round(rng.gauss(0.7 if rural else 1.15, 0.3) * n_teachers / n_schools)),
        ))
    teachers: list[Teacher] = []
    for s in schools:
        mix = PRIMARY_MIX if s["level"] == "primary" else JUNIOR_MIX
        cert = {"primary": "primary", "nine_year": "junior", "junior": "junior",
                "senior": "senior"}[s["level"]]
        for k in range(s["size"]):
            main = rng.choices(list(mix), list(mix.values()))[0]
            can = [main] + ([rng.choice(EXTRA[main])] if main in EXTRA and rng.random() < 0.3
                            else [])
            years_here = rng.uniform(0, 22)
            to_retire = rng.uniform(0.5, 36)
            key = rng.random() < 0.15
            wishes = []
            if rng.random() < 0.05:
                wishes = [o["code"] for o in rng.sample(schools, 3) if o["code"] != s["code"]]
            teachers.append(Teacher(
                staff_no=f"{s['code']}-{k:03d}", name=f"教师{s['code']}{k}", school=s["code"],
                gender=rng.choice(["male", "female"]),
                post_type="established" if rng.random() < 0.93 else "temporary",
                main_subject=main, can_teach=can,
                cert_levels=[cert] if rng.random() < 0.8 else [cert, "senior"],
                joined_school_on=AS_OF - timedelta(days=round(years_here * 365.25)),
                retirement_date=AS_OF + timedelta(days=round(to_retire * 365.25)),
                designations=[Designation(kind="key_teacher", tier=rng.choice(["district", "city"]),
                                          valid_from=date(2024, 1, 1),
                                          valid_until=date(2027, 12, 31))] if key else [],
                exemptions=[Exemption(reason="deferred", from_date=date(2026, 1, 1),
                                      until=date(2027, 7, 31))] if rng.random() < 0.03 else [],
                last_rotation_end=date(2025, 7, 31) if rng.random() < 0.04 else None,
                is_principal=k == 0,
                principal_terms_at_school=rng.choices([0, 1, 2], [5, 4, 1])[0] if k == 0 else 0,
                wishes=wishes, volunteer=rng.random() < 0.03,
            ))
    by_school: dict[str, dict[str, int]] = {}
    headcount: dict[str, int] = {}
    for t in teachers:
        if t.post_type == "established":
            by_school.setdefault(t.school, {}).setdefault(t.main_subject, 0)
            by_school[t.school][t.main_subject] += 1
            headcount[t.school] = headcount.get(t.school, 0) + 1
    built = []
    for s in schools:
        staff = []
        subjects = sorted(set(by_school.get(s["code"], {})) | set(PRIORITY))
        for j in subjects:
            in_post = by_school.get(s["code"], {}).get(j, 0)
            shortage = 0
            if s["zone"] == "rural" and rng.random() < (0.45 if j in PRIORITY else 0.08):
                shortage = rng.randint(1, 2)
            elif rng.random() < 0.03:
                shortage = 1
            staff.append(SubjectStaffing(subject=j, in_post=in_post, shortage=shortage,
                                         min_keep=math.ceil(in_post * 0.6)))
        ceiling = headcount.get(s["code"], 0) + (rng.randint(1, 5) if s["zone"] == "rural"
                                                 else rng.randint(0, 2))
        built.append(School(code=s["code"], name=s["name"], zone=s["zone"],
                            is_quality=s["is_quality"], is_weak=s["is_weak"], level=s["level"],
                            post_ceiling=ceiling, lat=s["lat"], lon=s["lon"], staffing=staff))
    return Instance(year=2026, as_of=AS_OF, rules=load_rules(), schools=built, teachers=teachers)


SAMPLE_CACHE = Path("/tmp/workforce-bench")


def sample_district(n_teachers: int, seed: int = 2021) -> Instance:
    """The sample district of `n_teachers` through the registry, as the CLI builds it; the
    loaded SQLite file is cached in SAMPLE_CACHE (a marker file says the load finished).

    The district is generated and loaded in a process of its own (`_load_sample`): the
    generator's modules are not `workforce plan`'s — the pinyin tables for the teachers' name
    initials alone hold 55 MB — and in this process they would count in every peak measured."""
    from sqlmodel import Session

    from workforce.db import make_engine, migrate
    from workforce.snapshot import build_instance

    SAMPLE_CACHE.mkdir(parents=True, exist_ok=True)
    path = SAMPLE_CACHE / f"district-{n_teachers}-{seed}.sqlite"
    loaded = path.with_suffix(".loaded")
    if not loaded.exists():
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        subprocess.run([sys.executable, "-c", _LOAD_SAMPLE, str(path), str(n_teachers), str(seed)],
                       check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        loaded.touch()
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)  # a file cached before a schema change (e.g. school.county) is upgraded
    with Session(engine) as session:
        instance = build_instance(session, year=2026)
    engine.dispose()
    return instance


_LOAD_SAMPLE = """
import sys
from workforce.db import make_engine, migrate
from workforce.sample import generate_district, load_district
engine = make_engine(f"sqlite:///{sys.argv[1]}")
migrate(engine)
load_district(engine, generate_district(teachers=int(sys.argv[2]), seed=int(sys.argv[3])))
engine.dispose()
"""
"""Generate the sample district and load it into the SQLite file (path, teachers, seed)."""


def weighted_fill(plan: Plan) -> int:
    """Weighted rural shortage slots a plan fills (the first objective level, recomputed)."""
    return sum(s.weight * s.filled for s in plan.shortages)


def peak_rss_mb() -> float:
    """Peak resident memory of this process since `reset_peak_rss` (Linux: VmHWM), in MiB;
    elsewhere the peak since the process started."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                   psutil.Process().memory_info().rss / 2**20)
    kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(kib) / 1024


def current_rss_mb() -> int:
    """Resident memory of this process now, in MiB."""
    return round(psutil.Process().memory_info().rss / 2**20)


def reset_peak_rss() -> None:
    """Start a new peak at the current resident memory (Linux: writing 5 to clear_refs), so
    that each method's row shows its own peak — with the instance in memory, as a solve has it
    — not the instance's build or an earlier method's."""
    with contextlib.suppress(OSError):  # not Linux, or a kernel before 4.0
        Path("/proc/self/clear_refs").write_text("5")


def run_method(name: str, instance: Instance, make: Callable[[], Plan | float]) -> dict[str, Any]:
    # Each method meets the instance as read from the registry: what an earlier method worked
    # out on it (who may rotate, the quota bases, the lookups by code) is not reused — a method
    # run after another would get those for free (100,000 teachers: about 0.8 s).
    instance.__pydantic_private__["_indexes"].clear()
    release_freed_memory()  # an earlier method's garbage is not this one's
    rss_before = current_rss_mb()
    reset_peak_rss()
    started, cpu = time.perf_counter(), time.process_time()
    result = make()
    elapsed = time.perf_counter() - started
    row: dict[str, Any] = {"method": name, "time_final_s": round(elapsed, 2),
                           "cpu_s": round(time.process_time() - cpu, 2),
                           "rss_before_mb": rss_before,
                           "peak_rss_mb": round(peak_rss_mb())}  # the method's own
    if isinstance(result, Plan):
        # The checker runs apart (`workforce check-plan` is its own process): its peak is
        # its own row field, with the plan and the instance in memory.
        release_freed_memory()
        reset_peak_rss()
        findings = check_plan(instance, result)
        row["checker_peak_rss_mb"] = round(peak_rss_mb())
        row.update(
            status=result.status, time_first_s=result.stats.time_to_first_plan_s,
            levels=[o.value for o in result.objectives], bound=result.best_bound,
            gap=result.relative_gap, level_gaps=[o.relative_gap for o in result.objectives],
            weighted_fill=weighted_fill(result),
            moves=len(result.moves),
            quotas_met=bool(result.moves) and all(q.met for q in result.quotas),
            checker_findings=len(findings), pruning=result.stats.pruning,
            groups=result.stats.groups, arcs=result.stats.arcs,
        )
    else:
        row.update(status="lp", bound=round(result, 2))
    row["load_average_1m"] = round(os.getloadavg()[0], 2)
    return row


def bench(source: InstanceSource, label: str, seed: int, sizes: list[int], cpsat_up_to: int,
          time_limits: dict[int, float]) -> list[dict[str, Any]]:
    rows = []
    for n in sizes:
        started = time.perf_counter()
        instance = source(n, seed)
        built = round(time.perf_counter() - started, 1)
        limit = time_limits.get(n, 300.0)
        settings = SolveSettings(time_limit_s=limit, backend="highs")
        # The solve first, right after the registry read as in `workforce plan`: a method run
        # before it leaves memory the allocator keeps, which its peak would count (the LP
        # bound's 1.27 GB at 100,000 teachers raised the solve's peak from 1,037 to 1,074 MB).
        runs = [
            run_method("lp_guided_highs", instance, lambda i=instance, s=settings: solve(i, s)),
            run_method("greedy", instance, lambda i=instance: greedy_plan(i)),
            run_method("lp_bound", instance, lambda i=instance, s=settings: lp_bound(i, s)),
        ]
        if n <= cpsat_up_to:
            for backend in ("scip", "cpsat"):
                guided = settings.model_copy(update={"backend": backend})
                runs.append(run_method(f"lp_guided_{backend}", instance,
                                       lambda i=instance, s=guided: solve(i, s)))
            for backend in ("highs", "scip", "cpsat"):
                plain = settings.model_copy(update={"backend": backend, "lp_guided": False})
                runs.append(run_method(f"plain_{backend}", instance,
                                       lambda i=instance, s=plain: solve(i, s)))
        greedy_fill = next(r["weighted_fill"] for r in runs if r["method"] == "greedy")
        for row in runs:
            row.update(instance=f"{label}-{n}", teachers=len(instance.teachers),
                       schools=len(instance.schools), instance_build_s=built)
            if "weighted_fill" in row and greedy_fill:
                row["better_than_greedy_pct"] = round(100 * (row["weighted_fill"] / greedy_fill - 1), 1)
            if row["method"] == "lp_guided_highs":
                row["targets"] = targets_met(n, row)
                if row.get("bound") is not None and greedy_fill:
                    # What any plan could gain over the greedy at most: the bound holds for the
                    # exact model, so below +30% the 30% target cannot be met on this instance.
                    row["bound_vs_greedy_pct"] = round(100 * (row["bound"] / greedy_fill - 1), 1)
            rows.append(row)
            print_row(row)
        del instance  # not alive while the next size is read and solved
    return rows


def targets_met(n: int, row: dict[str, Any]) -> dict[str, bool]:
    """The targets of issue #11 for a size: the ~3,400 sample district proven optimal within
    1.5 s (the solve; the issue's 1.5 s is `workforce plan` end to end, measured apart); 30,000
    with all three levels proven within 5 s; 100,000 within 0.1% (level 1's gap, against a bound
    that holds for the exact model) in 30 s and 1 GB. Also: every quota met, the independent
    checker finds nothing (a plan it refuses meets no target), and (the older target) at least
    30% more weighted rural fill than the greedy clerk."""
    gaps = row.get("level_gaps") or []
    gap = gaps[0] if gaps else None
    met = {"quotas": bool(row.get("quotas_met")),
           "vs_greedy_30pct": row.get("better_than_greedy_pct", 0.0) >= 30.0,
           "checker_passes": row.get("checker_findings") == 0}
    if n <= 3400:
        met.update(time=row["time_final_s"] <= 1.5, proven_optimal=row["status"] == "optimal")
    elif n <= 30000:
        met.update(time=row["time_final_s"] <= 5.0, proven_optimal=row["status"] == "optimal")
    else:
        met.update(time=row["time_final_s"] <= 30.0, gap=gap is not None and gap <= 0.001,
                   memory=row["peak_rss_mb"] <= 1024)
    return met


COLUMNS = ("instance", "teachers", "method", "status", "time_first_s", "time_final_s", "cpu_s",
           "levels",
           "bound", "level_gaps", "weighted_fill", "better_than_greedy_pct", "bound_vs_greedy_pct",
           "quotas_met",
           "rss_before_mb", "peak_rss_mb", "checker_peak_rss_mb", "load_average_1m", "targets")


def print_row(row: dict[str, Any]) -> None:
    print(" | ".join(str(row.get(c, "")) for c in COLUMNS), flush=True)


def load_source(spec: str) -> InstanceSource:
    if spec == "sample":
        return sample_district
    if spec == "synthetic":
        return synthetic_district
    module, _, function = spec.partition(":")
    return getattr(importlib.import_module(module), function)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3400, 30000, 100000])
    parser.add_argument("--source", default="sample",
                        help="sample, synthetic, or module:function returning an Instance (n, seed)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--cpsat-up-to", type=int, default=0,
                        help="also compare SCIP, CP-SAT and the plain MIPs up to this size")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "optimizer.json")
    args = parser.parse_args(argv)
    print(" | ".join(COLUMNS))
    label = args.source if args.source in ("sample", "synthetic") else "custom"
    rows = bench(load_source(args.source), label, args.seed, args.sizes, args.cpsat_up_to,
                 {3400: 30.0, 30000: 60.0, 100000: 300.0})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
