"""Random small districts: the checker accepts every plan, and its three objective levels
equal those of a brute-force enumeration of every assignment — complete secondary schools with
their senior sections' figures among them."""

from __future__ import annotations

import itertools
import random
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer import Instance, SolveSettings, check_plan, solve
from optimizer.rules import (
    cert_covers,
    cert_rank,
    counts_in_quota_base,
    counts_toward_district_share,
    district_share_base,
    in_key_share_base,
    in_school_quota_scope,
    is_available,
    is_key,
    key_share_fraction,
    max_net_loss,
    move_direction,
    move_preference,
    school_distance_km,
    share_target,
    subject_weight,
)
from tests.optimizer.factories import district


def brute_force(instance: Instance) -> tuple[int, int, int] | None:
    """The lexicographic best (weighted rural fill, preference, − distance in 0.1-km units)
    over every assignment of the available teachers (none of them principals), or None when no
    assignment keeps the rules."""
    rules, as_of = instance.rules, instance.as_of
    movers = [t for t in instance.teachers if is_available(t, as_of, rules)]
    options = []
    for t in movers:
        source = instance.school_by_code[t.school]
        options.append([None] + [
            (d.code, j) for d in instance.schools
            if move_direction(source, d, rules) and cert_covers(t.cert_levels, d, rules)
            for j in t.can_teach])
    district_target = share_target(rules.quotas.district_share, district_share_base(instance))
    base = Counter(t.school for t in instance.teachers if counts_in_quota_base(t, as_of, rules))
    school_targets = {s.code: share_target(rules.quotas.school_share, base[s.code])
                      for s in instance.schools if in_school_quota_scope(s)}
    headcount = Counter(t.school for t in instance.teachers if t.post_type == "established")
    share = key_share_fraction(rules)
    senior = {t.staff_no for t in movers if cert_rank(t.cert_levels) >= 3}  # 高级中学 or above
    best = None
    for combo in itertools.product(*options):
        moves = [(t, o) for t, o in zip(movers, combo, strict=True) if o is not None]
        arrivals = Counter(o for _, o in moves)
        departures = Counter((t.school, t.main_subject) for t, _ in moves)
        senior_arrivals = Counter(o for t, o in moves if t.staff_no in senior)
        senior_departures = Counter((t.school, t.main_subject) for t, _ in moves
                                    if t.staff_no in senior)
        leaving = Counter(t.school for t, _ in moves)
        net = Counter(d for _, (d, _) in moves)
        net.subtract(leaving)
        at = instance.school_by_code
        counted = sum(counts_toward_district_share(at[t.school], at[d], rules)
                      for t, (d, _) in moves)
        in_base = [t for t, _ in moves if in_key_share_base(at[t.school], rules)]
        keys = sum(is_key(t, as_of, rules) for t in in_base)
        if (counted < district_target
                or any(leaving[s] < n for s, n in school_targets.items())
                or share.denominator * keys < share.numerator * len(in_base)):
            continue
        ok = True
        for school in instance.schools:
            if net[school.code] > max(0, school.post_ceiling - headcount[school.code]):
                ok = False
            for e in school.staffing:
                key = (school.code, e.subject)
                if arrivals[key] - departures[key] > e.shortage or (
                        departures[key] - arrivals[key] > max_net_loss(e)[0]):
                    ok = False
                if e.senior is not None and not _sections_hold(
                        e, arrivals[key] - senior_arrivals[key],
                        departures[key] - senior_departures[key],
                        senior_arrivals[key], senior_departures[key]):
                    ok = False
        if not ok or any(arrivals[k] > 0 and k[1] not in
                         instance.school_by_code[k[0]].staffing_by_subject
                         and arrivals[k] > departures[k] for k in arrivals):
            continue
        fill = sum(subject_weight(e.subject, rules)
                   * min(e.shortage, max(0, arrivals[(s.code, e.subject)]
                                         - departures[(s.code, e.subject)]))
                   for s in instance.schools if s.zone == "rural" for e in s.staffing)
        distance = sum(round(round(school_distance_km(instance.school_by_code[t.school],
                                                      instance.school_by_code[d]), 3) / 0.1)
                       for t, (d, _) in moves)
        score = (fill, sum(move_preference(t, d, rules) for t, (d, _) in moves), -distance)
        best = score if best is None or score > best else best
    return best


def _sections_hold(e, junior_in: int, junior_out: int, senior_in: int, senior_out: int
                   ) -> bool:
    """The two sections of a complete secondary school in one subject, read from the figures
    alone: while the senior section is short, teachers without a senior certificate gain the
    school no more than the junior section's slots and it loses no senior-certified one on
    balance; otherwise it keeps the senior section's minimum of them."""
    short = e.senior.shortage
    if short > 0:
        return junior_in - junior_out <= e.shortage - short and senior_out <= senior_in
    return senior_out - senior_in <= e.senior.in_post - e.senior.min_keep


def with_quota_keys(drawn: Instance, reverse_flows_count: bool, key_share_base: str,
                    district_share_base: str, district_established: int | None,
                    special: bool) -> Instance:
    """`drawn` under the given quota bases (quotas.reverse_flows_count, key_share_base,
    district_share_base, the registry's district headcount); `special`: the last school becomes
    a special-education school, outside the 'compulsory' base but open to moves (its
    certificate is the primary one), so that the two district bases differ."""
    quotas = drawn.rules.quotas.model_copy(update={
        "reverse_flows_count": reverse_flows_count, "key_share_base": key_share_base,
        "district_share_base": district_share_base})
    schools = list(drawn.schools)
    if special:
        schools[-1] = schools[-1].model_copy(update={"level": "special"})
    return drawn.model_copy(update={
        "rules": drawn.rules.model_copy(update={"quotas": quotas}), "schools": schools,
        "district_established": district_established})


