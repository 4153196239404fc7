"""Each named rule on tiny hand-made districts: a case where it holds and one where it cannot.

Every plan goes through the independent checker (`solve_checked`). An infeasible case must name
the conflicting rule in plain words, with numbers, and give a relaxation.
"""

from __future__ import annotations

from datetime import date

import pytest

from optimizer import Pin
from optimizer.instance import Exemption
from optimizer.rules import load_rules
from tests.optimizer.factories import (
    free_rules,
    instance,
    key_designation,
    school,
    staffing,
    teacher,
)

URBAN = school("U", "urban", staff=[staffing("math", 3), staffing("pe", 3)])
RURAL = school("R", "rural", lat=23.80, staff=[staffing("math", 1, shortage=1),
                                              staffing("pe", 0, shortage=1)])


def moved(plan) -> dict[str, tuple[str, str | None]]:
    return {m.staff_no: (m.to_school, m.subject) for m in plan.moves}


def assert_conflict(plan, constraint: str, *fragments: str) -> None:
    assert plan.status == "infeasible"
    names = [c.constraint for c in plan.conflicts]
    assert constraint in names, names
    conflict = plan.conflicts[names.index(constraint)]
    for fragment in fragments:
        assert fragment in conflict.zh + conflict.en, (fragment, conflict.zh, conflict.en)
    assert any(r.constraint == constraint and r.relax_by > 0 for r in plan.relaxation)


@pytest.mark.parametrize("fields", [
    {"joined_school_on": date(2022, 9, 1)},
    {"retirement_date": date(2030, 1, 1)},
    {"exemptions": [Exemption(reason="illness", from_date=date(2026, 1, 1))]},
    {"last_rotation_end": date(2025, 7, 31)},
    {"post_type": "temporary"},
    {"on_secondment": True},
])
def test_eligibility_blocks_a_pinned_move(solve_checked, fields):
    rules = free_rules()
    ok = solve_checked(instance([URBAN, RURAL], [teacher("t", "U")], rules=rules,
                                pins=[Pin(kind="must_move", staff_no="t")]))
    assert "t" in moved(ok)
    plan = solve_checked(instance([URBAN, RURAL], [teacher("t", "U", **fields)], rules=rules,
                                  pins=[Pin(kind="must_move", staff_no="t")]))
    assert_conflict(plan, "pin.must_move", "不符合交流条件")


def test_district_quota_met_by_a_swap_or_named_when_impossible(solve_checked):
    teachers = [teacher("u1", "U"), teacher("r1", "R")]
    ok = solve_checked(instance([URBAN, RURAL], teachers, **{"quotas.district_share": 1.0,
                                                          "quotas.key_share": 0}))
    assert set(moved(ok)) == {"u1", "r1"}
    young = [teacher("u1", "U", joined_school_on=date(2024, 9, 1)), teacher("r1", "R")]
    plan = solve_checked(instance([URBAN, RURAL], young, **{"quotas.district_share": 1.0,
                                                         "quotas.key_share": 0,
                                                         "quotas.school_share": 0}))
    assert_conflict(plan, "quota.district_share", "2", "100%")
    [item] = [r for r in plan.relaxation if r.constraint == "quota.district_share"]
    assert (item.target, item.achievable) == (2, 0)  # r1 has no place in town either


def test_school_quota_names_the_deferred_teachers(solve_checked):
    deferred = Exemption(reason="deferred", from_date=date(2026, 1, 1), until=date(2027, 7, 31))
    baoyuan = school("BY", "urban", staff=[staffing("math", 7)]).model_copy(
        update={"name": "宝源学校"})
    teachers = [teacher(f"b{i}", "BY", exemptions=[deferred]) for i in range(7)]
    plan = solve_checked(instance([baoyuan, RURAL], teachers, **{
        "quotas.district_share": 0, "quotas.key_share": 0, "quotas.school_quota_base": "service"}))
    assert_conflict(plan, "quota.school_share", "宝源学校（BY）", "任教年限已满的在编教师7人",
                    "须交流1人", "7人不能交流", "7 cannot rotate")
    # The plan's reading (the default): deferred teachers do not meet the conditions this year,
    # so they are not in the base and the school owes no move.
    default = solve_checked(instance([baoyuan, RURAL], teachers, **{
        "quotas.district_share": 0, "quotas.key_share": 0}))
    [quota] = [q for q in default.quotas if q.scope == "BY"]
    assert default.status == "optimal" and (quota.base, quota.target) == (0, 0)
    assert quota.reasons[0].zh.startswith("宝源学校（BY）：符合交流条件教师0人")
    ok = solve_checked(instance([baoyuan, RURAL], [teacher("b0", "BY")], **{
        "quotas.district_share": 0, "quotas.key_share": 0}))
    assert ok.status == "optimal" and "b0" in moved(ok)


