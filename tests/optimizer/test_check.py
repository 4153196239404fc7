"""The independent checker catches hand-broken plans, each with the rule's name."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from optimizer import Pin, check_plan
from optimizer.instance import Exemption
from tests.optimizer.factories import instance, key_designation, school, staffing, teacher

SCHOOLS = [school("U", "urban", staff=[staffing("math", 3), staffing("pe", 3)]),
           school("R", "rural", lat=23.80, staff=[staffing("math", 1), staffing("pe", 0, shortage=1)]),
           school("J", "rural", level="senior", lat=23.82, staff=[staffing("pe", 0, shortage=1)])]
TEACHERS = [teacher("u1", "U", "pe", designations=[key_designation()]), teacher("u2", "U", "math"),
            teacher("r1", "R", "math"), teacher("y1", "U", "math", joined_school_on=date(2024, 9, 1))]
INSTANCE = instance(SCHOOLS, TEACHERS, **{"quotas.district_share": 0.25,
                                          "quotas.school_share": 0})


@pytest.fixture(scope="module")
def plan():
    from optimizer import SolveSettings, solve

    made = solve(INSTANCE, SolveSettings(time_limit_s=10))
    assert made.status == "optimal" and check_plan(INSTANCE, made) == []
    return made


def broken(plan, **changes):
    """A copy of the plan with its first move changed."""
    first = plan.moves[0].model_copy(update=changes)
    return plan.model_copy(update={"moves": [first, *plan.moves[1:]]})


def names(instance, plan) -> set[str]:
    return {f.constraint for f in check_plan(instance, plan)}


def test_the_valid_plan_moves_the_pe_teacher(plan):
    assert [(m.staff_no, m.to_school) for m in plan.moves] == [("u1", "R")]


def test_duplicate_move(plan):
    twice = plan.model_copy(update={"moves": plan.moves * 2})
    assert "move.once" in names(INSTANCE, twice)


def test_subject_not_teachable(plan):
    assert "move.subject" in names(INSTANCE, broken(plan, subject="music"))


def test_certificate_does_not_cover_a_senior_school(plan):
    assert "move.certificate" in names(INSTANCE, broken(plan, to_school="J"))


def test_capacity_and_direction_and_ceiling(plan):
    inst = INSTANCE.model_copy(update={"schools": [
        SCHOOLS[0], SCHOOLS[1].model_copy(update={"post_ceiling": 0}), SCHOOLS[2]]})
    assert "capacity.post_ceiling" in names(inst, plan)
    found = names(INSTANCE, broken(plan, subject="math"))
    assert "capacity.subject" in found and "plan.figures" in found  # shortage figures now false


def test_ineligible_teacher_and_wrong_dates(plan):
    deferred = TEACHERS[0].model_copy(update={"exemptions": [
        Exemption(reason="deferred", from_date=date(2026, 1, 1))]})
    inst = INSTANCE.model_copy(update={"teachers": [deferred, *TEACHERS[1:]]})
    assert "eligibility.exemption" in names(inst, plan)
    assert "plan.terms" in names(INSTANCE, broken(plan, planned_end=date(2030, 1, 1)))


def test_pins_are_checked(plan):
    stay = INSTANCE.with_pins([Pin(kind="must_stay", staff_no="u1")])
    assert "pin.must_stay" in names(stay, plan)
    go = INSTANCE.with_pins([Pin(kind="must_go", staff_no="u2", school="R")])
    assert "pin.must_go" in names(go, plan)
    banned = INSTANCE.with_pins([Pin(kind="forbid", staff_no="u1", school="R")])
    assert "pin.forbid" in names(banned, plan)


def test_quota_shortfall_and_false_figures(plan):
    empty = plan.model_copy(update={"moves": []})
    assert "quota.district_share" in names(INSTANCE, empty)
    lying = plan.model_copy(update={"quotas": [
        plan.quotas[0].model_copy(update={"achieved": 9}), *plan.quotas[1:]]})
    assert names(INSTANCE, lying) == {"plan.figures"}


def test_false_shortage_figures_are_named_with_the_school_and_the_numbers(plan):
    """A plan that claims R's PE slot unfilled (or lists none) is refused with R, the subject
    and both sets of figures, in Chinese and in English."""
    pe = next(r for r in plan.shortages if r.school == "R" and r.subject == "pe")
    assert (pe.slots, pe.filled) == (1, 1)
    claims = {"unfilled": [r if r is not pe else pe.model_copy(update={"filled": 0,
                                                                        "unfilled": 1})
                           for r in plan.shortages],
              "left out": [r for r in plan.shortages if r is not pe]}
    said = {"unfilled": ("缺1人、补0人、未补1人", "1 slots, 0 filled, 1 unfilled"),
            "left out": ("无", "none")}
    for claim, shortages in claims.items():
        found = [f for f in check_plan(INSTANCE, plan.model_copy(update={"shortages": shortages}))
                 if f.constraint == "plan.figures"]
        assert len(found) == 1 and found[0].scope == "R:pe"
        zh, en = said[claim]
        assert f"方案报告{zh}，实际缺1人、补1人、未补0人" in found[0].zh
        assert "R学校（R）" in found[0].zh and "体育" in found[0].zh
        assert f"the plan reports {en}, in fact 1 slots, 1 filled, 0 unfilled" in found[0].en
    assert len(claims) == 2


def test_key_share_is_checked(plan):
    non_key = TEACHERS[0].model_copy(update={"designations": []})
    inst = INSTANCE.model_copy(update={"teachers": [non_key, *TEACHERS[1:]]})
    assert {"quota.key_share", "plan.figures"} <= names(inst, plan)


def test_an_infeasible_plan_must_explain_itself(plan):
    silent = plan.model_copy(update={"status": "infeasible", "moves": []})
    assert names(INSTANCE, silent) == {"plan.figures", "plan.bound"}  # and a plan exists


# ---------------------------------------------------------------- claims beyond the moves


def _findings(instance, plan, name):
    return [f for f in check_plan(instance, plan) if f.constraint == name]


def _level(plan, index, **changes):
    levels = list(plan.objectives)
    levels[index] = levels[index].model_copy(update=changes)
    return levels


def test_a_forged_level_one_value_and_bound_are_refused(plan):
    """570 → 600 in the file: the value recomputed from the moves and the re-proved bound
    both disagree, and the finding names the claim."""
    first = plan.objectives[0]
    assert first.value == first.bound == 5.0  # pe (weight 5) filled at R
    forged = plan.model_copy(update={"objectives": _level(plan, 0, value=6.0, bound=6.0),
                                     "best_bound": 6.0})
    objective = _findings(INSTANCE, forged, "plan.objective")
    assert len(objective) == 1 and "报告为6.0" in objective[0].zh and "实为5" in objective[0].zh
    assert objective[0].scope == "rural_shortage_filled"
    # the bound alone raised: a weaker claim, but "proven optimal" with bound ≠ value is not
    raised = plan.model_copy(update={"objectives": _level(plan, 0, bound=6.0),
                                     "best_bound": 6.0})
    assert [f.scope for f in _findings(INSTANCE, raised, "plan.bound")] == [
        "rural_shortage_filled"]


def test_a_forged_optimal_status_is_refused_by_the_independent_bound():
    """A plan with one move fewer than the optimum, relabelled 'optimal' with its bound set to
    its own value (every figure consistent with itself): only the re-solve can tell, and does."""
    from optimizer import SolveSettings, solve
    from optimizer.certify import objective_values

    schools = [school("U", "urban", staff=[staffing("pe", 3), staffing("music", 3)]),
               school("R", "rural", lat=23.80,
                      staff=[staffing("pe", 0, shortage=1), staffing("music", 0, shortage=1)])]
    teachers = [teacher("p1", "U", "pe"), teacher("m1", "U", "music")]
    inst = instance(schools, teachers, **{"quotas.district_share": 0.0,
                                          "quotas.school_share": 0.0, "quotas.key_share": 0.0})
    best = solve(inst, SolveSettings(time_limit_s=10))
    assert best.status == "optimal" and len(best.moves) == 2 and check_plan(inst, best) == []
    from optimizer.explain import quota_results, shortage_results

    fewer = best.moves[:1]
    value = objective_values(inst, fewer)["rural_shortage_filled"]
    distance = objective_values(inst, fewer)["distance"]
    levels = [best.objectives[0].model_copy(update={"value": value, "bound": value}),
              best.objectives[1].model_copy(update={
                  "value": objective_values(inst, fewer)["preference"],
                  "bound": objective_values(inst, fewer)["preference"]}),
              best.objectives[2].model_copy(update={"value": distance, "bound": distance})]
    forged = best.model_copy(update={
        "moves": fewer, "objectives": levels, "best_bound": value,
        "quotas": quota_results(inst, fewer), "shortages": shortage_results(inst, fewer, None)})
    found = check_plan(inst, forged)
    assert [f.constraint for f in found] == ["plan.bound", "plan.bound"], [f.en for f in found]
    assert all("独立复核" in f.zh for f in found)


def test_a_forged_distance_is_refused(plan):
    moved = broken(plan, distance_km=plan.moves[0].distance_km + 3)
    found = _findings(INSTANCE, moved, "plan.objective")
    assert len(found) == 1 and found[0].scope == "u1" and "教师u1" in found[0].zh
    total = plan.model_copy(update={"objectives": _level(
        plan, 2, value=plan.objectives[2].value - 1, bound=plan.objectives[2].value - 1)})
    assert [f.scope for f in _findings(INSTANCE, total, "plan.objective")] == ["distance"]


def test_an_instance_edited_after_solving_is_refused(plan):
    """An exemption deleted from the embedded instance so that an exempt teacher's move
    passes: the instance hash in the plan no longer matches."""
    deferred = TEACHERS[0].model_copy(update={"exemptions": [
        Exemption(reason="deferred", from_date=date(2026, 1, 1))]})
    exempt = INSTANCE.model_copy(update={"teachers": [deferred, *TEACHERS[1:]]})
    from optimizer.certify import instance_sha256

    made_from_exempt = plan.model_copy(update={"provenance": plan.provenance.model_copy(
        update={"instance_sha256": instance_sha256(exempt)})})
    found = _findings(INSTANCE, made_from_exempt, "plan.instance")
    assert len(found) == 1 and "求解后被改动" in found[0].zh
    assert _findings(exempt, made_from_exempt, "plan.instance") == []


def test_the_instance_hash_is_canonical(plan):
    """Key order and spacing of the file do not change the hash; a value does."""
    import json

    from optimizer import Instance
    from optimizer.certify import instance_sha256

    data = json.loads(INSTANCE.model_dump_json(by_alias=True))
    shuffled = json.loads(json.dumps(dict(reversed(list(data.items()))), indent=3))
    assert instance_sha256(Instance.model_validate(shuffled)) == instance_sha256(INSTANCE)
    assert plan.provenance.instance_sha256 == instance_sha256(INSTANCE)
    data["teachers"][0]["retirement_date"] = "2030-09-01"
    assert instance_sha256(Instance.model_validate(data)) != instance_sha256(INSTANCE)


def test_the_instance_hash_is_the_sha256_of_the_whole_canonical_text(monkeypatch):
    """Hashed in pieces (the teachers a few at a time), the hash is still that of the canonical
    JSON written whole — the definition plans made before carry — for every count of teachers
    around the piece size, Chinese names and exemptions included."""
    import hashlib
    import json
    import random

    from optimizer import certify
    from tests.optimizer.factories import district

    monkeypatch.setattr(certify, "HASH_TEACHERS_AT_ONCE", 3)
    rng = random.Random(11)
    counts = Counter()
    for _ in range(40):
        drawn = district(rng, max_teachers=12)
        teachers = [t.model_copy(update={"name": f"教师{t.staff_no}", "exemptions": [
            Exemption(reason="illness", **{"from": date(2026, 3, 1)})]}) for t in drawn.teachers]
        for n in (0, 1, 2, 3, 4, 6, 7, len(teachers)):
            cut = drawn.model_copy(update={"teachers": teachers[:n]})
            whole = json.dumps(cut.model_dump(mode="json", by_alias=True), sort_keys=True,
                               ensure_ascii=False, separators=(",", ":"))
            assert certify.instance_sha256(cut) == hashlib.sha256(whole.encode()).hexdigest()
            counts[len(cut.teachers)] += 1
    assert sum(counts.values()) == 320 and set(range(8)) <= set(counts), counts


def test_a_true_infeasible_result_is_verified():
    from optimizer import SolveSettings, solve

    inst = instance([school("U", "urban", staff=[staffing("math", 3)])],
                    [teacher("u1", "U")], **{"quotas.district_share": 1.0})
    made = solve(inst, SolveSettings(time_limit_s=10))
    assert made.status == "infeasible" and not made.moves
    assert check_plan(inst, made) == []


def test_every_finding_names_who_and_where(plan):
    """Each finding about a teacher names them (name and staff number), each about a school
    names it (name and code), in both languages, with labels instead of codes or raw Python."""
    from optimizer.instance import Designation

    deferred = TEACHERS[0].model_copy(update={
        "exemptions": [Exemption(reason="illness", from_date=date(2026, 1, 1))],
        "joined_school_on": date(2024, 9, 1), "post_type": "temporary",
        "designations": [Designation(kind="key_teacher", tier="school",
                                     valid_from=date(2020, 1, 1))]})
    blocked = INSTANCE.model_copy(update={"teachers": [deferred, *TEACHERS[1:]]})
    tight = INSTANCE.model_copy(update={"schools": [
        SCHOOLS[0], SCHOOLS[1].model_copy(update={"post_ceiling": 0}), SCHOOLS[2]]})
    cases = [
        (INSTANCE, plan.model_copy(update={"moves": plan.moves * 2})),
        (INSTANCE, broken(plan, subject="music")),
        (INSTANCE, broken(plan, to_school="J")),
        (INSTANCE, broken(plan, subject="math")),
        (INSTANCE, broken(plan, planned_end=date(2030, 1, 1), wish_rank=3)),
        (INSTANCE, broken(plan, to_school="U")),
        (tight, plan),
        (blocked, plan),
        (INSTANCE.with_pins([Pin(kind="must_stay", staff_no="u1")]), plan),
        (INSTANCE.with_pins([Pin(kind="must_go", staff_no="u2", school="R")]), plan),
        (INSTANCE, plan.model_copy(update={"moves": []})),
    ]
    schools = {s.code: s for s in SCHOOLS}
    teachers = {t.staff_no: t for t in TEACHERS}
    named = Counter()
    for inst, candidate in cases:
        for f in check_plan(inst, candidate):
            for text in (f.zh, f.en):
                assert "{" not in text and "['" not in text, text
            head = f.scope.split(":")[0]
            if head in teachers:
                t = teachers[head]
                assert t.name in f.zh and t.staff_no in f.zh and t.name in f.en, f
                named["teacher"] += 1
            elif head in schools:
                s = schools[head]
                assert f"{s.name}（{s.code}）" in f.zh and f"{s.name} ({s.code})" in f.en, f
                named["school"] += 1
            else:
                assert head in ("district", "plan", "rural_shortage_filled", "preference",
                                "distance"), f
                named["district"] += 1
    assert named["teacher"] >= 12 and named["school"] >= 4, named
    labels = " ".join(f.zh for f in check_plan(blocked, plan))
    assert "临聘" in labels and "重病" in labels and "2024-09-01到现学校" in labels
    cert = check_plan(INSTANCE, broken(plan, to_school="J"))
    assert any("小学教师资格、初级中学教师资格" in f.zh and "高级中学教师资格" in f.zh
               for f in cert)


def test_the_bound_is_re_proved_by_default_only_when_the_instance_is_small(plan, monkeypatch):
    import optimizer.check
    from optimizer.certify import proof_size

    lowered = plan.model_copy(update={"objectives": _level(plan, 0, bound=4.0, value=4.0),
                                      "best_bound": 4.0})
    assert 0 < proof_size(INSTANCE) <= optimizer.check.PROOF_MAX_ARCS
    assert _findings(INSTANCE, lowered, "plan.bound")  # 4 < the 5 any plan can reach
    monkeypatch.setattr(optimizer.check, "PROOF_MAX_ARCS", 0)
    assert not optimizer.check.bound_verifiable(INSTANCE)
    assert [f for f in check_plan(INSTANCE, lowered) if f.constraint == "plan.bound"] == []
    forced = check_plan(INSTANCE, lowered, verify_bound=True)
    assert [f.scope for f in forced if f.constraint == "plan.bound"] == ["rural_shortage_filled"]


def test_nan_misordered_levels_and_false_gaps_are_refused(plan):
    """Claims that every comparison would let through: NaN compares false with everything, a
    distance level relabelled 'max' turns the bound check around, and gaps nobody checked."""
    nan = float("nan")
    cases = {
        "nan level": (plan.model_copy(update={"objectives": _level(plan, 1, value=nan,
                                                                    bound=nan)}),
                      {("plan.objective", "preference.value"),
                       ("plan.objective", "preference.bound")}),
        "nan plan gap": (plan.model_copy(update={"relative_gap": nan}),
                         {("plan.objective", "relative_gap")}),
        "infinite distance": (broken(plan, distance_km=float("inf")),
                              {("plan.objective", "u1.distance_km")}),
        "level twice": (plan.model_copy(update={"status": "feasible", "objectives": [
            plan.objectives[0]] * 3}), {("plan.objective", "plan")}),
        "sense turned": (plan.model_copy(update={"status": "feasible", "objectives": _level(
            plan, 2, sense="max", proven_optimal=False, bound=1e9)}),
            {("plan.objective", "plan")}),
        "level gap": (plan.model_copy(update={"objectives": _level(plan, 1, relative_gap=0.7)}),
                      {("plan.bound", "preference"), ("plan.bound", "plan")}),
        "plan gap": (plan.model_copy(update={"relative_gap": 0.7}), {("plan.bound", "plan")}),
        "optimal, one level": (plan.model_copy(update={"objectives": plan.objectives[:1]}),
                               {("plan.bound", "plan")}),
    }
    # a plan file as check-plan reads it: pydantic's JSON parser takes NaN and Infinity
    from optimizer.plan import Plan

    text = plan.model_dump_json()
    assert text.count('"best_bound":5.0') == 1
    cases["NaN in the file"] = (Plan.model_validate_json(text.replace(
        '"best_bound":5.0', '"best_bound":NaN')), {("plan.objective", "best_bound")})
    for case, (forged, expected) in cases.items():
        found = {(f.constraint, f.scope) for f in check_plan(INSTANCE, forged)}
        assert found == expected, (case, found)
    assert len(cases) == 9
