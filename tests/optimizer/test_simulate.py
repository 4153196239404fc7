"""Policy simulation and marginal values against brute force on small random districts: the
simulated plan is the plan of the changed instance solved directly; every checked marginal
value is the LP re-solved from scratch (GLOP, not the HiGHS warm start) with the bound moved;
the dual is a supergradient of the LP value and equals the change wherever the value is linear
around the bound."""

from __future__ import annotations

import math
import random

import pytest
from ortools.linear_solver import pywraplp

from optimizer import SolveSettings, solve
from optimizer.duals import STEPS, MarginalError, marginal_values
from optimizer.model import build_model, set_objective, solve_lp
from optimizer.network import build_network
from optimizer.rules import load_rules
from optimizer.simulate import PolicyChanges, PolicyError, changed_instance, simulate
from tests.optimizer import factories as f

SETTINGS = SolveSettings(time_limit_s=20, relax_when_infeasible=False)
SEEDS = range(60)


def _districts(seeds=SEEDS):
    for seed in seeds:
        yield seed, f.district(random.Random(seed), max_schools=4, max_teachers=10, max_available=6)


def _comparable(plan) -> dict:
    data = plan.content()
    data.pop("stats")
    data["provenance"].pop("instance_sha256")
    return data


def test_simulated_plan_is_the_changed_instance_solved_directly():
    compared = both = 0
    for seed, instance in _districts():
        if seed % 4:
            continue
        school = instance.schools[1]
        changes = PolicyChanges(
            rules={
                "quotas.district_share": 0.1,
                "quotas.school_share": 0.2,
                "objective.subject_weights.pe": 7,
                "eligibility.min_years_at_school": 3,
            },
            post_ceilings={school.code: 2},
        )
        base = solve(instance, SETTINGS)
        result = simulate(instance, base, changes, SETTINGS)
        rules = load_rules(
            overrides={
                "quotas.key_share": instance.rules.quotas.key_share,
                "quotas.district_share": 0.1,
                "quotas.school_share": 0.2,
                "objective.subject_weights": {**instance.rules.objective.subject_weights, "pe": 7},
                "eligibility.min_years_at_school": 3,
            }
        )
        direct = solve(
            instance.model_copy(
                update={
                    "rules": rules,
                    "schools": [
                        s.model_copy(update={"post_ceiling": s.post_ceiling + 2})
                        if s.code == school.code
                        else s
                        for s in instance.schools
                    ],
                }
            ),
            SETTINGS,
        )
        assert _comparable(result.plan) == _comparable(direct), seed
        assert {lv.name: lv.after for lv in result.levels if lv.after is not None} == {
            o.name: o.value for o in direct.objectives if o.value is not None
        }
        assert {lv.name: lv.before for lv in result.levels if lv.before is not None} == {
            o.name: o.value for o in base.objectives if o.value is not None
        }
        both += base.status != "infeasible" and direct.status != "infeasible"
        for lv in result.levels:
            if lv.before is not None and lv.after is not None:
                assert lv.change == pytest.approx(lv.after - lv.before)
        for side, plan in ((0, base), (1, result.plan)):
            filled = sum(s.filled for s in plan.shortages)
            assert sum((t.filled_before, t.filled_after)[side] for t in result.subjects) == filled
        assert {c.key for c in result.changes} == {
            "quotas.district_share",
            "quotas.school_share",
            "objective.subject_weights.pe",
            "eligibility.min_years_at_school",
            "post_ceiling",
        }
        compared += 1
    assert (compared, both) == (15, 5)  # 5 districts have a plan before and after


@pytest.mark.parametrize(
    ("rules", "named"),
    [
        ({"quotas.no_such_share": 0.1}, "quotas.no_such_share"),
        ({"quotas.school_share": 1.5}, "quotas.school_share"),
        ({"eligibility.min_years_at_school": "six"}, "eligibility.min_years_at_school"),
        ({"objective.subject_weights.pe": "heavy"}, "objective.subject_weights.pe"),
        ({"quotas.key_share.x": 1}, "quotas.key_share.x"),
        ({"district_share": 0.1}, "district_share"),
    ],
)
def test_unknown_keys_and_bad_values_are_refused_by_name(rules, named):
    instance = f.district(random.Random(0))
    with pytest.raises(PolicyError) as error:
        changed_instance(instance, PolicyChanges(rules=rules))
    assert named in error.value.zh and named in error.value.en
    assert "规则" in error.value.zh and "Input" not in error.value.zh