def test_key_share_needs_a_key_teacher(solve_checked):
    settings = {"quotas.district_share": 0.5, "quotas.school_share": 0, "quotas.key_share": 0.5}
    with_key = [teacher("u1", "U", designations=[key_designation()]), teacher("r1", "R")]
    ok = solve_checked(instance([URBAN, RURAL], with_key, **settings))
    assert any(m.is_key for m in ok.moves)
    plan = solve_checked(instance([URBAN, RURAL], [teacher("u1", "U"), teacher("r1", "R")],
                                  **settings))
    assert_conflict(plan, "quota.key_share", "50%")


def test_certificate_must_cover_the_destination(solve_checked):
    junior = school("J", "rural", level="junior", staff=[staffing("pe", 0, shortage=1)])
    ok = solve_checked(instance([URBAN, junior], [teacher("t", "U", "pe")], rules=free_rules()))
    assert moved(ok) == {"t": ("J", "pe")}
    plan = solve_checked(instance([URBAN, junior], [teacher("t", "U", "pe",
                                                            cert_levels=["primary"])],
                                  rules=free_rules()))
    assert plan.moves == []
    [short] = plan.shortages
    assert short.unfilled == 1 and short.reasons[0].code == "unfilled.no_candidate"


def test_subject_must_be_teachable(solve_checked):
    plan = solve_checked(instance([URBAN, RURAL], [teacher("t", "U", "math", volunteer=True)],
                                  rules=free_rules()))
    assert moved(plan) == {"t": ("R", "math")}  # math, not the PE it cannot teach
    pe = {s.subject: s for s in plan.shortages}["pe"]
    assert pe.unfilled == 1 and pe.reasons[0].code == "unfilled.no_candidate"
    both = solve_checked(instance([URBAN, RURAL], [teacher("t", "U", "math",
                                                           can_teach=["math", "pe"])],
                                  rules=free_rules()))
    assert moved(both) == {"t": ("R", "pe")}  # PE weighs 5, maths 1


def test_direction_forbids_rural_to_rural_unless_lateral(solve_checked):
    home = school("R", "rural", staff=[staffing("pe", 1)])
    other = school("R2", "rural", staff=[staffing("pe", 0, shortage=1)])
    pin = [Pin(kind="must_go", staff_no="t", school="R2")]
    plan = solve_checked(instance([home, other], [teacher("t", "R", "pe")], pins=pin,
                                  rules=free_rules()))
    assert_conflict(plan, "pin.must_go", "方向")
    ok = solve_checked(instance([home, other], [teacher("t", "R", "pe")], pins=pin,
                                rules=free_rules(**{"directions.lateral": True})))
    assert moved(ok) == {"t": ("R2", "pe")}


def test_subject_capacity_limits_arrivals(solve_checked):
    volunteers = [teacher(f"t{i}", "U", "pe", volunteer=True) for i in range(3)]
    plan = solve_checked(instance([URBAN, RURAL], volunteers, rules=free_rules()))
    assert len(plan.moves) == 1


