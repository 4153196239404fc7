"""The multi-year roadmap (optimizer.roadmap) against an exhaustive search on tiny districts, and
its returns, cool-down, horizon limit and first-year plan.

The exhaustive search is written here from the roadmap's stated rules (optimizer.roadmap_model's
docstring), teacher by teacher: every teacher stays or starts one secondment in one year where
the rules let them, to one school and subject; each assignment is checked row by row and scored
on the five levels; the lexicographic best must equal the roadmap's levels.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict
from datetime import date
from fractions import Fraction

import pytest

from optimizer.check import check_plan
from optimizer.instance import Pin
from optimizer.roadmap import max_years, solve_roadmap
from optimizer.roadmap_project import RoadmapAssumptions, project_years
from optimizer.rules import (
    cert_covers,
    counts_in_quota_base,
    counts_toward_district_share,
    direction_between,
    district_share_base,
    in_key_share_base,
    in_school_quota_scope,
    is_available,
    is_key,
    key_share_fraction,
    key_share_target,
    load_rules,
    max_net_loss,
    move_preference,
    school_distance_km,
    share_target,
    subject_weight,
)
from tests.optimizer.factories import (
    free_rules,
    instance,
    key_designation,
    school,
    staffing,
    teacher,
)

SUBJECTS = ("math", "pe")


def tiny_district(rng: random.Random):
    """Two or three schools, three or four teachers whose cohorts ripen in different years."""
    schools = [
        school(
            "U",
            "urban",
            quality=rng.random() < 0.5,
            ceiling=rng.randint(3, 6),
            staff=[
                staffing(j, in_post=rng.randint(1, 3), shortage=rng.choice([0, 1]))
                for j in SUBJECTS
            ],
        )
    ]
    for i in range(rng.randint(1, 2)):
        schools.append(
            school(
                f"R{i}",
                "rural",
                lat=23.75 + 0.02 * (i + 1),
                ceiling=rng.randint(2, 5),
                staff=[
                    staffing(j, in_post=rng.randint(0, 2), shortage=rng.choice([0, 1, 2]))
                    for j in SUBJECTS
                ],
            )
        )
    teachers = []
    for n in range(rng.randint(3, 4)):
        home = rng.choice(schools).code
        subject = rng.choice(SUBJECTS)
        teachers.append(
            teacher(
                f"T{n}",
                home,
                subject,
                can_teach=sorted({subject, rng.choice(SUBJECTS)}),
                joined_school_on=date(rng.choice([2016, 2020, 2021]), 9, 1),
                retirement_date=date(rng.choice([2046, 2032, 2033]), 3, 1),
                designations=[key_designation()] if rng.random() < 0.4 else [],
                volunteer=rng.random() < 0.3,
                wishes=[s.code for s in schools if s.code != home][: rng.randint(0, 1)],
            )
        )
    rules = load_rules(
        overrides={
            "quotas.district_share": rng.choice([0.0, 0.2]),
            "quotas.school_share": rng.choice([0.0, 0.3]),
            "quotas.key_share": rng.choice([0.0, 0.5]),
        }
    )
    return instance(schools, teachers, rules=rules)


def options(proj, staff_no: str):
    """Every (year, destination, subject) a teacher may start a move in, and staying (None)."""
    first = proj.years[0]
    t0 = first.teacher_by_staff_no[staff_no]
    src = first.school_by_code[t0.school]
    out = [None]
    for k, year in enumerate(proj.years):
        t = year.teacher_by_staff_no.get(staff_no)
        if t is None or not is_available(t, year.as_of, year.rules):
            continue
        for dst in first.schools:
            if dst.code == src.code or not cert_covers(t.cert_levels, dst, first.rules):
                continue
            if (
                direction_between(
                    (src.zone, src.is_quality), (dst.zone, dst.is_quality), first.rules
                )
                is None
            ):
                continue
            out += [(k, dst.code, j) for j in t.can_teach]
    return out


def score(proj, choice: dict[str, tuple[int, str, str]]):
    """(quota shortfall, −fill, uncovered, key spread, −preference, distance units) of a roadmap
    assignment, or None when it breaks a hard row."""
    first = proj.years[0]
    rules = first.rules
    span = rules.terms.secondment_years
    n_years = len(proj.years)
    shortfall = fill = preference = distance = 0
    key_per_year = []
    for k, year in enumerate(proj.years):
        at = year.school_by_code
        net = defaultdict(int)
        new_net = defaultdict(int)
        head_net = defaultdict(int)
        for staff_no, (k2, dest, subject) in choice.items():
            main = first.teacher_by_staff_no[staff_no].main_subject
            home = first.teacher_by_staff_no[staff_no].school
            if k - span < k2 <= k:
                net[(dest, subject)] += 1
                net[(home, main)] -= 1
                head_net[dest] += 1
                head_net[home] -= 1
            if k2 == k:
                new_net[(dest, subject)] += 1
                new_net[(home, main)] -= 1
        for s in year.schools:
            entries = {e.subject: e for e in s.staffing}
            for j in SUBJECTS:
                e = entries.get(j)
                if net[(s.code, j)] > (e.shortage if e else 0):
                    return None
                loss = (
                    -net[(s.code, j)]
                    if e is not None and e.shortage == 0
                    else (-new_net[(s.code, j)])
                )
                retired = (
                    first.school_by_code[s.code].staffing_by_subject[j].in_post - e.in_post
                    if e is not None
                    else 0
                )
                limit = max_net_loss(e)[0] + (retired if e.shortage == 0 else 0) if e else 0
                if e is not None and loss > limit:
                    return None
                if e is not None and s.zone == "rural" and e.shortage > 0:
                    fill += subject_weight(j, rules) * min(e.shortage, max(0, net[(s.code, j)]))
            headcount = sum(
                t.post_type == "established" and t.school == s.code for t in year.teachers
            )
            if head_net[s.code] > max(0, s.post_ceiling - headcount):
                return None
        moves = [(s, d, j) for s, (k2, d, j) in choice.items() if k2 == k]
        lacks = []
        counted = sum(
            counts_toward_district_share(at[year.teacher_by_staff_no[s].school], at[d], rules)
            for s, d, _ in moves
        )
        lacks.append(share_target(rules.quotas.district_share, district_share_base(year)) - counted)
        for s in year.schools:
            if not in_school_quota_scope(s) or rules.quotas.school_share == 0:
                continue
            members = [
                t
                for t in year.teachers
                if t.school == s.code and counts_in_quota_base(t, year.as_of, rules)
            ]
            rotated = sum(1 for t in members if t.staff_no in choice and choice[t.staff_no][0] < k)
            left = sum(
                1
                for staff_no, _, _ in moves
                if first.teacher_by_staff_no[staff_no].school == s.code
            )
            lacks.append(share_target(rules.quotas.school_share, len(members) - rotated) - left)
        keyed = [is_key(year.teacher_by_staff_no[s], year.as_of, rules) for s, _, _ in moves]
        base = [
            key
            for (s, _, _), key in zip(moves, keyed, strict=True)
            if in_key_share_base(at[first.teacher_by_staff_no[s].school], rules)
        ]
        lacks.append(key_share_target(key_share_fraction(rules), len(base)) - sum(base))
        if k == 0 and max(lacks) > 0:
            return None
        shortfall += sum(max(0, lack) for lack in lacks)
        key_per_year.append(sum(keyed))
        for staff_no, dest, _ in moves:
            t = year.teacher_by_staff_no[staff_no]
            if k:
                t = t.model_copy(update={"wishes": []})
            preference += move_preference(t, dest, rules)
            distance += round(
                school_distance_km(first.school_by_code[t.school], first.school_by_code[dest]) / 0.1
            )
    cohort = [
        t.staff_no
        for t in first.teachers
        if any(
            y.teacher_by_staff_no.get(t.staff_no) is not None
            and is_available(y.teacher_by_staff_no[t.staff_no], y.as_of, y.rules)
            for y in proj.years
        )
    ]
    uncovered = sum(1 for s in cohort if s not in choice)
    assert n_years == len(key_per_year)
    return (
        shortfall,
        -fill,
        uncovered,
        max(key_per_year) - min(key_per_year),
        -preference,
        distance,
    )


def brute_force(inst, years: int):
    proj = project_years(inst, years, RoadmapAssumptions())
    staff = [t.staff_no for t in inst.teachers]
    best = None
    for picks in itertools.product(*(options(proj, s) for s in staff)):
        choice = {s: p for s, p in zip(staff, picks, strict=True) if p is not None}
        value = score(proj, choice)
        if value is not None and (best is None or value < best):
            best = value
    return best


def levels_of(roadmap) -> tuple:
    v = {level.name: level.value for level in roadmap.objectives}
    return (
        v["quota_shortfall"],
        -v["rural_shortage_filled"],
        v["uncovered"],
        v["key_spread"],
        -v["preference"],
        round(v["distance"] / 0.1),
    )


def test_roadmap_equals_exhaustive_search_on_tiny_districts():
    checked = feasible = 0
    for seed in range(40):
        inst = tiny_district(random.Random(seed))
        years = 2 + seed % 2
        best = brute_force(inst, years)
        roadmap = solve_roadmap(inst, years)
        checked += 1
        if best is None:
            assert roadmap.status == "infeasible", seed
            continue
        feasible += 1
        assert roadmap.status == "optimal", seed
        assert levels_of(roadmap) == best, seed
        # The first year is a valid one-year plan with exactly the roadmap's first-year moves.
        assert roadmap.first_year_findings == [], (seed, roadmap.first_year_findings)
        plan = roadmap.first_year_plan
        assert check_plan(inst.with_pins(roadmap.first_year_pins), plan) == []
        assert {(m.staff_no, m.to_school) for m in plan.moves} == {
            (m.staff_no, m.to_school) for m in roadmap.years[0].moves
        }
    assert checked == 40
    assert feasible >= 20, feasible


def returning_district():
    """X (pe, urban U) may rotate now; Z (pe, urban U) only from 2029; rural R lacks one pe
    teacher for the whole horizon."""
    u = school("U", "urban", ceiling=10, staff=[staffing("pe", 3)])
    r = school("R", "rural", lat=23.80, ceiling=10, staff=[staffing("pe", 0, shortage=1)])
    x = teacher("X", "U", "pe")
    z = teacher("Z", "U", "pe", joined_school_on=date(2023, 9, 1))
    return instance([u, r], [x, z], rules=free_rules())


def test_a_returning_secondee_frees_the_host_slot_and_takes_the_home_post_again():
    roadmap = solve_roadmap(returning_district(), 5)
    assert roadmap.status == "optimal"
    by_year = {y.year: y for y in roadmap.years}
    assert [(m.staff_no, m.to_school) for m in by_year[2026].moves] == [("X", "R")]
    assert by_year[2026].moves[0].returns_on == date(2029, 9, 1)
    # R's one slot is X's for the term; Z can only take it when X goes home.
    assert [m.staff_no for m in by_year[2029].moves] == ["Z"]
    assert all(not by_year[y].moves for y in (2027, 2028, 2030))
    back = by_year[2029].returns
    assert [(r.staff_no, r.home_school, r.host_school) for r in back] == [("X", "U", "R")]
    assert [left(by_year[y], "R") for y in range(2026, 2031)] == [0, 0, 0, 0, 0]
    # U has a surplus in PE (it needs none: min_keep 0), so no departure opens a vacancy there.
    assert [left(by_year[y], "U") for y in range(2026, 2031)] == [0, 0, 0, 0, 0]
    assert roadmap.uncovered == []
    # Without Z the host's slot reopens on X's return.
    alone = returning_district()
    alone = alone.model_copy(update={"teachers": alone.teachers[:1]})
    lone = {y.year: y for y in solve_roadmap(alone, 5).years}
    assert [left(lone[y], "R") for y in range(2026, 2031)] == [0, 0, 0, 1, 1]
    assert [lone[y].returns[0].staff_no for y in (2029,)] == ["X"]


def left(year, code: str) -> int:
    return sum(s.left for s in year.shortages if s.school == code)


def test_the_home_post_is_held_while_the_secondee_is_away():
    """U is at its ceiling. X leaves U for R in 2026; a rural teacher W may come to U only
    while X is away and must be gone by X's return in 2029: a 3-year term begun in 2026 ends
    then, one begun in 2027 would overlap X's return."""
    u = school("U", "urban", ceiling=2, staff=[staffing("pe", 2)])
    r = school("R", "rural", lat=23.80, ceiling=10, staff=[staffing("pe", 1, shortage=1)])
    x = teacher("X", "U", "pe", volunteer=True)
    w = teacher("W", "R", "pe", joined_school_on=date(2020, 9, 1), volunteer=True)
    other = teacher("Y", "U", "pe", joined_school_on=date(2025, 9, 1))
    inst = instance([u, r], [x, w, other], rules=free_rules())
    roadmap = solve_roadmap(inst, 4, plan_first_year=False)
    starts = {m.staff_no: y.year for y in roadmap.years for m in y.moves}
    assert starts.get("X") == 2026
    assert starts.get("W") in (None, 2026)  # never 2027+: X takes the held post back in 2029