def test_post_changes_name_the_school():
    instance = f.district(random.Random(0))
    with pytest.raises(PolicyError) as unknown:
        changed_instance(instance, PolicyChanges(post_ceilings={"ZZ9": 1}))
    assert "ZZ9" in unknown.value.zh and "ZZ9" in unknown.value.en
    school = instance.schools[0]
    with pytest.raises(PolicyError) as negative:
        changed_instance(
            instance, PolicyChanges(post_ceilings={school.code: -school.post_ceiling - 1})
        )
    assert school.name in negative.value.zh


# ------------------------------------------------------------------ marginal values


def _lp_value(instance, row_name: str | None = None, step: float = 0.0) -> float | None:
    """Level 1's LP optimum from scratch in GLOP, with `row_name`'s active bound moved."""
    net = build_network(instance, SolveSettings())
    model = build_model(instance, net, "highs")
    set_objective(model, model.terms["rural_shortage_filled"], True)
    if row_name is not None:
        assert row_name in model.row_names, row_name
        row = model.row_names.index(row_name)
        problem = model.problem()
        lower, upper = float(problem.row_lower[row]), float(problem.row_upper[row])
        if math.isfinite(lower):
            model.set_row_bounds(row, lower + step, upper)
        else:
            model.set_row_bounds(row, lower, upper + step)
    result = solve_lp(model, 20)
    if result.status != pywraplp.Solver.OPTIMAL:
        return None
    return result.value


def test_marginal_values_against_brute_force():
    checked = linear = ceilings = answered = held = 0
    for seed, instance in _districts(range(400)):
        try:
            answer = marginal_values(instance, top=6, settings=SETTINGS)
        except MarginalError:
            assert _lp_value(instance) is None, seed  # the LP really has no solution
            continue
        answered += 1
        base = _lp_value(instance)
        assert answer.lp_value == pytest.approx(base, abs=1e-6)
        assert answer.checked == len(answer.entries)
        for entry in answer.entries:
            assert entry.constraint in STEPS and entry.rule_zh and entry.source
            row = entry.row
            up = _lp_value(instance, row, entry.step)
            assert entry.checked_feasible == (up is not None), (seed, row)
            if up is None:
                continue
            assert entry.checked_change == pytest.approx(up - base, abs=1e-6), (seed, row)
            held += bool(entry.holds)
            assert entry.holds == (abs(entry.value - (up - base)) <= 1e-6), (seed, row)
            # Concave in the bound (a maximum): the dual is a supergradient …
            assert up - base <= entry.value + 1e-6, (seed, row)
            down = _lp_value(instance, row, -entry.step)
            if down is not None:
                assert base - down >= entry.value - 1e-6, (seed, row)
                if abs((up - base) - (base - down)) <= 1e-6:  # … and, where linear, the slope
                    assert entry.value == pytest.approx(up - base, abs=1e-6), (seed, row)
                    assert entry.holds
                    linear += 1
            headcount = build_network(instance, SolveSettings()).headcount.get(entry.school, 0)
            if entry.constraint == "capacity.post_ceiling" and headcount <= (
                instance.school_by_code[entry.school].post_ceiling
            ):
                # a school within its ceiling: one more post is the simulation's +1 post
                more = changed_instance(instance, PolicyChanges(post_ceilings={entry.school: 1}))[0]
                assert _lp_value(more) == pytest.approx(up, abs=1e-6)
                ceilings += 1
            checked += 1
    # 155 districts with an LP; 112 entries re-solved ±1 from scratch; the dual equals the
    # change of the whole step in `held` of them (one-sided), the LP is linear across ±1 in
    # `linear` (there the dual is the slope); 3 ceilings cross-checked with the simulation's
    # +1 post. Most entries sit at a kink (integral data): there only the supergradient holds.
    assert (answered, checked, held, linear, ceilings) == (155, 112, 104, 5, 3)


def test_a_negative_subject_weight_is_refused_by_name():
    from optimizer.rules import RuleOverrideError, override_rules

    with pytest.raises(RuleOverrideError) as refused:
        override_rules(load_rules(), {"objective.subject_weights.pe": -3})
    assert "objective.subject_weights.pe" in refused.value.zh and "不能小于 0" in refused.value.zh
    # a choice is named without Python's quotes, in both languages
    with pytest.raises(RuleOverrideError) as choice:
        override_rules(load_rules(), {"quotas.school_quota_base": "everyone"})
    assert "'" not in choice.value.zh and "应为以下之一：" in choice.value.zh
    assert "Input should be" not in choice.value.en
