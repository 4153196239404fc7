"""Rotation rules (教师交流轮岗): their settings and their definitions.

`RotationRules` holds the configurable numbers and switches; `load_rules` reads them from
`data/rules/rotation.yaml` (each value with its policy source). The functions below are the one
definition of each rule — eligibility, key-teacher status, quota targets, certificate coverage,
allowed directions, distance, subject weights and the preference score of a move. The model, the
independent checker, the explanations and the workforce reports all call these, so a rule cannot
mean two things in two places.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, date
from fractions import Fraction
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

if TYPE_CHECKING:
    from optimizer.instance import Instance, School, SubjectStaffing, Teacher

CertLevel = Literal["kindergarten", "primary", "junior", "senior"]
CERT_LEVELS: tuple[str, ...] = ("kindergarten", "primary", "junior", "senior")
"""Certificate levels, lowest first. A certificate covers its own level and every level below."""

SchoolLevel = Literal[
    "kindergarten", "primary", "junior", "nine_year", "complete_secondary", "senior", "special"
]
Tier = Literal["school", "district", "city", "province", "national"]
TIERS: tuple[str, ...] = ("school", "district", "city", "province", "national")
"""Designation tiers, lowest first (校级 < 区级 < 市级 < 省级 < 国家级)."""

DEFAULT_RULES_PATH = Path(str(files("optimizer._rules").joinpath("rotation.yaml")))
"""The rule defaults with their sources: the repository's ``data/rules/rotation.yaml``, which the
build ships as the optimizer's own package ``optimizer._rules`` (read with importlib.resources,
so the optimizer needs nothing from the registry and runs from any folder)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PolicySource(_Strict):
    """Where a rule's default comes from."""

    text: str = Field(description="The clause in plain words (Chinese).")
    document: str = Field(description="The policy document (name, clause).")


class EligibilityRules(_Strict):
    """Who may rotate this year (符合交流条件)."""

    min_years_at_school: int = Field(6, ge=0, description="Consecutive years at the current school.")
    min_years_to_retirement: int = Field(
        5, ge=0, description="Strictly more than this many years to statutory retirement."
    )
    cooldown_years: int = Field(
        3, ge=0, description="No rotation if the last one ended fewer than this many years ago."
    )
    established_only: bool = Field(True, description="Only 在编 (established-post) teachers rotate.")
    max_age_male: int | None = Field(None, description="Age cap for men on as_of; None = no cap.")
    max_age_female: int | None = Field(None, description="Age cap for women; None = no cap.")


class QuotaRules(_Strict):
    """The yearly rotation quotas (hard constraints)."""

    district_share: float = Field(0.05, ge=0, le=1, description="Share of all 在编 teachers.")
    school_share: float = Field(
        0.10, ge=0, le=1, description="Share of the quota base at each urban or quality school."
    )
    school_quota_base: Literal["service", "available"] = Field(
        "available",
        description="'available' (the plan's 符合交流条件教师): only those who may rotate this year "
        "(no cool-down, exemption or retirement margin in the way); 'service': established "
        "teachers with enough years at the school, those who may not rotate included.",
    )
    district_share_base: Literal["whole_district", "compulsory"] = Field(
        "whole_district",
        description="Base of the district share: 'whole_district' = every 在编 teacher of the "
        "district's public schools (the plan's 全区在编教师总数); 'compulsory' = those of the "
        "compulsory and complete-secondary schools only.",
    )
    reverse_flows_count: bool = Field(
        True,
        description="Whether reverse flows (rural → urban, non-quality → quality: 跟岗学习) count "
        "toward the district share.",
    )
    key_share: float = Field(0.20, ge=0, le=1, description="Key teachers' share of the moves "
                             "named by key_share_base.")
    key_share_base: Literal["all_moves", "urban_quality_moves"] = Field(
        "urban_quality_moves",
        description="What the key share is a share of: 'urban_quality_moves' = the moves out of "
        "urban and quality schools (the plan's 其中); 'all_moves' = every move of the year.",
    )
    key_kinds: list[str] = Field(
        default_factory=lambda: ["key_teacher", "subject_leader", "teaching_expert", "rising_star"],
        description="Designation kinds that make a key teacher (骨干教师).",
    )
    key_min_tier: Tier = Field("district", description="Lowest designation tier that counts.")


class TermRules(_Strict):
    """Kind and length of a move."""

    default_kind: Literal["secondment", "transfer"] = "secondment"
    secondment_years: int = Field(3, ge=1, le=6, description="Term of a secondment in years.")


