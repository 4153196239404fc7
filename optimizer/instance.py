"""The optimizer's input: one district on one reference date (`Instance`).

This is the contract `workforce.snapshot` fills from the registry. Everything the solver needs is
here as plain data, so a saved instance reproduces any plan made from it. Derived figures that
depend on other policy functions (statutory retirement date, subject shortage from the demand
norms) are computed outside and passed in; rotation rules travel inside (`rules`).

Validation refuses: duplicate school codes or staff numbers, a teacher at an unknown school, a
wish or pin naming an unknown school or teacher, a main subject missing from `can_teach`,
duplicate subjects in one school's staffing, `min_keep` above `in_post`, senior-section figures
above the subject's or at a school that is not a complete secondary one, and contradictory pins
for one teacher.
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from optimizer.rules import (
    CertLevel,
    RotationRules,
    SchoolLevel,
    Tier,
    counts_in_quota_base,
    is_available,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class _Indexed(_Strict):
    """Lookup tables over list fields, rebuilt when the list is another one: `model_copy` with
    an update shares private state, so a cache keyed by name alone would go stale."""

    _indexes: dict[str, tuple[object, object]] = PrivateAttr(default_factory=dict)

    def _indexed(self, name: str, source: list, build) -> dict:
        # Straight to pydantic's private-state dict: `self._indexes` goes through
        # BaseModel.__getattr__, which made this lookup cost 12 µs (30,000 teachers: 284,000
        # calls, 3.6 s of a solve).
        indexes = self.__pydantic_private__["_indexes"]
        cached = indexes.get(name)
        if cached is None or cached[0] is not source:
            cached = (source, build(source))
            indexes[name] = cached
        return cached[1]

    def _derived(self, name: str, sources: tuple, build):
        """`build()`, cached while every one of `sources` is the same object as when it was
        built (a copy with another date or other rules sharing the teachers list rebuilds)."""
        indexes = self.__pydantic_private__["_indexes"]
        cached = indexes.get(name)
        if cached is None or any(a is not b for a, b in zip(cached[0], sources, strict=True)):
            cached = (sources, build())
            indexes[name] = cached
        return cached[1]


class SeniorSection(_Strict):
    """The senior section (高中部) of a complete secondary school in one subject.

    A teacher without a senior-secondary certificate (``cert_levels`` without ``senior``) may
    teach only the junior section (《教师资格条例》: a certificate is valid at its own level and
    below), so the demand rule (``workforce.rules.demand``) counts them only towards the junior
    section's need; these figures let the rotation keep to the same reading."""

    in_post: int = Field(
        ge=0, description="The subject's established teachers (part of the entry's `in_post`) "
        "who hold a senior-level certificate."
    )
    shortage: int = Field(
        0, ge=0, description="Of the entry's shortage slots, those only a teacher with a "
        "senior-level certificate can fill (the senior section's)."
    )
    min_keep: int = Field(
        0, ge=0, description="Senior-certified teachers of the subject the school keeps at "
        "least (what the senior section needs)."
    )

    @model_validator(mode="after")
    def _keep_not_above_post(self) -> SeniorSection:
        if self.min_keep > self.in_post:
            raise ValueError(f"senior section: min_keep {self.min_keep} > in_post {self.in_post}")
        return self


class SubjectStaffing(_Strict):
    """One subject at one school."""

    subject: str = Field(description="Subject code, e.g. 'pe', 'math' (opaque to the optimizer).")
    in_post: int = Field(
        ge=0, description="Established teachers teaching it as main subject (returning secondees "
        "counted)."
    )
    shortage: int = Field(
        0, ge=0, description="Unfilled slots from the demand norms (computed outside); ≥ 0."
    )
    min_keep: int = Field(0, ge=0, description="The school keeps at least this many in it.")
    senior: SeniorSection | None = Field(
        None, exclude_if=lambda value: value is None,
        description="Only at a complete secondary school: its senior section's figures. None = "
        "no section figures, and every teacher of the subject counts alike. Left out of the "
        "JSON when None, so an instance without them (and the hash a plan names) is what it "
        "was before sections existed."
    )

    @model_validator(mode="after")
    def _keep_not_above_post(self) -> SubjectStaffing:
        if self.min_keep > self.in_post:
            raise ValueError(f"{self.subject}: min_keep {self.min_keep} > in_post {self.in_post}")
        senior = self.senior
        if senior is not None and (senior.in_post > self.in_post
                                   or senior.shortage > self.shortage):
            raise ValueError(f"{self.subject}: the senior section's in_post {senior.in_post} / "
                             f"shortage {senior.shortage} exceed the subject's {self.in_post} / "
                             f"{self.shortage}")
        return self


