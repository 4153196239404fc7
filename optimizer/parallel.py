"""Many instances solved at once — the counties of a prefecture city, each its own rotation.

Teachers rotate within their county, so a city (or a province) is many independent instances:
`solve_many` solves them side by side and returns the plans in the instances' order.

- Locally (`executor=None`): a process pool of `workers` processes (default: one per core, no
  more than instances). On Linux the workers are forked after the instances are set aside in
  this module, so they inherit them instead of receiving them through a pipe — pickling a
  30,000-teacher instance takes seconds (pydantic models), far longer than the fork. Each
  worker first freezes what it inherited (`gc.freeze` as the pool's initializer, a constant-time
  list move; the parent's collector is left as it was): its full collections would otherwise
  walk every county's instance (and copy their memory pages, as a traversal touches
  them) — with ten 10,000-teacher instances alive, a county's solve took 5.1–5.3 CPU s in one
  process, 4.0–4.7 s with them frozen.
- Any other `concurrent.futures.Executor` (e.g. Dask's `Client.get_executor()`, Ray's, a
  thread pool): each instance travels as its JSON and is validated again on the worker, so the
  worker needs only this package; see docs/scaling.md.

Biggest instances start first (longest processing time first), so that a large county does
not start last and keep the pool waiting. Each solve keeps its own time limit and thread count
from `settings`; the plans come back as JSON and are validated here.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor

from optimizer.instance import Instance
from optimizer.plan import Plan
from optimizer.settings import SolveSettings

_INHERITED: list[Instance] = []
"""The instances of the current `solve_many` call, for forked workers to read."""


def _solve_inherited(index: int, settings_json: str) -> str:
    from optimizer.solve import solve

    return solve(_INHERITED[index], SolveSettings.model_validate_json(settings_json)
                 ).model_dump_json()


def solve_json(instance_json: str, settings_json: str) -> str:
    """Solve one instance given as JSON and return the plan as JSON: the unit of work a
    remote worker (Dask, Ray) runs, needing nothing but this package."""
    from optimizer.solve import solve

    return solve(Instance.model_validate_json(instance_json),
                 SolveSettings.model_validate_json(settings_json)).model_dump_json()


def solve_many(instances: list[Instance], settings: SolveSettings | None = None, *,
               workers: int | None = None, executor: Executor | None = None) -> list[Plan]:
    """Solve every instance (independently) and return their plans in the same order."""
    settings = settings or SolveSettings()
    if not instances:
        return []
    order = sorted(range(len(instances)), key=lambda i: -len(instances[i].teachers))
    settings_json = settings.model_dump_json()
    if executor is not None:
        futures = {i: executor.submit(solve_json, instances[i].model_dump_json(), settings_json)
                   for i in order}
        return [Plan.model_validate_json(futures[i].result()) for i in range(len(instances))]
    workers = max(1, min(workers or os.cpu_count() or 1, len(instances)))
    if workers == 1:
        from optimizer.solve import solve

        return [solve(instance, settings) for instance in instances]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    global _INHERITED
    _INHERITED = list(instances)
    try:
        if context.get_start_method() == "fork":
            with ProcessPoolExecutor(workers, mp_context=context, initializer=gc.freeze) as pool:
                futures = {i: pool.submit(_solve_inherited, i, settings_json) for i in order}
                results = {i: futures[i].result() for i in order}
        else:  # no fork (macOS, Windows): the instances go to the workers as JSON
            with ProcessPoolExecutor(workers, mp_context=context, initializer=gc.freeze) as pool:
                futures = {i: pool.submit(solve_json, instances[i].model_dump_json(),
                                          settings_json) for i in order}
                results = {i: futures[i].result() for i in order}
    finally:
        _INHERITED = []
    return [Plan.model_validate_json(results[i]) for i in range(len(instances))]