def test_a_teacher_who_rotated_is_not_eligible_again_within_the_cool_down():
    u = school("U", "urban", staff=[staffing("math", 3)])
    rural = [
        school(f"R{i}", "rural", lat=23.8 + i / 100, staff=[staffing("math", 0, shortage=1)])
        for i in range(2)
    ]
    recent = teacher("C", "U", last_rotation_end=date(2025, 7, 31))  # cool-down until 2028
    fresh = teacher("F", "U")
    inst = instance([u, *rural], [recent, fresh], rules=free_rules())
    roadmap = solve_roadmap(inst, max_years(inst))
    starts = [(m.staff_no, y.year) for y in roadmap.years for m in y.moves]
    assert sorted(s for s, _ in starts) == ["C", "F"]  # each once, though shortages remain
    assert dict(starts)["C"] >= 2028
    with pytest.raises(ValueError, match="term \\+ cool-down"):
        solve_roadmap(inst, max_years(inst) + 1)


def test_later_years_report_quotas_cohorts_and_retirements():
    u = school("U", "urban", staff=[staffing("math", 4)])
    r = school("R", "rural", lat=23.8, staff=[staffing("math", 0, shortage=2)])
    teachers = [
        teacher("A", "U"),
        teacher("B", "U", joined_school_on=date(2021, 9, 1)),
        teacher("O", "U", retirement_date=date(2028, 1, 31)),
    ]
    inst = instance(
        [u, r],
        teachers,
        **{"quotas.district_share": 0.3, "quotas.school_share": 0, "quotas.key_share": 0},
    )
    roadmap = solve_roadmap(inst, 3)
    first, second, third = roadmap.years
    # The cohort as the rules see each year's date (O never: the 5-year retirement margin).
    assert [y.eligible for y in roadmap.years] == [1, 2, 2]
    assert second.newly_eligible == 1 and third.retired == 1
    quota = {q.name: q for q in first.quotas}["quota.district_share"]
    assert (quota.required, quota.achieved, quota.met) == (1, 1, True)
    assert third.quotas[0].required == math.ceil(Fraction("0.3") * 2) and not third.quotas[0].met
    assert roadmap.objectives[0].value == 1  # the third year's shortfall, reported not hidden


def test_first_year_plan_is_checked_with_pins_the_office_set():
    inst = returning_district()
    pinned = inst.with_pins([Pin(kind="must_stay", staff_no="X")])
    roadmap = solve_roadmap(pinned, 3)
    assert roadmap.years[0].moves == []
    plan = roadmap.first_year_plan
    assert plan is not None and plan.moves == []
    assert roadmap.first_year_findings == []
    assert roadmap.first_year_pins == []  # the office's own pin already holds X
    assert check_plan(pinned.with_pins(roadmap.first_year_pins), plan, verify_bound=True) == []