class School(_Indexed):
    """A school (学校) and its subject staffing."""

    code: str = Field(description="Stable school code, unique in the instance.")
    name: str = Field(description="School name (Chinese).")
    zone: Literal["urban", "rural"] = Field(description="城区 (urban) or 乡村 (rural).")
    is_quality: bool = Field(False, description="优质学校.")
    is_weak: bool = Field(False, description="薄弱学校.")
    level: SchoolLevel = Field(description="Sets the minimum certificate level (see the rules).")
    post_ceiling: int = Field(ge=0, description="核定编制: approved number of established posts.")
    lat: float = Field(ge=-90, le=90, description="Latitude in degrees.")
    lon: float = Field(ge=-180, le=180, description="Longitude in degrees.")
    staffing: list[SubjectStaffing] = Field(default_factory=list, description="Per subject.")

    @field_validator("staffing")
    @classmethod
    def _unique_subjects(cls, staffing: list[SubjectStaffing]) -> list[SubjectStaffing]:
        dup = [s for s, n in Counter(x.subject for x in staffing).items() if n > 1]
        if dup:
            raise ValueError(f"subject listed twice in staffing: {dup}")
        return staffing

    @model_validator(mode="after")
    def _sections_only_at_complete_secondary(self) -> School:
        if self.level != "complete_secondary" and any(e.senior is not None
                                                      for e in self.staffing):
            raise ValueError(f"{self.code}: senior section figures at a {self.level} school "
                             "(only a complete secondary school has two sections)")
        return self

    @property
    def staffing_by_subject(self) -> dict[str, SubjectStaffing]:
        return self._indexed("staffing", self.staffing, lambda xs: {s.subject: s for s in xs})

    def shortage(self, subject: str) -> int:
        entry = self.staffing_by_subject.get(subject)
        return entry.shortage if entry else 0


class Designation(_Strict):
    """A title such as 区级骨干教师, valid for a term."""

    kind: str = Field(description="e.g. key_teacher, subject_leader, teaching_expert, rising_star.")
    tier: Tier = Field(description="school < district < city < province < national.")
    valid_from: date
    valid_until: date | None = Field(None, description="Last valid day; None = open-ended.")


class Exemption(_Strict):
    """A period in which the teacher is deferred or exempt (暂缓/免于交流)."""

    reason: str = Field(description="e.g. pregnancy, illness, deferred.")
    from_date: date = Field(alias="from", description="First day.")
    until: date | None = Field(None, description="Last day; None = open-ended.")


class Teacher(_Strict):
    """A teacher or principal on the reference date."""

    staff_no: str = Field(description="Unique staff number.")
    name: str
    school: str = Field(description="Code of the school where the teacher holds the post.")
    gender: Literal["male", "female"]
    birth_date: date | None = Field(None, description="Needed only when an age cap is on.")
    post_type: Literal["established", "temporary", "other"] = Field(
        description="established = 在编, temporary = 临聘."
    )
    main_subject: str
    can_teach: list[str] = Field(description="Main subject plus certified subjects (a set).")
    cert_levels: list[CertLevel] = Field(default_factory=list, description="Certificates held.")
    joined_school_on: date = Field(description="Start of the current unbroken service there.")
    retirement_date: date = Field(description="Statutory retirement date (computed outside).")
    designations: list[Designation] = Field(default_factory=list)
    exemptions: list[Exemption] = Field(default_factory=list)
    last_rotation_end: date | None = Field(None, description="End of the last rotation, if any.")
    on_secondment: bool = Field(False, description="Currently seconded to another school.")
    is_principal: bool = False
    principal_terms_at_school: int = Field(0, ge=0, description="Full terms as principal here.")
    wishes: list[str] = Field(default_factory=list, description="School codes, rank 1 first.")
    volunteer: bool = Field(False, description="Asked to rotate this year.")

    @model_validator(mode="after")
    def _consistent(self) -> Teacher:
        if len(set(self.wishes)) != len(self.wishes):
            raise ValueError(f"{self.staff_no}: a school appears twice in wishes")
        if self.school in self.wishes:
            raise ValueError(f"{self.staff_no}: wishes name the teacher's own school")
        # Written to __dict__ directly: the values are the validated ones (the subjects as a
        # sorted set), and the model's set of given fields is shared, not changed.
        values = self.__dict__
        values["can_teach"] = [sys.intern(j) for j in sorted(set(self.can_teach)
                                                             | {self.main_subject})]
        for name in ("school", "main_subject", "gender", "post_type"):
            values[name] = sys.intern(values[name])
        values["cert_levels"] = [sys.intern(c) for c in self.cert_levels]
        _share_fields_set(self)
        return self


_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


def _share_fields_set(model: BaseModel) -> None:
    """Let `model` share its set of explicitly given fields (`model_fields_set`) with the
    models of its class that were given the same fields, and intern the repeated codes above.

    Why: pydantic keeps that set per object — 2.2 KB of a teacher's ~4.4 KB — and a
    100,000-teacher instance held 200 MB of identical sets (its codes, one string object per
    teacher, another 30 MB). The set is only read (`exclude_unset` dumps, none in the optimizer)
    or copied (`model_copy` copies it before an update); assigning a field of a teacher that
    was not given would mark it given for the others sharing the set — the optimizer never
    assigns a field of a validated teacher."""
    given = model.__pydantic_fields_set__
    key = frozenset(given)
    shared = _FIELDS_SETS.setdefault(key, given)
    if shared is not given:
        object.__setattr__(model, "__pydantic_fields_set__", shared)


