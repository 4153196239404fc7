"""The figures the synthetic district is calibrated to, each with its source.

Sources: the district's plan (源城区教育发展"十四五"规划, ``/shared/seed``), chapter 1 for the
school and pupil counts at the end of 2020, chapter 3 §3 for rotation and key teachers, annex 1
for the 2020 qualification baseline; domain.md summarises them. Everything not in a source is a
plausible assumption, marked "assumed". ``data/sample/README.md`` maps figure → parameter.
"""

from __future__ import annotations

BASE_TEACHERS = 3400
"""Public primary and secondary teachers of the real district (664 exchanges in 2016–2020 were
19.38% of full-time teachers: about 3,430; plan ch.1). A district of ``teachers`` is the base
district scaled by ``teachers / BASE_TEACHERS``."""

SCHOOLS_BY_LEVEL = {
    "kindergarten": 122,
    "primary": 47,
    "junior": 15,
    "nine_year": 6,
    "complete_secondary": 2,
    "senior": 2,
    "special": 1,
}
"""Plan ch.1: 195 schools — 122 kindergartens, 47 primary, 21 junior secondary incl. nine-year
(the split 15 + 6 is assumed), 2 complete secondary, 2 senior secondary, 1 special school."""

PUPILS_BY_STAGE = {
    "primary": 65932,
    "junior": 22732,
    "senior": 5955,
    "kindergarten": 30019,
    "special": 146,
}
"""Plan ch.1: pupils at the end of 2020 (124,638 in all)."""

PRIVATE_SCHOOLS = {"kindergarten": 92, "primary": 5, "junior": 2}
"""Private schools by level (assumed): the plan's "5080" goal reached with 50.20% of children in
public kindergartens, but few public kindergartens — so about 30 public kindergartens, large."""

PRIVATE_PUPIL_SHARE = {"kindergarten": 0.498, "primary": 0.10, "junior": 0.08}
"""Share of the stage's pupils in private schools (kindergarten: 1 − 50.20%, plan ch.1)."""

RURAL_SHARE = {"kindergarten": 0.12, "primary": 0.32, "junior": 0.30, "nine_year": 0.34}
"""Share of the schools of a level in the rural towns (assumed; rural schools are smaller)."""

CLASS_SIZE = {"urban": 50, "rural": 36, "kindergarten": 30, "special": 9, "senior": 50}
"""Starting class sizes (assumed; the plan notes 大班额 in town). The generator then adjusts the
primary/secondary class sizes so that the demand rule, staffed as below, needs ``teachers``."""

STAFFING_FACTOR = {
    ("urban", "main"): 1.12,
    ("urban", "shortage"): 1.30,
    ("urban", "other"): 1.02,
    ("rural", "main"): 0.98,
    ("rural", "shortage"): 0.40,
    ("rural", "other"): 0.95,
}
"""Teachers in post ÷ need (with daily PE) by zone and subject group: rural schools lack PE,
music, art, science and psychology teachers (plan annex 2 二.3 结构性缺编; ch.1 城乡师资配备不均衡),
urban schools have more than they need. Assumed, chosen to give the optimizer real work."""

MAIN_SUBJECTS = frozenset({"chinese", "math", "english"})
SHORTAGE_SUBJECTS = frozenset({"pe", "music", "art", "science", "psychology"})

TEMPORARY_SHARE = {"urban": 0.08, "rural": 0.14, "kindergarten_public": 0.70}
"""临聘 share of public schools' teachers (assumed; plan ch.1: 临聘教师偏多, kindergartens short
of established posts)."""

KINDERGARTEN_TEACHERS_PER_CLASS = 1.7
"""Kindergarten teachers actually in post per class (assumed, below the norm of 2)."""

QUALIFICATION_BASELINE = {
    "kindergarten_associate_or_above": 0.8605,
    "kindergarten_certified": 0.5123,
    "primary_bachelor_or_above": 0.635,
    "junior_bachelor_or_above": 0.8615,
    "senior_postgraduate": 0.0746,
}
"""Plan annex 1, 2020 baseline of the qualification indicators."""

STAGE_OF_LEVEL = {
    "kindergarten": "kindergarten",
    "primary": "primary",
    "special": "primary",
    "junior": "junior",
    "nine_year": "junior",
    "complete_secondary": "senior",
    "senior": "senior",
}
"""Which indicator a teacher counts in, by the level of the school (assumed: nine-year schools
with junior, complete secondary with senior, the special school with primary)."""

KEY_TEACHERS = {
    ("key_teacher", "district"): 640,
    ("subject_leader", "district"): 45,
    ("teaching_expert", "district"): 40,
    ("rising_star", "district"): 45,
    ("key_teacher", "city"): 40,
    ("subject_leader", "city"): 10,
    ("key_teacher", "province"): 6,
    ("key_teacher", "school"): 220,
    ("rising_star", "school"): 80,
    ("key_head_teacher", "district"): 270,
    ("famous_teacher", "district"): 22,
    ("famous_head_teacher", "district"): 14,
    ("famous_principal", "district"): 7,
    ("studio_host", "district"): 45,
    ("special_grade", "province"): 2,
}
"""Valid designations at the base size (assumed, under the plan's 2025 goals: 700 district key
teachers, 300 key head teachers, 60 studios; 10 principals, 20 head teachers, 30 teachers
named 名校长 / 名班主任 / 名教师)."""

DESIGNATION_TERM_YEARS = 3
EXPIRING_SHARE = 0.25
"""Share of designations whose term ends within 12 months of the reference date (assumed)."""

ELIGIBLE_SHARE = 0.38
"""Share of established teachers with ≥ 6 years at their school (assumed, within 30–45%)."""

ROTATION_SHARE_BY_YEAR = {2021: 0.032, 2022: 0.05, 2023: 0.05, 2024: 0.052, 2025: 0.05}
"""Teachers rotated each year as a share of established teachers (plan ch.3 §3: 3.2% in 2021,
≥ 5% from 2022)."""

EXEMPT_SHARE = 0.02
WISH_SHARE = 0.12
"""Established teachers with a pending exemption / with wishes for the rotation year (assumed)."""

TRAINING_CYCLES = ((2021, 2025), (2026, 2030))
TRAINING_HOURS_PER_CYCLE = 360
PROBATION_HOURS = 120
BEHIND_SHARE = 0.12
"""Share of teachers behind on their training hours (assumed; the norm is 360 hours in 5 years,
120 in the probation year — domain.md §3)."""

MISSING_ID_SHARE = 0.10
"""Teachers whose ID number is not yet in the registry (assumed)."""
