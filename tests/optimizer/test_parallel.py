"""Counties solved side by side: a local process pool, and the path a province would take
across machines — a Dask cluster (here a LocalCluster of two worker processes)."""

import gc
import random

from optimizer import SolveSettings, check_plan, solve
from optimizer.parallel import solve_many
from tests.optimizer.factories import district

FAST = SolveSettings(time_limit_s=20)


def _city(n: int) -> list:
    """`n` small random districts (the counties of a small city)."""
    return [district(random.Random(1000 + k), max_schools=5, max_teachers=14, max_available=8)
            for k in range(n)]


def _same(a, b) -> bool:
    return (a.status, [(o.value, o.bound) for o in a.objectives],
            [(m.staff_no, m.to_school, m.subject) for m in a.moves]) == (
        b.status, [(o.value, o.bound) for o in b.objectives],
        [(m.staff_no, m.to_school, m.subject) for m in b.moves])


def test_process_pool_gives_each_county_the_plan_of_a_solve_on_its_own():
    counties = _city(6)  # some infeasible (their diagnosis runs in the pool too), some not
    gc.freeze()  # as the web app does with its start-up objects
    frozen = gc.get_freeze_count()
    plans = solve_many(counties, FAST, workers=2)
    # The workers freeze their own copies, not ours: our freeze is neither undone (0) nor grown.
    # It may shrink by the few frozen objects whose last reference went away meanwhile.
    assert 0.99 * frozen <= gc.get_freeze_count() <= frozen
    assert len(plans) == 6
    for instance, plan in zip(counties, plans, strict=True):
        assert _same(plan, solve(instance, FAST))
        if plan.moves:
            assert check_plan(instance, plan) == []
    assert sum(bool(p.moves) for p in plans) >= 2  # not all trivial


def test_dask_local_cluster_solves_a_small_city():
    import distributed  # a test extra (pyproject), and the `cluster` extra for production

    counties = _city(4)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        plans = solve_many(counties, FAST, executor=client.get_executor())
    assert len(plans) == 4
    for instance, plan in zip(counties, plans, strict=True):
        assert _same(plan, solve(instance, FAST))
    assert [p.status for p in plans] == ["infeasible", "infeasible", "infeasible", "optimal"]
    assert plans[3].moves and plans[0].conflicts
