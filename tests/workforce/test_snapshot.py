"""The registry as the optimizer's instance: scope, teacher facts and staffing."""

import datetime as dt

from sqlmodel import select

from optimizer import load_rules
from workforce.models import Exemption, RotationRecord, RotationWish, School, Teacher
from workforce.rules.demand import demand_by_school
from workforce.snapshot import build_instance

from .district import build_small_district


def test_instance_holds_the_compulsory_schools_and_their_teachers(session):
    build_small_district(session)
    instance = build_instance(session, year=2026)
    assert instance.as_of == dt.date(2026, 9, 1)
    assert [s.code for s in instance.schools] == ["R1", "R2", "U1"]  # no kindergarten
    assert len(instance.teachers) == 20


def test_staffing_comes_from_the_demand_rule(session):
    schools = build_small_district(session)
    instance = build_instance(session, year=2026)
    demand = demand_by_school(session, dt.date(2026, 9, 1))
    rural_pe = demand[schools["R1"].id].subjects["pe"]
    staffing = instance.school_by_code["R1"].staffing_by_subject["pe"]
    assert staffing.shortage == rural_pe.shortage_slots > 0
    assert staffing.in_post == 0
    urban_pe = instance.school_by_code["U1"].staffing_by_subject["pe"]
    assert urban_pe.in_post == 6 and urban_pe.min_keep == 4


def test_teacher_facts_include_retirement_designations_exemptions_and_wishes(session):
    schools = build_small_district(session)
    instance = build_instance(session, year=2026)
    key = instance.teacher_by_staff_no["UPE0"]
    assert key.retirement_date == dt.date(2043, 5, 1)  # born 1985-05, female_55: 55 y + 36 m
    assert [d.kind for d in key.designations] == ["key_teacher"]
    assert key.can_teach == ["pe"] and key.cert_levels == ["primary"]

    _add_records_of_uma1(session, schools, start=dt.date(2019, 9, 1), end=dt.date(2022, 8, 31),
                         ended=dt.date(2022, 8, 31))  # fmt: skip
    facts = build_instance(session, year=2026).teacher_by_staff_no["UMA1"]
    assert facts.exemptions[0].reason == "nursing"
    assert facts.wishes == ["R2"] and facts.volunteer
    assert facts.last_rotation_end == dt.date(2022, 8, 31)
    assert not facts.on_secondment


def test_principal_terms_are_counted_in_the_rules_term_length(session):
    build_small_district(session)
    principal = session.exec(select(Teacher).where(Teacher.staff_no == "UMA1")).one()
    principal.is_principal = True
    principal.joined_school_on = dt.date(2015, 9, 1)
    principal.principal_since = dt.date(2019, 9, 1)  # 7 full years on 2026-09-01
    session.add(principal)
    session.commit()
    default = build_instance(session, year=2026).teacher_by_staff_no["UMA1"]
    assert default.is_principal and default.principal_terms_at_school == 2  # 3-year terms
    longer = build_instance(
        session, year=2026, rules=load_rules(overrides={"principals.term_years": 4})
    )
    assert longer.teacher_by_staff_no["UMA1"].principal_terms_at_school == 1


def test_the_district_share_base_counts_the_whole_district(session):
    """The plan's 全区在编教师总数: kindergarten staff count in the 5% base although the
    kindergarten is outside the rotation's scope; temporary staff do not."""
    from optimizer.rules import district_share_base

    from .district import add_teacher

    build_small_district(session)
    kindergarten = session.exec(select(School).where(School.code == "K1")).one()
    for n in range(3):
        add_teacher(session, f"K{n}", kindergarten)
    add_teacher(session, "KT", kindergarten, post_type="temporary")
    session.commit()
    instance = build_instance(session, year=2026)
    assert len(instance.teachers) == 20 and instance.district_established == 23
    assert district_share_base(instance) == 23
    compulsory = load_rules(overrides={"quotas.district_share_base": "compulsory"})
    assert district_share_base(build_instance(session, year=2026, rules=compulsory)) == 20


def test_the_staffing_minimum_counts_established_teachers_only(session):
    from .district import add_teacher

    schools = build_small_district(session)
    add_teacher(session, "UTMP", schools["U1"], post_type="temporary")
    session.commit()
    demand = demand_by_school(session, dt.date(2026, 9, 1))[schools["U1"].id].subjects["math"]
    staffing = build_instance(session, year=2026).school_by_code["U1"].staffing_by_subject["math"]
    assert (demand.in_post, demand.established) == (7, 6)
    assert staffing.in_post == 6 and staffing.min_keep <= 6


def test_a_school_with_an_empty_county_is_in_the_no_county_rotation(session):
    """`counties` lists a school whose county is stored as "" (a blank cell) under NO_COUNTY,
    so `build_instance(county=NO_COUNTY)` must take it, not only the NULL ones — else its
    teachers are in no county's rotation at all."""
    from workforce.snapshot import NO_COUNTY, counties

    schools = build_small_district(session)
    schools["U1"].county = ""
    schools["R1"].county = "源城区"
    session.commit()
    assert counties(session) == [NO_COUNTY, "源城区"]
    no_county = build_instance(session, year=2026, county=NO_COUNTY)
    by_county = build_instance(session, year=2026, county="源城区")
    assert {s.code for s in no_county.schools} == {"U1", "R2"}
    assert {s.code for s in by_county.schools} == {"R1"}
    assert (
        len(no_county.teachers) + len(by_county.teachers)
        == len(build_instance(session, year=2026).teachers)
        == 20
    )