class DirectionRules(_Strict):
    """Which source → destination pairs are allowed; a move needs at least one that applies."""

    urban_to_rural: bool = True
    quality_to_non_quality: bool = True
    rural_to_urban: bool = Field(True, description="Reverse flow 'to learn' (跟岗学习).")
    non_quality_to_quality: bool = Field(True, description="Reverse flow 'to learn'.")
    lateral: bool = Field(False, description="Between schools of the same zone and quality.")


class CertificateRules(_Strict):
    """Minimum certificate level by school level."""

    required_by_school_level: dict[SchoolLevel, CertLevel] = Field(
        default_factory=lambda: {
            "kindergarten": "kindergarten",
            "primary": "primary",
            "junior": "junior",
            "nine_year": "junior",
            "complete_secondary": "junior",
            "senior": "senior",
            "special": "primary",
        }
    )


class PrincipalRules(_Strict):
    """Principals rotate among principal posts only."""

    must_rotate_after_terms: int | None = Field(
        2, ge=1, description="Full terms at one school after which a principal must rotate."
    )
    term_years: int = Field(
        3, ge=1, description="Years of one principal's term (任期), to count full terms at a "
        "school from the date the principal took the post there."
    )
    urban_to_rural_or_weak: bool = Field(
        True, description="An urban principal may only go to a rural or a weak school."
    )