QUOTA_KEYS = st.tuples(st.booleans(), st.sampled_from(["urban_quality_moves", "all_moves"]),
              st.sampled_from(["whole_district", "compulsory"]),
              st.none() | st.integers(0, 60), st.booleans())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10**9), QUOTA_KEYS, st.booleans())
def test_random_district_matches_brute_force(seed, quota_keys, sections):
    instance = with_quota_keys(district(random.Random(seed), max_schools=4, max_available=5,
                                        sections=sections), *quota_keys)
    plan = solve(instance, SolveSettings(time_limit_s=20))
    assert check_plan(instance, plan) == []
    expected = brute_force(instance)
    if expected is None:
        assert plan.status == "infeasible"
        assert plan.conflicts and plan.relaxation
        assert all(c.zh and c.en for c in plan.conflicts)
    else:
        assert plan.status == "optimal"
        fill, preference, distance = (level.value for level in plan.objectives)
        assert (fill, preference, -round(distance * 10)) == expected


def _alike_but_wishes(rng: random.Random) -> Instance:
    """A random small district whose available teachers at each school are alike in everything
    the model groups by (main subject, subjects, certificate, key status, volunteer flag) and
    differ only in their wishes — so that groups of several members carry wish arcs."""
    base = district(rng, max_schools=3, max_available=5)
    rules, as_of = base.rules, base.as_of
    template: dict[str, object] = {}
    teachers = []
    for t in base.teachers:
        if is_available(t, as_of, rules):
            first = template.setdefault(t.school, t)
            t = t.model_copy(update={
                "main_subject": first.main_subject, "can_teach": list(first.can_teach),
                "cert_levels": list(first.cert_levels), "designations": list(first.designations),
                "volunteer": first.volunteer})
        teachers.append(t)
    return Instance(year=base.year, as_of=base.as_of, rules=rules, schools=base.schools,
                    teachers=teachers)


def test_wish_arcs_of_groups_match_brute_force():
    """Wishes are not in the group key (optimizer.network): members of one group who wished
    different schools take wish arcs of their own. The plan's three levels must still equal the
    brute force's, and each move's wish rank must be its teacher's own."""
    from optimizer.network import build_network

    with_wish_arcs = optimal = 0
    varied: Counter = Counter()
    for seed in range(150):
        rng = random.Random(seed)
        instance = with_quota_keys(
            _alike_but_wishes(rng), rng.random() < 0.5,
            rng.choice(["urban_quality_moves", "all_moves"]),
            rng.choice(["whole_district", "compulsory"]),
            rng.choice([None, rng.randint(0, 60)]), rng.random() < 0.5)
        net = build_network(instance, SolveSettings())
        if not any(a.member for a in net.arcs):
            continue
        with_wish_arcs += 1
        plan = solve(instance, SolveSettings(time_limit_s=20))
        assert check_plan(instance, plan) == [], seed
        expected = brute_force(instance)
        if expected is None:
            assert plan.status == "infeasible", seed
            continue
        optimal += 1
        quotas = instance.rules.quotas
        varied.update([("reverse", quotas.reverse_flows_count),
                       ("key base", quotas.key_share_base),
                       ("district base", quotas.district_share_base)])
        assert plan.status == "optimal", seed
        fill, preference, distance = (level.value for level in plan.objectives)
        assert (fill, preference, -round(distance * 10)) == expected, seed
        for move in plan.moves:
            wishes = instance.teacher_by_staff_no[move.staff_no].wishes
            rank = wishes.index(move.to_school) + 1 if move.to_school in wishes else None
            assert move.wish_rank == rank
    assert with_wish_arcs >= 40 and optimal >= 15, (with_wish_arcs, optimal)
    # every value of every quota key met wish arcs in a plan that exists
    assert len(varied) == 6 and min(varied.values()) >= 3, varied


def _without_sections(instance: Instance) -> Instance:
    """The same district with every senior section's figures taken out (each subject counted
    as one, as before sections existed)."""
    schools = [s.model_copy(update={"staffing": [e.model_copy(update={"senior": None})
                                                 for e in s.staffing]})
               for s in instance.schools]
    return instance.model_copy(update={"schools": schools})


SECTION_CASES = 200
"""Random districts with complete secondary schools compared with the brute force."""


def test_complete_secondary_sections_match_brute_force():
    """Districts with complete secondary schools and teachers with and without senior
    certificates (`factories.with_sections`), their quotas drawn or off: the plan's three
    levels equal the brute force's, which reads the sections from the figures itself. Counted:
    the cases where the sections change the optimum (the same district without them has
    another one), so that the rule is seen to bite, not only to hold."""
    from tests.optimizer.factories import free_rules

    checked = optimal = bites = 0
    for seed in range(SECTION_CASES):
        rng = random.Random(seed)
        drawn = district(rng, max_schools=4, max_available=5, sections=True)
        instance = drawn if rng.random() < 0.5 else drawn.model_copy(update={
            "rules": free_rules(**{"quotas.school_share": rng.choice([0.0, 0.5])})})
        checked += 1
        plan = solve(instance, SolveSettings(time_limit_s=20))
        assert check_plan(instance, plan) == [], seed
        expected = brute_force(instance)
        if expected is None:
            assert plan.status == "infeasible", seed
            continue
        optimal += 1
        assert plan.status == "optimal", seed
        fill, preference, distance = (level.value for level in plan.objectives)
        assert (fill, preference, -round(distance * 10)) == expected, seed
        bites += brute_force(_without_sections(instance)) != expected
    assert checked == SECTION_CASES and optimal >= 100 and bites >= 20, (optimal, bites)
