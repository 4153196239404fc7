"""The exact model's level-1 bound priced from a pruned model's LP (optimizer.pricing): equal to
the LP when nothing is pruned, never below the exact model's LP when something is, and what a
pruned solve reports as its level-1 bound."""

from __future__ import annotations

import random

import pytest

from optimizer import Instance, SolveSettings, solve
from optimizer.model import build_model, set_objective, solve_lp
from optimizer.network import build_network
from optimizer.pricing import exact_model_bound
from tests.optimizer.factories import district, free_rules, instance, school, staffing, teacher

PRUNED = SolveSettings(nearest_destinations=1, nearest_swaps=0, groups_per_slot=1,
                       principal_posts_kept=1)


def level_one_lp(inst: Instance, solve_settings: SolveSettings):
    net = build_network(inst, solve_settings)
    model = build_model(inst, net, "highs")
    set_objective(model, model.terms["rural_shortage_filled"], maximize=True)
    return net, model, solve_lp(model, 20).value


CASES = 40
"""How many random districts with a feasible level-1 LP each property is checked on."""


def feasible_districts(count: int, *models: SolveSettings, **shape: int):
    """The first ``count`` random districts (seeds 0, 1, …, at most 10 × count tried) whose
    level-1 LP is feasible under each of ``models``' settings, with (network, model, value) per
    settings: an infeasible LP has nothing to price, so such districts are passed over instead
    of each test returning early on them."""
    found = []
    for seed in range(10 * count):
        inst = district(random.Random(seed), **shape)
        solved = [level_one_lp(inst, chosen) for chosen in models]
        if all(value is not None for _, _, value in solved):
            found.append((seed, inst, solved))
            if len(found) == count:
                break
    assert len(found) == count, f"only {len(found)} feasible districts in {10 * count} seeds"
    return found


def section_rows(model) -> int:
    """The model's rows of complete secondary schools' sections (`model.add_sections`)."""
    return sum(name.startswith(("capacity.section[", "sending.section_"))
               for name in model.row_names)


@pytest.mark.parametrize("sections", [False, True])
def test_priced_bound_is_the_lp_when_nothing_is_pruned(sections):
    cases = feasible_districts(CASES, SolveSettings(), max_schools=5, max_available=6,
                               sections=sections)
    for seed, inst, [(net, model, value)] in cases:
        assert not net.pruned, seed
        assert abs(exact_model_bound(inst, net, model) - value) < 1e-6, seed
    assert len(cases) == CASES
    with_rows = sum(section_rows(model) > 0 for _, _, [(_, model, _)] in cases)
    assert with_rows >= 20 if sections else with_rows == 0, with_rows


@pytest.mark.parametrize("sections", [False, True])
def test_priced_bound_of_a_pruned_model_holds_for_the_exact_model(sections):
    cases = feasible_districts(
        CASES, SolveSettings(), PRUNED, max_schools=6, max_teachers=14, max_available=8,
        sections=sections
    )
    for seed, inst, [(_, _, exact), (net, model, pruned)] in cases:
        assert net.pruned, seed
        bound = exact_model_bound(inst, net, model)
        assert bound is not None, seed  # these districts have no unbounded row side
        assert bound >= exact - 1e-6 and bound >= pruned - 1e-6, seed
    assert len(cases) == CASES
    with_rows = sum(section_rows(model) > 0 for _, _, [_, (_, model, _)] in cases)
    assert with_rows >= 20 if sections else with_rows == 0, with_rows


def test_priced_bound_covers_the_principal_posts_pruning_left_out():
    # An urban principal who may move, two rural posts; pruning keeps only the nearest. The
    # priced bound must not drop below the exact LP whatever the principal rows' prices are.
    schools = [school("U", "urban", staff=[staffing("pe", in_post=3)]),
               school("R1", "rural", lat=23.76, staff=[staffing("pe", in_post=0, shortage=1)]),
               school("R2", "rural", lat=23.90, staff=[staffing("pe", in_post=0, shortage=2)])]
    teachers = [teacher("pu", "U", is_principal=True), teacher("t1", "U", "pe"),
                teacher("t2", "U", "pe")]
    inst = instance(schools, teachers, rules=free_rules())
    _, _, exact = level_one_lp(inst, SolveSettings())
    net, model, _ = level_one_lp(inst, PRUNED)
    assert net.pruned and len(net.principal_arcs) == 1
    assert exact_model_bound(inst, net, model) >= exact - 1e-6


def far_slot_district() -> Instance:
    """t1 at U1 is the nearest group of both slots R1 and R2; t2 at U2 keeps only its nearest
    school short of PE, R3, which is at its post ceiling: pruned to the nearest, one of R1 and
    R2 is out of reach. The greedy clerk fills both (t2 goes on to R2)."""
    schools = [school("U1", "urban", lat=23.80, staff=[staffing("pe", in_post=3)]),
               school("U2", "urban", lat=23.60, staff=[staffing("pe", in_post=3)]),
               school("R1", "rural", lat=23.79, staff=[staffing("pe", in_post=0, shortage=1)]),
               school("R2", "rural", lat=23.81, staff=[staffing("pe", in_post=0, shortage=1)]),
               school("R3", "rural", lat=23.61, ceiling=0,
                      staff=[staffing("pe", in_post=0, shortage=1)])]
    return instance(schools, [teacher("t1", "U1", "pe"), teacher("t2", "U2", "pe")],
                    rules=free_rules())


def test_a_pruned_solve_states_the_exact_models_bound(monkeypatch):
    # Without the greedy clerk's arcs (switched off here to isolate the pricing), the plan
    # fills 5 (one PE slot, weight 5) where the exact model fills 10 — and the level-1 bound,
    # priced over the left-out arcs, admits that (≥ 10), where the pruned model's own LP bound
    # would claim 5 and call the plan optimal.
    monkeypatch.setattr("optimizer.network.greedy_moves", lambda instance: [])
    inst = far_slot_district()
    plan = solve(inst, PRUNED.model_copy(update={"time_limit_s": 20}))
    exact = solve(inst, SolveSettings(time_limit_s=20))
    assert (plan.objectives[0].value, exact.objectives[0].value) == (5, 10)
    assert plan.objectives[0].bound >= 10
    assert plan.status == "feasible" and not plan.objectives[0].proven_optimal
    assert "holds for the exact model" in plan.stats.pruning


def test_a_pruned_network_keeps_the_greedy_clerks_moves():
    inst = far_slot_district()
    plan = solve(inst, PRUNED.model_copy(update={"time_limit_s": 20}))
    # Pruned to one destination, the plan still fills both slots, as the exact model does.
    assert plan.objectives[0].value == 10 and plan.objectives[0].bound >= 10
    assert "greedy" in plan.stats.pruning
