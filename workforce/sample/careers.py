"""Each teacher's record beyond the post: certificates, designations, training hours,
rotation history (2021–2025), exemptions and wishes for the rotation year.

All dates are relative to the reference date ``as_of`` (default 2026-09-01, the start of the
2026 rotation year): nothing is dated after it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict, deque
from decimal import Decimal
from functools import lru_cache

from workforce.sample import calibration as cal
from workforce.sample.records import (
    SampleCertificate,
    SampleDesignation,
    SampleExemption,
    SampleRotation,
    SampleSchool,
    SampleTeacher,
    SampleTraining,
    SampleWish,
)

CERTIFICATE_LEVEL = {
    "kindergarten": "kindergarten",
    "primary": "primary",
    "special": "primary",
    "junior": "junior",
    "nine_year": "junior",
    "complete_secondary": "senior",
    "senior": "senior",
}
STAGE_FAMILY = {
    "primary": "primary",
    "nine_year": "primary",
    "junior": "secondary",
    "complete_secondary": "secondary",
}
"""Schools between which a teacher can rotate in the history (same certificate family)."""
ISSUER = {
    "district": "源城区教育局",
    "city": "河源市教育局",
    "province": "广东省教育厅",
}
PROVIDERS = ("源城区教师发展中心", "河源市教师发展中心", "广东省中小学教师继续教育网")
YEARLY_CATEGORIES = ("centralised", "school_based", "online")
TRAINING_TITLE = {
    "centralised": "{year}年度教师全员集中培训",
    "school_based": "{year}年度校本研修",
    "online": "{year}年度网络研修",
    "probation": "{year}年新教师试用期培训",
}


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def make_certificates(
    rng: random.Random, teachers: list[SampleTeacher], schools: dict[str, SampleSchool],
    as_of: dt.date,
) -> list[SampleCertificate]:  # fmt: skip
    """A certificate of the school's level (sometimes higher) in the main subject, except for
    the uncertified: exactly 1 − 51.23% of kindergarten teachers, a few temporary teachers."""
    kindergarten = [t for t in teachers if schools[t.school_code].level == "kindergarten"]
    rng.shuffle(kindergarten)
    certified_kg = round(cal.QUALIFICATION_BASELINE["kindergarten_certified"] * len(kindergarten))
    uncertified = {t.staff_no for t in kindergarten[certified_kg:]}
    certificates = []
    for n, teacher in enumerate(teachers, start=1):
        level = CERTIFICATE_LEVEL[schools[teacher.school_code].level]
        if teacher.staff_no in uncertified or (
            level != "kindergarten" and teacher.post_type != "established" and rng.random() < 0.06
        ):
            continue
        if level == "primary" and rng.random() < 0.2:
            level = "junior"
        issued = max(
            teacher.first_employed_on.year - rng.randint(0, 2), teacher.birth_date.year + 20
        )
        certificates.append(
            SampleCertificate(
                staff_no=teacher.staff_no,
                level=level,
                subject=teacher.main_subject,
                number=f"{issued}441602{n:07d}",
                valid_until=dt.date(as_of.year + rng.randint(-1, 4), 8, 31),
            )
        )
    return certificates


def make_training(
    rng: random.Random, teachers: list[SampleTeacher], as_of: dt.date
) -> list[SampleTraining]:
    """One record a year per teacher; most complete 360 hours a cycle (pro rata when they
    joined mid-cycle), BEHIND_SHARE fall short; probation-year teachers train towards 120."""
    records = []
    for teacher in teachers:
        behind = rng.random() < cal.BEHIND_SHARE
        start = teacher.first_employed_on
        if (as_of - start).days < 366:
            hours = rng.randint(40, cal.PROBATION_HOURS)
            records.append(_training(rng, teacher, start.year, as_of, "probation", hours))
            continue
        for first, last in cal.TRAINING_CYCLES:
            years = [y for y in range(max(first, start.year + 1), last + 1) if y <= as_of.year]
            if not years:
                continue
            owed = cal.TRAINING_HOURS_PER_CYCLE / (last - first + 1)
            for year in years:
                if year == as_of.year:  # the current year is under way
                    target = owed * (as_of.timetuple().tm_yday / 366)
                else:
                    target = owed * (rng.uniform(0.35, 0.8) if behind else rng.uniform(1.0, 1.3))
                hours = round(target)
                if hours > 0:
                    category = YEARLY_CATEGORIES[int(rng.random() * len(YEARLY_CATEGORIES))]
                    records.append(_training(rng, teacher, year, as_of, category, hours))
    return records


def _training(
    rng: random.Random, teacher: SampleTeacher, year: int, as_of: dt.date, category: str,
    hours: int,
) -> SampleTraining:  # fmt: skip
    first, latest = _training_window(year, as_of)
    return SampleTraining(
        staff_no=teacher.staff_no,
        date=dt.date.fromordinal(max(first, latest - int(rng.random() * 200))),
        hours=_hours(hours),
        category=category,
        provider=PROVIDERS[int(rng.random() * len(PROVIDERS))],
        title=_training_title(category, year),
    )


@lru_cache(maxsize=64)
def _training_window(year: int, as_of: dt.date) -> tuple[int, int]:
    """First and last day (ordinals) a training record of ``year`` may carry."""
    latest = min(dt.date(year, 12, 20), as_of - dt.timedelta(days=1))
    return dt.date(year, 1, 10).toordinal(), latest.toordinal()


@lru_cache(maxsize=512)
def _hours(hours: int) -> Decimal:
    return Decimal(hours)


@lru_cache(maxsize=256)
def _training_title(category: str, year: int) -> str:
    return TRAINING_TITLE[category].format(year=year)


def make_designations(
    rng: random.Random, teachers: list[SampleTeacher], schools: dict[str, SampleSchool],
    as_of: dt.date, scale: float,
) -> list[SampleDesignation]:  # fmt: skip
    """The valid designations of :data:`.calibration.KEY_TEACHERS` (scaled), favouring
    experienced teachers at urban and quality schools, plus some lapsed ones as history."""
    public = [t for t in teachers if t.post_type == "established"
              and schools[t.school_code].level != "kindergarten"]  # fmt: skip
    weights = [_merit(t, schools[t.school_code], as_of) for t in public]
    holders: dict[str, set[str]] = defaultdict(set)  # kind family → staff numbers
    designations = []
    for (kind, tier), base in cal.KEY_TEACHERS.items():
        family = _family(kind)
        pool = [(t, w) for t, w in zip(public, weights, strict=True) if _fits(kind, t)
                and t.staff_no not in holders[family]]  # fmt: skip
        chosen = _weighted_sample(rng, pool, round(base * scale))
        for teacher in chosen:
            holders[family].add(teacher.staff_no)
            expiring = rng.random() < cal.EXPIRING_SHARE
            days = rng.randint(1, 364) if expiring else rng.randint(365, 3 * 365 - 30)
            end = as_of + dt.timedelta(days=days)
            designations.append(_designation(teacher, schools, kind, tier, end))
            if rng.random() < 0.15:  # an earlier term that lapsed before this one
                designations.append(
                    _designation(
                        teacher, schools, kind, tier, add_years(end, -cal.DESIGNATION_TERM_YEARS)
                    )
                )
    return designations


def _family(kind: str) -> str:
    return "teaching" if kind in ("key_teacher", "subject_leader", "teaching_expert",
                                  "rising_star") else kind  # fmt: skip


def _fits(kind: str, teacher: SampleTeacher) -> bool:
    if kind in ("key_head_teacher", "famous_head_teacher"):
        return teacher.is_head_teacher
    if kind == "famous_principal":
        return teacher.is_principal
    return not teacher.is_principal


def _merit(teacher: SampleTeacher, school: SampleSchool, as_of: dt.date) -> float:
    years = as_of.year - teacher.first_employed_on.year
    weight = 0.2 if years < 3 else 1.0 if years < 8 else 2.0
    weight *= 2.0 if school.is_quality else 1.0 if school.zone == "urban" else 0.5
    return weight * (1.5 if teacher.title in ("senior", "principal_senior") else 1.0)


def _weighted_sample(
    rng: random.Random, pool: list[tuple[SampleTeacher, float]], count: int
) -> list[SampleTeacher]:
    """``count`` distinct teachers, each drawn with probability ∝ weight (Efraimidis–Spirakis)."""
    keyed = sorted(pool, key=lambda tw: rng.random() ** (1 / tw[1]), reverse=True)
    return [t for t, _ in keyed[:count]]


def _designation(
    teacher: SampleTeacher, schools: dict[str, SampleSchool], kind: str, tier: str, end: dt.date
) -> SampleDesignation:
    start = add_years(end, -cal.DESIGNATION_TERM_YEARS) + dt.timedelta(days=1)
    teaching = _family(kind) == "teaching" or kind in ("famous_teacher", "studio_host")
    return SampleDesignation(
        staff_no=teacher.staff_no,
        kind=kind,
        tier=tier,
        subject=teacher.main_subject if teaching else None,
        term_start=start,
        term_end=end,
        issuer=schools[teacher.school_code].name if tier == "school" else ISSUER[tier],
    )


def _side(school: SampleSchool) -> str:
    """Urban non-weak schools send teachers; rural and weak schools receive them."""
    return "sending" if school.zone == "urban" and not school.is_weak else "receiving"


def make_rotations(
    rng: random.Random, teachers: list[SampleTeacher], schools: dict[str, SampleSchool],
    as_of: dt.date,
) -> list[SampleRotation]:  # fmt: skip
    """Rotations 2021–2025 at the plan's yearly shares of established teachers.

    Mostly secondments (1–3 years) from urban or quality schools to rural or weak ones, one in
    five the other way (跟岗学习), one in ten a transfer. The teacher's current school is where
    they are counted: a secondee still away is at ``to_school``; one whose term ended on
    31 August of the reference year and whose return is not yet recorded is at ``to_school``
    too, but counted back home by the demand rule; an earlier secondee is home again.
    """
    pools: dict[str, list[SampleTeacher]] = {"sending": [], "receiving": []}
    for t in teachers:
        school = schools[t.school_code]
        if t.post_type == "established" and not t.is_principal and school.level in STAGE_FAMILY:
            pools[_side(school)].append(t)
    queues: dict[str, deque[SampleTeacher]] = {}
    for side, pool in pools.items():
        rng.shuffle(pool)
        queues[side] = deque(pool)
    schools_by: dict[tuple[str, str], list[SampleSchool]] = defaultdict(list)
    for school in schools.values():
        if school.ownership == "public" and school.level in STAGE_FAMILY:
            schools_by[(STAGE_FAMILY[school.level], _side(school))].append(school)
    established = len(pools["sending"]) + len(pools["receiving"])
    rotations = []
    for year, share in cal.ROTATION_SHARE_BY_YEAR.items():
        start = dt.date(year, 9, 1)
        for _ in range(round(share * established)):
            years = rng.choices((1, 2, 3), (0.3, 0.2, 0.5))[0]
            kind = "transfer" if rng.random() < 0.1 else "secondment"
            end = dt.date(year + years, 8, 31) if kind == "secondment" else None
            home_now = end is not None and end < as_of  # the teacher's current school is home
            forward = rng.random() < 0.8  # sending → receiving
            side = ("sending" if forward else "receiving") if home_now else (
                "receiving" if forward else "sending")  # fmt: skip
            teacher = _pop_employed_before(queues[side], start - dt.timedelta(days=365))
            if teacher is None:
                continue
            current = schools[teacher.school_code]
            other_side = "receiving" if side == "sending" else "sending"
            candidates = schools_by[(STAGE_FAMILY[current.level], other_side)]
            if not candidates:
                continue
            other = rng.choice(candidates)
            if home_now:
                assert end is not None
                returning = end.year == as_of.year
                actual_end = None if returning else end
                rotations.append(
                    SampleRotation(
                        teacher.staff_no, current.code, other.code, kind, start, end, actual_end
                    )
                )
                teacher.joined_school_on = min(
                    teacher.joined_school_on, start - dt.timedelta(days=365)
                )
                if returning:
                    teacher.school_code = other.code
                    teacher.joined_school_on = start
            else:
                rotations.append(
                    SampleRotation(
                        teacher.staff_no, other.code, current.code, kind, start, end, None
                    )
                )
                teacher.joined_school_on = start
    return rotations


def _pop_employed_before(pool: deque[SampleTeacher], day: dt.date) -> SampleTeacher | None:
    """Take a teacher of ``pool`` employed on or before ``day``; those too new for it go to the
    other end of the queue, to be taken in a later year (None if nobody qualifies)."""
    for _ in range(len(pool)):
        teacher = pool.pop()
        if teacher.first_employed_on <= day:
            return teacher
        pool.appendleft(teacher)
    return None


def make_exemptions(
    rng: random.Random, teachers: list[SampleTeacher], as_of: dt.date
) -> list[SampleExemption]:
    """Pregnancy, nursing or serious illness covering the reference date."""
    exemptions = []
    for teacher in teachers:
        if teacher.post_type != "established" or rng.random() >= cal.EXEMPT_SHARE:
            continue
        age = as_of.year - teacher.birth_date.year
        if teacher.gender == "female" and age <= 40:
            reason = rng.choice(("pregnancy", "nursing"))
        else:
            reason = "illness"
        exemptions.append(
            SampleExemption(
                staff_no=teacher.staff_no,
                reason=reason,
                from_on=as_of - dt.timedelta(days=rng.randint(30, 300)),
                until_on=as_of + dt.timedelta(days=rng.randint(60, 400)),
            )
        )
    return exemptions


def make_wishes(
    rng: random.Random, teachers: list[SampleTeacher], schools: dict[str, SampleSchool],
    as_of: dt.date,
) -> list[SampleWish]:  # fmt: skip
    """Ranked wishes (1–3 schools) for the rotation year: urban teachers towards rural or
    weak schools (a term there counts for the senior title), some rural ones towards town."""
    by_family: dict[tuple[str, str], list[SampleSchool]] = defaultdict(list)
    for school in schools.values():
        if school.ownership == "public" and school.level in STAGE_FAMILY:
            side = "urban" if school.zone == "urban" and not school.is_weak else "rural"
            by_family[(STAGE_FAMILY[school.level], side)].append(school)
    wishes = []
    for teacher in teachers:
        school = schools[teacher.school_code]
        if (teacher.post_type != "established" or school.level not in STAGE_FAMILY
                or rng.random() >= cal.WISH_SHARE):  # fmt: skip
            continue
        side = "rural" if school.zone == "urban" and not school.is_weak else "urban"
        options = by_family[(STAGE_FAMILY[school.level], side)]
        for rank, target in enumerate(rng.sample(options, min(len(options), rng.randint(1, 3))), 1):
            wishes.append(SampleWish(teacher.staff_no, as_of.year, rank, target.code))
    return wishes
