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


COMPARED = 12
"""How many districts the optimum is compared with a greedy plan that meets every quota on."""


def test_greedy_keeps_the_hard_rules_and_the_optimum_is_at_least_as_good():
    # Random districts (seeds 0, 1, …) until COMPARED of them have both an optimal plan and a
    # greedy plan that meets its quotas — only there is the greedy's fill a lower bound for the
    # optimum (a greedy plan short of a quota is not a plan the optimizer may return). Every
    # district drawn on the way still checks the greedy's hard rules and the optimum's bound.
    compared = optimal_seen = seed = 0
    while compared < COMPARED:
        assert seed < 10 * COMPARED, f"only {compared} comparable districts in {seed} seeds"
        instance = district(random.Random(seed))
        greedy = greedy_plan(instance)
        assert hard_findings(instance, greedy) == [], seed
        assert greedy.status in ("feasible", "unknown")
        assert greedy.status == "unknown" or all(q.met for q in greedy.quotas)
        optimal = solve(instance, SolveSettings(time_limit_s=10))
        assert optimal.status in ("optimal", "infeasible"), seed
        if optimal.status == "optimal":
            optimal_seen += 1
            fill = sum(s.weight * s.filled for s in optimal.shortages)
            assert fill == optimal.objectives[0].value <= lp_bound(instance) + 1e-6, seed
            if greedy.status == "feasible":
                assert sum(s.weight * s.filled for s in greedy.shortages) <= fill, seed
                compared += 1
        seed += 1
    assert compared == COMPARED and optimal_seen >= COMPARED


def test_the_clerks_ledger_knows_which_subjects_may_still_lose_a_teacher():
    # `_Ledger.blocked` is kept up to date by each move instead of recomputing the net loss
    # per question; after the clerk's whole run it must still be the rule for every key.
    from optimizer.baseline import _fill_rural_shortages, _Ledger, _place_pins, _top_up_quotas

    keys = blocked_by_moves = moves = 0
    for seed in range(200):
        ledger = _Ledger(district(random.Random(seed), max_teachers=20, max_available=12))
        for phase in (_place_pins, _fill_rural_shortages, _top_up_quotas):
            phase(ledger)
            for key, limit in ledger._loss.items():
                by_rule = ledger.departures[key] - ledger.arrivals[key] < limit
                assert ledger.may_lose(key) == by_rule, (seed, phase.__name__, key)
                keys += 1
                blocked_by_moves += not by_rule and limit > 0  # open at first, closed by moves
        moves += len(ledger.moves)
    assert keys > 5000 and blocked_by_moves > 20 and moves > 100, (keys, blocked_by_moves, moves)


def test_the_clerk_keeps_complete_secondary_schools_sections():
    # Random districts with complete secondary schools (`factories.with_sections`): the
    # clerk's plans break no hard rule — `capacity.section` and `sending.section_*` included —
    # and its ledger's section counts are those of its moves.
    from optimizer.baseline import _fill_rural_shortages, _Ledger, _place_pins, _top_up_quotas
    from optimizer.rules import SENIOR_CERT_RANK, cert_rank

    limited = moves = 0
    for seed in range(200):
        instance = district(random.Random(seed), max_teachers=20, max_available=12,
                            sections=True)
        assert hard_findings(instance, greedy_plan(instance)) == [], seed
        ledger = _Ledger(instance)
        for phase in (_place_pins, _fill_rural_shortages, _top_up_quotas):
            phase(ledger)
        senior = [(t, d, j) for t, d, j in ledger.moves
                  if cert_rank(t.cert_levels) >= SENIOR_CERT_RANK]
        for key, limit in ledger._senior_loss.items():
            loss = (sum((t.school, t.main_subject) == key for t, _, _ in senior)
                    - sum((d, j) == key for _, d, j in senior))
            assert ledger.senior_net_loss[key] == loss, (seed, key)
            assert (key in ledger.senior_blocked) == (loss >= limit), (seed, key)
        for key in ledger._junior_slots:
            limited += 1
            moves += sum((d, j) == key for _, d, j in ledger.moves)
    assert limited > 100 and moves > 20, (limited, moves)