class Pin(_Strict):
    """A decision of the personnel office that the solve keeps."""

    kind: Literal["must_move", "must_stay", "must_go", "forbid"] = Field(
        description="must_move: destination free; must_go / forbid: `school` required."
    )
    staff_no: str
    school: str | None = Field(None, description="Destination for must_go / forbid.")
    note: str = Field("", description="Why, in the office's words.")

    @model_validator(mode="after")
    def _school_when_needed(self) -> Pin:
        needs = self.kind in ("must_go", "forbid")
        if needs != (self.school is not None):
            raise ValueError(f"pin {self.kind} for {self.staff_no}: school is "
                             f"{'required' if needs else 'not allowed'}")
        return self


class Instance(_Indexed):
    """One district, one reference date, the rules, and the office's pins."""

    year: int = Field(description="The school year the plan is for (e.g. 2026).")
    as_of: date = Field(description="Reference date: the start of the school year.")
    rules: RotationRules = Field(default_factory=RotationRules)
    schools: list[School]
    teachers: list[Teacher]
    pins: list[Pin] = Field(default_factory=list)
    district_established: int | None = Field(
        None, ge=0, description="Established (在编) teachers of all the district's public "
        "schools, those outside the rotation's scope (kindergartens, senior schools …) included: "
        "the base of the district share when quotas.district_share_base is 'whole_district'. "
        "None = the instance's own count.")

    @model_validator(mode="after")
    def _references(self) -> Instance:
        codes = Counter(s.code for s in self.schools)
        staff = Counter(t.staff_no for t in self.teachers)
        if dup := [c for c, n in codes.items() if n > 1]:
            raise ValueError(f"duplicate school codes: {dup}")
        if dup := [c for c, n in staff.items() if n > 1]:
            raise ValueError(f"duplicate staff numbers: {dup}")
        for t in self.teachers:
            if t.school not in codes:
                raise ValueError(f"{t.staff_no}: unknown school {t.school}")
            if unknown := [w for w in t.wishes if w not in codes]:
                raise ValueError(f"{t.staff_no}: unknown wished schools {unknown}")
        for p in self.pins:
            if p.staff_no not in staff:
                raise ValueError(f"pin for unknown teacher {p.staff_no}")
            if p.school is not None and p.school not in codes:
                raise ValueError(f"pin for {p.staff_no}: unknown school {p.school}")
        for staff_no, pins in self.pins_by_teacher.items():
            kinds = Counter(p.kind for p in pins)
            fixed = kinds["must_stay"] + kinds["must_go"] + kinds["must_move"]
            goes = {p.school for p in pins if p.kind == "must_go"}
            banned = {p.school for p in pins if p.kind == "forbid"}
            if fixed > 1 or goes & banned:
                raise ValueError(f"contradictory pins for {staff_no}: {sorted(kinds)}")
        return self

    @property
    def school_by_code(self) -> dict[str, School]:
        return self._indexed("schools", self.schools, lambda xs: {s.code: s for s in xs})

    @property
    def teacher_by_staff_no(self) -> dict[str, Teacher]:
        return self._indexed("teachers", self.teachers, lambda xs: {t.staff_no: t for t in xs})

    @property
    def available_staff(self) -> frozenset[str]:
        """Staff numbers of the teachers who may rotate on `as_of` (`rules.is_available`):
        asked once per teacher, not by every part of a solve (the network, the clerk and the
        explanations asked 373,000 times at 100,000 teachers)."""
        return self._derived("available", (self.teachers, self.as_of, self.rules), lambda: (
            frozenset(t.staff_no for t in self.teachers
                      if is_available(t, self.as_of, self.rules))))

    @property
    def quota_base(self) -> dict[str, int]:
        """Per school code, its teachers in the school quota's base (符合交流条件教师,
        `rules.counts_in_quota_base`; schools without any are absent)."""
        return self._derived("quota_base", (self.teachers, self.as_of, self.rules), lambda: dict(
            Counter(t.school for t in self.teachers
                    if counts_in_quota_base(t, self.as_of, self.rules))))

    @property
    def pins_by_teacher(self) -> dict[str, list[Pin]]:
        def group(pins: list[Pin]) -> dict[str, list[Pin]]:
            grouped: dict[str, list[Pin]] = {}
            for pin in pins:
                grouped.setdefault(pin.staff_no, []).append(pin)
            return grouped

        return self._indexed("pins", self.pins, group)

    def with_pins(self, pins: list[Pin]) -> Instance:
        """A copy with `pins` added; earlier pins on the same teachers are replaced."""
        touched = {p.staff_no for p in pins}
        kept = [p for p in self.pins if p.staff_no not in touched]
        return self.model_validate({**self.model_dump(by_alias=True), "pins": [
            p.model_dump() for p in kept + pins]})
