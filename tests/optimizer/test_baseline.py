"""The greedy baseline keeps every hard rule, and the optimizer never does worse."""

from __future__ import annotations

import random

from optimizer import SolveSettings, check_plan, solve
from optimizer.baseline import greedy_plan
from optimizer.bounds import lp_bound
from tests.optimizer.factories import district


def hard_findings(instance, plan) -> list[str]:
    """Findings other than unmet quotas (the greedy plan may fall short of a quota)."""
    return [f.constraint for f in check_plan(instance, plan)
            if not f.constraint.startswith(("quota.", "principal.two_terms"))]


def test_greedy_keeps_the_hard_rules_and_the_optimum_is_at_least_as_good():
    for seed in range(15):
        instance = district(random.Random(seed))
        greedy = greedy_plan(instance)
        assert hard_findings(instance, greedy) == [], seed
        assert greedy.status in ("feasible", "unknown")
        assert greedy.status == "unknown" or all(q.met for q in greedy.quotas)
        optimal = solve(instance, SolveSettings(time_limit_s=10))
        bound = lp_bound(instance)
        if optimal.status == "optimal":
            fill = sum(s.weight * s.filled for s in optimal.shortages)
            assert fill == optimal.objectives[0].value <= bound + 1e-6
            if greedy.status == "feasible":
                assert sum(s.weight * s.filled for s in greedy.shortages) <= fill