def test_post_ceiling_blocks_arrivals(solve_checked):
    full = RURAL.model_copy(update={"post_ceiling": 1})
    residents = [teacher("r1", "R", joined_school_on=date(2025, 9, 1))]
    plan = solve_checked(instance([URBAN, full], [teacher("t", "U", "pe"), *residents],
                                  rules=free_rules()))
    assert plan.moves == []
    assert any(r.code == "unfilled.post_ceiling" for s in plan.shortages for r in s.reasons)
    roomy = RURAL.model_copy(update={"post_ceiling": 2})
    ok = solve_checked(instance([URBAN, roomy], [teacher("t", "U", "pe"), *residents],
                                rules=free_rules()))
    assert moved(ok) == {"t": ("R", "pe")}


def test_sending_school_keeps_its_minimum(solve_checked):
    keep_all = school("U", "urban", staff=[staffing("pe", 1, min_keep=1)])
    pin = [Pin(kind="must_move", staff_no="t")]
    plan = solve_checked(instance([keep_all, RURAL], [teacher("t", "U", "pe")], pins=pin,
                                  rules=free_rules()))
    assert_conflict(plan, "pin.must_move")
    spare = school("U", "urban", staff=[staffing("pe", 2, min_keep=1)])
    ok = solve_checked(instance([spare, RURAL], [teacher("t", "U", "pe")], pins=pin,
                                rules=free_rules()))
    assert "t" in moved(ok)


def test_principal_with_two_terms_swaps_posts(solve_checked):
    principals = [teacher("pu", "U", is_principal=True, principal_terms_at_school=2),
                  teacher("pr", "R", is_principal=True)]
    plan = solve_checked(instance([URBAN, RURAL], principals, rules=free_rules()))
    assert moved(plan) == {"pu": ("R", None), "pr": ("U", None)}
    assert all(m.role == "principal" for m in plan.moves)
    stuck = [principals[0], teacher("pr", "R", is_principal=True,
                                     retirement_date=date(2028, 1, 1))]
    plan = solve_checked(instance([URBAN, RURAL], stuck, rules=free_rules()))
    assert_conflict(plan, "principal.two_terms", "教师pu（工号pu）（U学校（U）校长，任满2届）",
                    "教师pu (staff no. pu) (principal of U学校 (U), 2 terms)")


def test_principals_competing_for_one_chain_get_the_true_reason(solve_checked):
    """Two urban principals must rotate and both may take the rural post, but only one can:
    no post is vacant, so a chain must come back, and the rural principal can close one. The
    one left over has allowed posts, so "no post" would be false: the conflict counts them."""
    other_urban = school("V", "urban", lon=114.72, staff=[staffing("math", 3)])
    principals = [teacher("pu", "U", is_principal=True, principal_terms_at_school=2),
                  teacher("pv", "V", is_principal=True, principal_terms_at_school=2),
                  teacher("pr", "R", is_principal=True)]
    plan = solve_checked(instance([URBAN, other_urban, RURAL], principals, rules=free_rules()))
    stuck = [c for c in plan.conflicts if c.constraint == "principal.two_terms"]
    assert len(stuck) == 1 and stuck[0].scope in ("pu", "pv")
    fragments_zh = ("校长岗位有1个（R学校（R））", "其中空缺0个", "可调入本校的校长1人（教师pr（工号pr））",
                    "与另外1名须交流的校长统筹后，没有这样的调动链")
    fragments_en = ("1 principal posts lie in an allowed direction", "0 of them vacant",
                    "1 principals may take (教师pr (staff no. pr))", "1 other principals")
    assert [f for f in fragments_zh if f not in stuck[0].zh] == []
    assert [f for f in fragments_en if f not in stuck[0].en] == []
    assert "没有可去的校长岗位" not in stuck[0].zh


def test_urban_principal_goes_only_to_rural_or_weak_schools(solve_checked):
    plain = school("P", "urban", quality=False)
    quality = school("Q", "urban", quality=True)
    principals = [teacher("pq", "Q", is_principal=True, principal_terms_at_school=2),
                  teacher("pp", "P", is_principal=True)]
    plan = solve_checked(instance([quality, plain], principals, rules=free_rules()))
    assert_conflict(plan, "principal.two_terms")
    weak_and_vacant = plain.model_copy(update={"is_weak": True})
    ok = solve_checked(instance([quality, weak_and_vacant], principals[:1], rules=free_rules()))
    assert moved(ok) == {"pq": ("P", None)}


