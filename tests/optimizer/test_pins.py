"""Pins: the office's decisions survive a re-solve, and the rest is re-optimised."""

from __future__ import annotations

from optimizer import Pin, SolveSettings, check_plan, solve_with_pins
from tests.optimizer.factories import free_rules, instance, school, staffing, teacher

SCHOOLS = [
    school("U", "urban", staff=[staffing("pe", 4)]),
    school("R", "rural", lat=23.80, staff=[staffing("pe", 0, shortage=1)]),
    school("F", "rural", lat=23.95, staff=[staffing("pe", 0, shortage=1)]),
]
TEACHERS = [teacher("a", "U", "pe"), teacher("b", "U", "pe"), teacher("c", "U", "pe")]
BASE = instance(SCHOOLS, TEACHERS, rules=free_rules())


def destinations(plan) -> dict[str, str]:
    return {m.staff_no: m.to_school for m in plan.moves}


def resolve(pins: list[Pin]):
    pinned, plan = solve_with_pins(BASE, pins, SolveSettings(time_limit_s=10))
    assert check_plan(pinned, plan) == []
    return pinned, plan


def test_unpinned_plan_fills_both_rural_slots_with_the_longest_serving_first():
    _, plan = resolve([])
    assert sorted(destinations(plan).values()) == ["F", "R"]


def test_must_stay_keeps_a_teacher_and_another_goes_instead():
    _, plan = resolve([Pin(kind="must_stay", staff_no="a")])
    assert "a" not in destinations(plan)
    assert sorted(destinations(plan).values()) == ["F", "R"]


def test_must_go_forbid_and_must_move():
    _, plan = resolve([Pin(kind="must_go", staff_no="c", school="F"),
                       Pin(kind="forbid", staff_no="a", school="R")])
    moved = destinations(plan)
    assert moved["c"] == "F"
    assert moved.get("a") != "R"
    _, plan = resolve([Pin(kind="must_move", staff_no="c")])
    assert "c" in destinations(plan)


def test_a_later_pin_replaces_an_earlier_one_for_the_same_teacher():
    pinned, _ = resolve([Pin(kind="must_stay", staff_no="a")])
    repinned = pinned.with_pins([Pin(kind="must_go", staff_no="a", school="R")])
    assert [p.kind for p in repinned.pins] == ["must_go"]


def test_an_impossible_pin_is_named_with_a_relaxation():
    _, plan = resolve([Pin(kind="must_go", staff_no="a", school="U")])
    assert plan.status == "infeasible"
    assert [c.constraint for c in plan.conflicts] == ["pin.must_go"]
    assert plan.relaxation[0].relax_by == 1