def test_the_columns_read_are_all_the_mapping_uses(session):
    """The snapshot reads only `TEACHER_COLUMNS` and `CHILD_COLUMNS` (skipping the decoding of
    the rest); every teacher maps to the same instance teacher as from whole rows — a column
    the mapping uses but the selection leaves out fails here."""
    from collections import defaultdict

    from workforce.snapshot import (
        CHILD_TABLES,
        TEACHER_COLUMNS,
        _children_by_teacher,
        _instance_teacher,
    )

    schools = build_small_district(session)
    _add_records_of_uma1(session, schools, start=dt.date(2025, 9, 1), end=dt.date(2027, 8, 31),
                         ended=None)  # on secondment now  # fmt: skip
    whole_children = {}
    for name, model in CHILD_TABLES.items():
        by_teacher = defaultdict(list)
        for row in session.execute(select(model.__table__).order_by(model.id)):
            by_teacher[row.teacher_id].append(row)
        whole_children[name] = by_teacher
    whole_rows = session.execute(select(Teacher.__table__).order_by(Teacher.staff_no)).all()
    chosen = [Teacher.__table__.c[c] for c in TEACHER_COLUMNS]
    rows = session.execute(select(*chosen).order_by(Teacher.staff_no)).all()
    children = _children_by_teacher(session, [r.id for r in rows], 2026)
    code_of = dict(session.execute(select(School.id, School.code)).all())
    as_of = dt.date(2026, 9, 1)
    mapped = [_instance_teacher(r, children, code_of, as_of, 5) for r in rows]
    from_whole = [_instance_teacher(r, whole_children, code_of, as_of, 5) for r in whole_rows]
    assert len(mapped) == len(rows) == 20  # every teacher of the small district
    assert mapped == from_whole
    moved = next(t for t in mapped if t.staff_no == "UMA1")
    assert (
        moved.on_secondment
        and moved.wishes == ["R2"]
        and moved.exemptions[0].until == dt.date(2027, 3, 1)
    )


def _add_records_of_uma1(
    session, schools, *, start: dt.date, end: dt.date, ended: dt.date | None
) -> None:
    """Teacher UMA1 of the small district gets an exemption (nursing, 2026-03-01 to
    2027-03-01), a wish for R2 in 2026 and a secondment U1 → R1 from ``start`` to ``end``
    (ended on ``ended``, or still running)."""
    teacher = session.exec(select(Teacher).where(Teacher.staff_no == "UMA1")).one()
    session.add(Exemption(teacher_id=teacher.id, reason="nursing", from_on=dt.date(2026, 3, 1),
                          until_on=dt.date(2027, 3, 1)))  # fmt: skip
    session.add(RotationWish(teacher_id=teacher.id, year=2026, rank=1, school_id=schools["R2"].id))
    session.add(RotationRecord(teacher_id=teacher.id, from_school_id=schools["U1"].id,
                               to_school_id=schools["R1"].id, kind="secondment", start_on=start,
                               planned_end_on=end, actual_end_on=ended))  # fmt: skip
    session.commit()


def test_a_complete_secondary_school_carries_its_senior_sections_figures(session):
    """Physics at a complete secondary school: two teachers with junior certificates only, one
    established and one temporary teacher with a senior certificate. The instance takes the
    senior section's figures from the demand rule — its 在编 senior-certified teachers, the
    slots only they can fill, the fewest of them to keep — and the other schools none."""
    from optimizer import SolveSettings, check_plan, solve
    from optimizer.instance import SeniorSection
    from workforce.models import Certificate

    from .district import add_school, add_teacher

    build_small_district(session)
    school = add_school(session, "W", level="complete_secondary", zone="rural", town="源南")
    for n in range(2):
        add_teacher(session, f"WJ{n}", school, main_subject="physics")
    for staff_no, post_type in (("WS0", "established"), ("WS1", "temporary")):
        senior = add_teacher(session, staff_no, school, main_subject="physics",
                             post_type=post_type)
        session.add(Certificate(teacher_id=senior.id, level="senior", subject="physics",
                                number=f"S{staff_no}"))
    session.commit()
    demand = demand_by_school(session, dt.date(2026, 9, 1))[school.id].subjects["physics"]
    assert demand.senior is not None and demand.senior.in_post == 2
    assert demand.senior.established == 1 and demand.senior.min_keep >= 1
    instance = build_instance(session, year=2026)
    physics = instance.school_by_code["W"].staffing_by_subject["physics"]
    assert physics.senior == SeniorSection(in_post=1, shortage=demand.senior.shortage_slots,
                                           min_keep=1)
    assert physics.in_post == 3 and physics.shortage == demand.shortage_slots
    assert all(e.senior is None for code in ("R1", "R2", "U1")
               for e in instance.school_by_code[code].staffing)
    plan = solve(instance, SolveSettings(time_limit_s=20))
    assert plan.status == "optimal" and check_plan(instance, plan) == []


def test_the_year_being_planned_turns_on_the_first_of_september():
    # The plans page defaulted to the calendar year: in December 2026 it offered 2026, whose
    # moves started on 1 September.
    import datetime as dt

    from workforce.snapshot import year_being_planned

    asked = {dt.date(2026, 1, 5): 2026, dt.date(2026, 8, 31): 2026, dt.date(2026, 9, 1): 2027,
             dt.date(2026, 12, 8): 2027}  # fmt: skip
    assert {day: year_being_planned(day) for day in asked} == asked and len(asked) == 4