class ObjectiveRules(_Strict):
    """Weights of the soft objective levels (all integers, so every level is integral)."""

    subject_weights: dict[str, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    default_subject_weight: int = Field(1, ge=0)
    wish_points: list[int] = Field(default_factory=lambda: [6, 5, 4, 3, 2])
    volunteer_points: int = Field(4, ge=0)
    move_cost: int = Field(3, ge=0)


class RotationRules(_Strict):
    """All rotation rules of one solve. `sources` maps a dotted rule key to its policy source."""

    eligibility: EligibilityRules = Field(default_factory=EligibilityRules)
    quotas: QuotaRules = Field(default_factory=QuotaRules)
    terms: TermRules = Field(default_factory=TermRules)
    directions: DirectionRules = Field(default_factory=DirectionRules)
    certificates: CertificateRules = Field(default_factory=CertificateRules)
    principals: PrincipalRules = Field(default_factory=PrincipalRules)
    objective: ObjectiveRules = Field(default_factory=ObjectiveRules)
    sources: dict[str, PolicySource] = Field(default_factory=dict)


def load_rules(path: Path | str | None = None, overrides: dict[str, Any] | None = None) -> RotationRules:
    """Read the rules YAML (default: :data:`DEFAULT_RULES_PATH`, the shipped rotation.yaml).

    `overrides` replaces values, by dotted key (``{"quotas.district_share": 0.04}``) or nested
    (``{"quotas": {"district_share": 0.04}}``), through `override_rules`: unknown keys and bad
    values are refused by name (`RuleOverrideError`).
    """
    # libyaml's safe loader when PyYAML has it (0.14 s → ~0.02 s for this file; every solve
    # reads it), the pure-Python one otherwise; both accept exactly the safe subset.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(Path(path or DEFAULT_RULES_PATH).read_text(encoding="utf-8"), Loader=loader)
    values: dict[str, Any] = {}
    sources: dict[str, PolicySource] = {}
    for section, leaves in raw.items():
        values[section] = {}
        for key, leaf in leaves.items():
            values[section][key] = leaf["value"]
            sources[f"{section}.{key}"] = PolicySource(**leaf["source"])
    rules = RotationRules(**values, sources=sources)
    return override_rules(rules, overrides) if overrides else rules


class RuleOverrideError(KeyError):
    """An override naming an unknown rule, or giving a rule a value it cannot take; `key` is
    the dotted rule key, `zh` / `en` say what is wrong."""

    def __init__(self, key: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.key, self.zh, self.en = key, zh, en

    def __str__(self) -> str:
        return self.en


def override_rules(rules: RotationRules, overrides: dict[str, Any]) -> RotationRules:
    """`rules` with `overrides` applied (as in `load_rules`) and validated again; the policy
    sources stay. A third part names one entry of a mapping rule
    (``{"objective.subject_weights.pe": 3}``). Unknown keys and bad values raise
    `RuleOverrideError` naming the key."""
    values = rules.model_dump(exclude={"sources"})
    for dotted, value in _flatten(overrides).items():
        section, _, key = dotted.partition(".")
        key, _, entry = key.partition(".")
        if section not in values or key not in values[section] or (
                entry and not isinstance(values[section][key], dict)):
            raise RuleOverrideError(dotted, f"未知规则“{dotted}”", f"unknown rule {dotted!r}")
        if entry:
            values[section][key] = {**values[section][key], entry: value}
        else:
            values[section][key] = value
    try:
        return RotationRules(**values, sources=rules.sources)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        key = next(
            (k for k in _flatten(overrides)
             if where == k or where.startswith(k + ".") or k.startswith(where + ".")),
            where,
        )
        value = error.get("input")
        raise RuleOverrideError(
            key, f"规则“{key}”的值“{value}”无效：{_problem(error, 'zh')}",
            f"rule {key!r}: invalid value {value!r} ({_problem(error, 'en')})") from None


def _problem(error: Any, language: str) -> str:
    """Why a rule value was refused, in ``language``, from pydantic's error type
    (:func:`texts.validation.reason`): its English ``msg`` and Python reprs ("'service' or
    'available'") reached the Chinese message of a county's rules file and ``whatif --set``."""
    from texts.validation import reason

    return reason(error, language)


def _flatten(overrides: dict[str, Any]) -> dict[str, Any]:
    """{"a.b": v} and {"a": {"b": v}} both become {"a.b": v} (rules are two levels deep)."""
    flat: dict[str, Any] = {}
    for key, value in overrides.items():
        if "." in key:
            flat[key] = value
        elif isinstance(value, dict):
            flat.update({f"{key}.{inner}": v for inner, v in value.items()})
        else:
            raise RuleOverrideError(key, f"规则“{key}”须写明所属部分，如“quotas.{key}”",
                                    f"rule override {key!r} needs a section, e.g. "
                                    f"'quotas.{key}'")
    return flat


# ---------------------------------------------------------------- dates and distance


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February becomes 28 February); past the
    calendar's ends (a record ending 9999-12-31, Excel's "no end"), its last or first day —
    one such date made the teacher's page and every rotation report fail."""
    if not MINYEAR <= day.year + years <= MAXYEAR:
        return date.max if years > 0 else date.min
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Great-circle distance in kilometres between points given in degrees.

    Works on floats and, element-wise, on numpy arrays (the network builder's distance matrix).
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.subtract(lon2, lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def school_distance_km(a: School, b: School) -> float:
    return float(haversine_km(a.lat, a.lon, b.lat, b.lon))


# ---------------------------------------------------------------- eligibility


@dataclass(frozen=True)
class Blocker:
    """Why a teacher may not rotate: a constraint name and the numbers behind it."""

    constraint: str
    params: dict[str, Any] = field(default_factory=dict)


def meets_service_conditions(teacher: Teacher, as_of: date, rules: RotationRules) -> bool:
    """Established post (if required), not seconded away, and enough years at the school."""
    elig = rules.eligibility
    return (
        (not elig.established_only or teacher.post_type == "established")
        and not teacher.on_secondment
        and add_years(teacher.joined_school_on, elig.min_years_at_school) <= as_of
    )


def eligibility_blockers(teacher: Teacher, as_of: date, rules: RotationRules) -> list[Blocker]:
    """Every reason why `teacher` may not rotate on `as_of`; empty when the teacher may."""
    return [describe() for describe in _unmet_conditions(teacher, as_of, rules)]


def is_available(teacher: Teacher, as_of: date, rules: RotationRules) -> bool:
    """True when the teacher may rotate this year (no blocker at all). Stops at the first
    unmet condition without describing it: a 100,000-teacher solve asks this ~650,000 times."""
    return next(_unmet_conditions(teacher, as_of, rules), None) is None


def _unmet_conditions(
    teacher: Teacher, as_of: date, rules: RotationRules
) -> Iterator[Callable[[], Blocker]]:
    """Each eligibility condition `teacher` fails on `as_of`, in order, as a function that
    describes it (a Blocker with its figures): the one list of conditions behind both
    `eligibility_blockers` (every description) and `is_available` (whether there is one)."""
    elig = rules.eligibility
    if elig.established_only and teacher.post_type != "established":
        yield lambda: Blocker("eligibility.established_post", {"post_type": teacher.post_type})
    if teacher.on_secondment:
        yield lambda: Blocker("eligibility.on_secondment")
    service_from = add_years(teacher.joined_school_on, elig.min_years_at_school)
    if service_from > as_of:
        yield lambda: Blocker(
            "eligibility.service_years",
            {"joined": teacher.joined_school_on.isoformat(), "years": elig.min_years_at_school,
             "eligible_from": service_from.isoformat()},
        )  # fmt: skip
    if teacher.retirement_date <= add_years(as_of, elig.min_years_to_retirement):
        yield lambda: Blocker(
            "eligibility.retirement_margin",
            {"retirement_date": teacher.retirement_date.isoformat(),
             "years": elig.min_years_to_retirement},
        )  # fmt: skip
    for exemption in teacher.exemptions:
        if exemption.from_date <= as_of and (exemption.until is None or as_of <= exemption.until):
            yield lambda exemption=exemption: Blocker(  # type: ignore[misc]
                "eligibility.exemption",
                {"reason": exemption.reason,
                 "until": exemption.until.isoformat() if exemption.until else None},
            )  # fmt: skip
    last_end = teacher.last_rotation_end
    if last_end is not None and add_years(last_end, elig.cooldown_years) > as_of:
        yield lambda: Blocker(
            "eligibility.cooldown",
            {"last_rotation_end": last_end.isoformat(), "years": elig.cooldown_years},
        )
    cap = elig.max_age_male if teacher.gender == "male" else elig.max_age_female
    if cap is not None and teacher.birth_date is not None:
        age = age_by_birth_month(teacher.birth_date, as_of)
        if age > cap:
            yield lambda: Blocker("eligibility.age_cap", {"age": age, "cap": cap})


def eligible_since(teacher: Teacher, rules: RotationRules) -> date:
    """The first day on which the service-years and cool-down conditions both held."""
    since = add_years(teacher.joined_school_on, rules.eligibility.min_years_at_school)
    if teacher.last_rotation_end is not None:
        since = max(since, add_years(teacher.last_rotation_end, rules.eligibility.cooldown_years))
    return since


def age_on(birth: date, day: date) -> int:
    """Full years from `birth` to `day` (an age, or years of service since a start date)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_by_birth_month(birth: date, day: date) -> int:
    """A person's age on ``day`` as personnel work counts it, from the birth year and month
    (出生年月, the field of personnel forms; the retirement age is reached in a month too):
    a year older from the first of the birth month. No answer then depends on the day of
    birth, which everyone without an audited unmasking sees only as its month (docs/
    security.md, "The masking rule"): counted to the day, eligibility on dates a user chooses
    told when a teacher crossed the age cap, and so the day."""
    return age_on(birth.replace(day=1), day)


def counts_in_quota_base(teacher: Teacher, as_of: date, rules: RotationRules) -> bool:
    """Whether the teacher counts in the 10% base (符合交流条件教师) of the school quota."""
    if rules.quotas.school_quota_base == "available":
        return is_available(teacher, as_of, rules)
    return meets_service_conditions(teacher, as_of, rules)


# ---------------------------------------------------------------- key teachers and quotas


def is_key(teacher: Teacher, as_of: date, rules: RotationRules) -> bool:
    """A key teacher (骨干教师) holds a designation of a key kind, at the minimum tier or above,
    valid on `as_of`."""
    min_rank = TIERS.index(rules.quotas.key_min_tier)
    return any(
        d.kind in rules.quotas.key_kinds
        and TIERS.index(d.tier) >= min_rank
        and d.valid_from <= as_of
        and (d.valid_until is None or as_of <= d.valid_until)
        for d in teacher.designations
    )


def share_target(share: float, base: int) -> int:
    """Smallest whole number of people not below `share` × `base` (不低于: rounding up).

    The share is read as the decimal written in the rules (0.05 is exactly 1/20), so
    5% of 20 is exactly 1, not 2 by a floating-point slip.
    """
    return math.ceil(Fraction(str(share)) * base)


def key_share_fraction(rules: RotationRules) -> Fraction:
    return Fraction(str(rules.quotas.key_share))


COMPULSORY_SCHOOL_LEVELS: tuple[str, ...] = ("primary", "junior", "nine_year", "complete_secondary")
"""义务教育学校 (and complete secondary schools, which hold a junior section): the schools the
2014 opinion's rotation concerns."""


def district_share_base(instance: Instance) -> int:
    """The count the district share (5%) is taken of, as `quotas.district_share_base` reads it.

    'whole_district' (the plan's 全区在编教师总数): every established teacher of the district's
    public schools — `instance.district_established` when the registry gave it (the instance
    itself holds only the schools in the rotation's scope), else the instance's own count;
    'compulsory': the established teachers of the instance's compulsory-education schools."""
    rules = instance.rules
    if rules.quotas.district_share_base == "whole_district":
        if instance.district_established is not None:
            return instance.district_established
        return sum(t.post_type == "established" for t in instance.teachers)
    levels = {s.code for s in instance.schools if s.level in COMPULSORY_SCHOOL_LEVELS}
    return sum(t.post_type == "established" and t.school in levels for t in instance.teachers)


def counts_toward_district_share(source: School, destination: School,
                                 rules: RotationRules) -> bool:
    """Whether a move counts towards the district share: every move when reverse flows count
    (`quotas.reverse_flows_count`, the plan's default), else only the forward flows —
    urban → rural and quality → non-quality."""
    if rules.quotas.reverse_flows_count:
        return True
    return ((source.zone == "urban" and destination.zone == "rural")
            or (source.is_quality and not destination.is_quality))


def in_key_share_base(source: School, rules: RotationRules) -> bool:
    """Whether a move out of `source` is in the base of the key share: every move
    ('all_moves'), or only the moves out of urban and quality schools ('urban_quality_moves',
    the plan's 其中: the 20% is of those schools' rotations)."""
    return rules.quotas.key_share_base == "all_moves" or in_school_quota_scope(source)


def key_share_target(share: Fraction, base: int) -> int:
    """⌈share × base⌉: key teachers needed among `base` moves."""
    return -(-share.numerator * base // share.denominator)


def in_school_quota_scope(school: School) -> bool:
    """The 10% school quota applies to urban schools and to quality schools (城区学校、优质学校)."""
    return school.zone == "urban" or school.is_quality


# ---------------------------------------------------------------- moves


def cert_rank(levels: list[str] | tuple[str, ...]) -> int:
    """Rank of the highest certificate held; -1 for none."""
    return max((CERT_LEVELS.index(level) for level in levels), default=-1)


def required_cert_rank(school: School, rules: RotationRules) -> int:
    return CERT_LEVELS.index(rules.certificates.required_by_school_level[school.level])


def cert_covers(levels: list[str] | tuple[str, ...], school: School, rules: RotationRules) -> bool:
    """A certificate covers its own level and below; the school's level sets the minimum."""
    return cert_rank(levels) >= required_cert_rank(school, rules)


def move_direction(source: School, destination: School, rules: RotationRules) -> str | None:
    """The name of the first allowed direction that applies to source → destination, or None."""
    if source.code == destination.code:
        return None
    return direction_between(
        (source.zone, source.is_quality), (destination.zone, destination.is_quality), rules
    )


def direction_lookup(rules: RotationRules) -> Callable[[School, School], str | None]:
    """`move_direction` for hot loops: the rule checks run once per pair of school kinds
    (there are at most four kinds), not once per pair of schools (the greedy baseline at
    30,000 teachers spent 10 of its 13 s in them)."""
    table: dict[tuple[str, bool, str, bool], str | None] = {}

    def lookup(source: School, destination: School) -> str | None:
        if source.code == destination.code:
            return None
        key = (source.zone, source.is_quality, destination.zone, destination.is_quality)
        if key not in table:
            table[key] = direction_between(key[:2], key[2:], rules)
        return table[key]

    return lookup


def direction_between(
    source: tuple[str, bool], destination: tuple[str, bool], rules: RotationRules
) -> str | None:
    """The allowed direction between two kinds of school, each given as (zone, is_quality)."""
    d = rules.directions
    (src_zone, src_quality), (dst_zone, dst_quality) = source, destination
    checks = (
        ("urban_to_rural", d.urban_to_rural and src_zone == "urban" and dst_zone == "rural"),
        ("quality_to_non_quality", d.quality_to_non_quality and src_quality and not dst_quality),
        ("rural_to_urban", d.rural_to_urban and src_zone == "rural" and dst_zone == "urban"),
        ("non_quality_to_quality",
         d.non_quality_to_quality and not src_quality and dst_quality),
        ("lateral", d.lateral and src_zone == dst_zone and src_quality == dst_quality),
    )
    return next((name for name, holds in checks if holds), None)


def principal_direction_ok(source: School, destination: School, rules: RotationRules) -> bool:
    """Urban principals go to rural or weak schools (when the rule is on)."""
    if rules.principals.urban_to_rural_or_weak and source.zone == "urban":
        return destination.zone == "rural" or destination.is_weak
    return True


def must_rotate_principal(teacher: Teacher, rules: RotationRules) -> bool:
    """A principal who served the configured number of full terms at the school must rotate."""
    terms = rules.principals.must_rotate_after_terms
    return teacher.is_principal and terms is not None and teacher.principal_terms_at_school >= terms


def max_net_loss(entry: SubjectStaffing) -> tuple[int, str]:
    """How many teachers of a subject a school may lose on balance (departures − arrivals), and
    the rule that sets it: none while the school is short of the subject; otherwise down to its
    minimum (never below zero, for a school already under its minimum)."""
    if entry.shortage > 0:
        return 0, "sending.shortage_kept"
    return max(0, entry.in_post - entry.min_keep), "sending.min_keep"


SENIOR_CERT_RANK = CERT_LEVELS.index("senior")
"""`cert_rank` of a teacher holding a senior-level certificate (高级中学; the snapshot maps 中职
and 高校 to it): the one certificate that covers a complete secondary school's senior section."""


def junior_section_slots(entry: SubjectStaffing) -> int | None:
    """How many of a subject's shortage slots a teacher without a senior-level certificate may
    fill, net of such teachers of the subject leaving (`capacity.section`): the junior
    section's, at a complete secondary school short in its senior section — the senior
    section's slots are only for senior-certified teachers (《教师资格条例》: a certificate is
    valid at its own level and below). None where no such limit applies: no section figures,
    or the senior section is not short (then any arrival in the subject fills a junior need,
    the senior-certified teachers beyond the senior section's need teaching there already)."""
    senior = entry.senior
    if senior is None or senior.shortage == 0:
        return None
    return entry.shortage - senior.shortage


def max_senior_net_loss(entry: SubjectStaffing) -> tuple[int, str] | None:
    """How many senior-certified teachers of a subject a complete secondary school may lose on
    balance (their departures − their arrivals), and the rule that sets it — `max_net_loss`
    for the senior section: none while that section is short
    (`sending.section_shortage_kept`), else down to the section's minimum
    (`sending.section_min_keep`). None without section figures. Why: a teacher without a
    senior certificate cannot stand in for one who leaves, so the subject's count alone would
    let the senior section be emptied behind a junior surplus."""
    senior = entry.senior
    if senior is None:
        return None
    if senior.shortage > 0:
        return 0, "sending.section_shortage_kept"
    return max(0, senior.in_post - senior.min_keep), "sending.section_min_keep"


def slots_filled(entry: SubjectStaffing, arrivals: int, departures: int,
                 senior_arrivals: int, senior_departures: int) -> int:
    """Shortage slots of a subject the moves truly fill: min(slots, arrivals − departures)
    (departures by the leaving teachers' main subject), at least 0. At a complete secondary
    school short in its senior section, also at most the junior section's slots plus the
    senior-certified teachers gained on balance (`senior_arrivals` − `senior_departures`):
    a junior-certified arrival does not fill the senior section's slot. A plan that keeps
    `capacity.section` and the `sending.section_*` rules gets the plain count."""
    filled = min(entry.shortage, arrivals - departures)
    junior = junior_section_slots(entry)
    if junior is not None:
        filled = min(filled, junior + senior_arrivals - senior_departures)
    return max(0, filled)


def subject_weight(subject: str, rules: RotationRules) -> int:
    """Priority weight of one filled rural shortage slot in `subject`."""
    return rules.objective.subject_weights.get(subject, rules.objective.default_subject_weight)


def wish_rank(teacher: Teacher, destination: str) -> int | None:
    """1-based rank of `destination` in the teacher's wishes, or None."""
    return teacher.wishes.index(destination) + 1 if destination in teacher.wishes else None


def move_preference(teacher: Teacher, destination: str, rules: RotationRules) -> int:
    """Preference score of moving `teacher` to `destination` (higher is better).

    wish points for the rank (0 when not wished or ranked beyond the list) + volunteer points
    − the cost of a move. An unwished move of a non-volunteer is negative: it is avoided unless
    a quota or a shortage needs it.
    """
    obj = rules.objective
    rank = wish_rank(teacher, destination)
    points = obj.wish_points[rank - 1] if rank is not None and rank <= len(obj.wish_points) else 0
    return points + (obj.volunteer_points if teacher.volunteer else 0) - obj.move_cost