# ---------------------------------------------------------------- explanations tell the reason


def test_a_quota_driven_move_says_which_quota(solve_checked):
    """Nobody asked to move: each move out of the urban school says it is for its 10%."""
    home = school("U", "urban", staff=[staffing("math", 12)])
    away = school("R", "rural", lat=23.80, staff=[staffing("math", 1, shortage=3)])
    teachers = [teacher(f"u{i:02}", "U") for i in range(12)] + [teacher("r1", "R")]
    plan = solve_checked(instance([home, away], teachers, **{
        "quotas.district_share": 0.0, "quotas.key_share": 0.0}))
    assert len(plan.moves) == 3  # all three slots filled, ⌈10% of 12⌉ = 2 needed
    for move in plan.moves:
        [quota] = [r for r in move.reasons if r.code == "why.teacher.school_quota"]
        assert quota.zh == "U学校（U）须交流不少于2人（符合交流条件教师12人的10%），方案交流3人"
        assert "U学校 (U) must rotate at least 2" in quota.en
    assert "r1" not in {m.staff_no for m in plan.moves}
    # a principal with full terms moves for that rule, not for the district's 5%
    head = teacher("p", "R", is_principal=True, principal_terms_at_school=2)
    led = solve_checked(instance([away, school("U", "urban")], [head], **{
        "quotas.district_share": 1.0, "quotas.school_share": 0, "quotas.key_share": 0}))
    [move] = led.moves
    codes = [r.code for r in move.reasons]
    assert "why.principal.two_terms" in codes and "why.teacher.district_quota" not in codes


def test_direction_names_the_schools_actual_categories(solve_checked):
    """An ordinary school is not called weak; a principal's reverse move is not 跟岗学习."""
    quality = school("Q", "urban", quality=True, staff=[staffing("pe", 3)])
    ordinary = school("O", "urban", lat=23.75, staff=[staffing("pe", 0, shortage=1)])
    plan = solve_checked(instance([quality, ordinary], [teacher("t", "Q", "pe", volunteer=True)],
                                  rules=free_rules()))
    [move] = plan.moves
    [direction] = [r for r in move.reasons if r.code.startswith("why.school.direction")]
    assert direction.zh == "方向：城区、优质学校→城区学校（优质学校→非优质学校）"
    assert "薄弱" not in direction.zh
    rural = school("R", "rural", lat=23.80)
    urban = school("U", "urban")
    principal = teacher("p", "R", is_principal=True, volunteer=True, wishes=["U"])
    led = solve_checked(instance([rural, urban], [principal], rules=free_rules()))
    [move] = led.moves
    texts = [r.zh for r in move.reasons]
    assert "方向：农村学校→城区学校（农村→城区）" in texts and not any("跟岗" in t for t in texts)


def test_an_unfilled_slot_at_the_post_ceiling_gives_that_reason_first(solve_checked):
    full = RURAL.model_copy(update={"post_ceiling": 1})
    residents = [teacher("r1", "R", joined_school_on=date(2025, 9, 1))]
    plan = solve_checked(instance([URBAN, full], [teacher("t", "U", "pe"), *residents],
                                  rules=free_rules()))
    unfilled = [s for s in plan.shortages if s.unfilled]
    assert len(unfilled) == 2
    for s in unfilled:
        assert s.reasons[0].code == "unfilled.post_ceiling"
        assert s.reasons[0].zh.startswith("决定性原因：R学校（R）交流后在编人数已达核定编制1人")


def test_pruning_is_not_cited_when_the_bound_proves_no_plan_fills_more():
    from optimizer.explain import shortage_results

    inst = instance([URBAN, RURAL], [teacher("t", "U", "math")], rules=free_rules())
    pruned = shortage_results(inst, [], pruned_nearest=8)
    proven = shortage_results(inst, [], pruned_nearest=8, proven_bound=0.0)
    assert len(pruned) == len(proven) == 2
    assert any(r.code == "unfilled.pruned" for s in pruned for r in s.reasons)
    codes = [r.code for s in proven for r in s.reasons]
    assert "unfilled.pruned" not in codes and codes.count("unfilled.bound") == 1  # pe: nobody


