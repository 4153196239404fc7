"""Arc pruning (large districts) keeps what the rules need: a school held to its minimum can
still meet its 10% quota by exchange, and the plan says that its bound is for the pruned model."""

from __future__ import annotations

from datetime import date

from optimizer import SolveSettings
from tests.optimizer.factories import instance, school, staffing, teacher

PRUNED = SolveSettings(time_limit_s=20, nearest_destinations=1, nearest_swaps=0,
                       groups_per_slot=1)


def test_a_quota_school_at_its_minimum_keeps_an_exchange_partner_when_pruned(solve_checked):
    # U must send 1 of its 2 math teachers but may not fall below 2 in math: only an exchange
    # (a rural teacher coming to U) makes that possible. The rural teacher's nearest schools
    # short of math are none (rural → rural is not an allowed direction) and no swap
    # destination is kept (nearest_swaps=0): the arc into U survives only because pruning
    # also keeps, for each subject a quota school may exchange, the nearest groups that could
    # come.
    inst = instance(
        [school("U", "urban", lat=23.74, staff=[staffing("math", in_post=2, min_keep=2)]),
         school("R1", "rural", lat=23.78, staff=[staffing("math", in_post=2)]),
         school("R2", "rural", lat=23.90, staff=[staffing("math", in_post=0, shortage=1)])],
        [teacher("u1", "U"), teacher("u2", "U", joined_school_on=date(2015, 9, 1)),
         teacher("r1", "R1")],
        **{"quotas.key_share": 0},
    )
    plan = solve_checked(inst, PRUNED)
    assert plan.status == "optimal"
    assert plan.stats.pruned and "10% quota" in plan.stats.pruning
    moves = {(m.from_school, m.to_school) for m in plan.moves}
    assert moves == {("U", "R2"), ("R1", "U")}
    assert all(q.met for q in plan.quotas)