def test_a_pin_on_an_ineligible_teacher_asks_to_remove_it(solve_checked):
    young = teacher("t", "U", "pe", joined_school_on=date(2024, 9, 1))
    plan = solve_checked(instance([URBAN, RURAL], [young],
                                  pins=[Pin(kind="must_move", staff_no="t")],
                                  rules=free_rules()))
    assert plan.status == "infeasible"
    [conflict] = plan.conflicts
    assert conflict.zh == ("指定必须交流的教师教师t（工号t）（U学校（U））不符合交流条件："
                           "2024-09-01到现学校，须满6年（2030-09-01起）才符合条件。请取消该指定")
    assert "Please remove the pin" in conflict.en and "staff no. t" in conflict.en


# ---------------------------------------------------------------- the quotas' bases as rules


def test_key_share_is_of_the_urban_and_quality_moves_by_default(solve_checked):
    """U must send one of its ten (10%), none of them key; R's key teacher could swap in.
    Of all moves, 1 key in 2 is 20% and enough; of the urban moves (the plan's 其中) it is not."""
    home = school("U", "urban", staff=[staffing("math", 10)])
    away = school("R", "rural", lat=23.80, staff=[staffing("math", 1)])
    teachers = [teacher(f"u{i}", "U") for i in range(10)] + [
        teacher("rk", "R", designations=[key_designation()])]
    rules = {"quotas.district_share": 0}
    plan = solve_checked(instance([home, away], teachers, **rules))
    # the conflict names the base, and R's key teacher, outside it, is no help
    assert_conflict(plan, "quota.key_share", "20%", "城区、优质学校交流人数的20%",
                    "其中可交流的骨干教师0人", "moved out of urban and quality schools")
    every = solve_checked(instance([home, away], teachers, **rules,
                                   **{"quotas.key_share_base": "all_moves"}))
    assert every.status == "optimal" and "rk" in {m.staff_no for m in every.moves}
    [key] = [q for q in every.quotas if q.name == "quota.key_share"]
    assert (key.base, key.target, key.achieved) == (2, 1, 1)
    assert key.reasons[0].zh.startswith("全区交流2人")


def test_reverse_flows_can_be_left_out_of_the_district_share(solve_checked):
    home = school("U", "urban", staff=[staffing("math", 1)])
    away = school("R", "rural", lat=23.80, staff=[staffing("math", 1)])
    teachers = [teacher("u1", "U"), teacher("r1", "R")]
    rules = {"quotas.district_share": 1.0, "quotas.school_share": 0, "quotas.key_share": 0}
    swap = solve_checked(instance([home, away], teachers, **rules))
    assert swap.status == "optimal" and len(swap.moves) == 2  # the swap: both count
    forward_only = solve_checked(instance([home, away], teachers, **rules,
                                          **{"quotas.reverse_flows_count": False}))
    assert_conflict(forward_only, "quota.district_share", "全区在编教师2人", "须交流2人")


def test_the_district_share_base_is_the_whole_district_when_given(solve_checked):
    home = school("U", "urban", staff=[staffing("math", 3)])
    away = school("R", "rural", lat=23.80, staff=[staffing("math", 0, shortage=2)])
    teachers = [teacher(f"u{i}", "U") for i in range(3)]
    rules = {"quotas.school_share": 0, "quotas.key_share": 0}
    whole = instance([home, away], teachers, **rules).model_copy(
        update={"district_established": 40})
    plan = solve_checked(whole)
    [district] = [q for q in plan.quotas if q.name == "quota.district_share"]
    assert (district.base, district.target) == (40, 2) and district.achieved >= 2
    assert district.reasons[0].zh.startswith("全区在编教师40人")
    compulsory = whole.model_copy(update={"rules": load_rules(overrides={
        **rules, "quotas.district_share_base": "compulsory"})})
    [district] = [q for q in solve_checked(compulsory).quotas
                  if q.name == "quota.district_share"]
    assert (district.base, district.target) == (3, 1)
    assert district.reasons[0].zh.startswith("义务教育学校在编教师3人")
