"""The years of a roadmap as the registry would see them without new moves (`project_years`).

Each year of the horizon gets its own `Instance`, derived from the first year's: the reference
date moves on by whole years; teachers past their statutory retirement date leave (the
retirement date is computed outside, by `workforce.rules.retirement`); secondees already away
return on their planned end date (`RoadmapAssumptions.secondment_returns`, else a full term from
the first year) and then sit out the cool-down; the 6-year rule ripens a new cohort every year by
itself, since `eligibility_blockers` is asked again on each year's date. Subject demand follows
`RoadmapAssumptions.enrolment` ('constant': each school's need in a subject — teachers in post
plus shortage, or its minimum when not short, in the first year: `need_slots` — stays); retirements are not replaced (`hiring`
'none'), so they reopen shortages. Pins are the personnel office's decisions for the first year
and travel with it only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from optimizer.instance import Instance, SubjectStaffing, Teacher
from optimizer.rules import add_years


class RoadmapAssumptions(BaseModel):
    """The inputs of the projection that no registry table holds, each named and documented."""

    model_config = ConfigDict(extra="forbid")

    enrolment: Literal["constant"] = Field(
        "constant",
        description="Enrolment projection. 'constant' (no projection data in the "
        "registry): every school's need in a subject stays at its first-year value (in post + "
        "shortage from workforce.rules.demand).",
    )
    hiring: Literal["none"] = Field(
        "none",
        description="Recruitment in the projection. 'none': a retiring teacher's post "
        "stays empty, so retirements reopen shortages (the bureau's hiring plan is not modelled).",
    )
    secondment_returns: dict[str, date] = Field(
        default_factory=dict,
        description="Planned end of the secondments under way in the first "
        "year, by staff number (the registry's rotation records). A secondee missing here is "
        "taken to return a full term (terms.secondment_years) after the first year's date.",
    )


ASSUMPTION_TEXT = {
    "enrolment": (
        "招生规模按首年不变（无招生预测数据）：各校各学科需求保持首年水平（缺编时为在岗＋缺口，否则为最低保留人数）",
        "enrolment held constant (no projection data): each school's need per subject "
        "stays at the first year's (in post + shortage, or the minimum when not short)",
    ),
    "hiring": (
        "不计新招聘：退休教师的岗位空出，缺口随之增加",
        "no recruitment: a retiring teacher's post stays empty and the shortage grows",
    ),
    "returns": (
        "已在外交流教师按登记的计划结束日期返回；缺日期者按首年起满一个交流期返回",
        "secondees already away return on their planned end date, else one full term "
        "after the first year",
    ),
}


@dataclass(frozen=True)
class Projection:
    """The instance of each year (index 0 = the first year) and who leaves or returns when."""

    years: list[Instance]
    retired: list[list[str]]
    """Staff numbers whose retirement falls before each year (not in that year's instance)."""
    returning: list[list[str]]
    """Secondees already away in the first year who are back by each year (from that year)."""
    need: dict[tuple[str, str], int]
    """Teachers each (school, subject) needs (`need_slots`), the same every year."""


def project_years(instance: Instance, years: int, assumptions: RoadmapAssumptions) -> Projection:
    """`years` yearly instances from `instance` (see the module docstring)."""
    term = instance.rules.terms.secondment_years
    returns = {
        t.staff_no: assumptions.secondment_returns.get(t.staff_no)
        or add_years(instance.as_of, term)
        for t in instance.teachers
        if t.on_secondment
    }
    need = {(s.code, e.subject): need_slots(e) for s in instance.schools for e in s.staffing}
    out, retired_by, returning_by = [], [], []
    for k in range(years):
        as_of = add_years(instance.as_of, k)
        gone = [t for t in instance.teachers if t.retirement_date <= as_of] if k else []
        gone_ids = {t.staff_no for t in gone}
        teachers = [
            _teacher_on(t, as_of, returns.get(t.staff_no))
            for t in instance.teachers
            if t.staff_no not in gone_ids
        ]
        lost: dict[tuple[str, str], int] = {}
        for t in gone:
            if t.post_type == "established":
                lost[(t.school, t.main_subject)] = lost.get((t.school, t.main_subject), 0) + 1
        schools = []
        for s in instance.schools:
            staffing = []
            for e in s.staffing:
                in_post = max(0, e.in_post - lost.get((s.code, e.subject), 0))
                staffing.append(
                    e.model_copy(
                        update={
                            "in_post": in_post,
                            "shortage": max(0, need[(s.code, e.subject)] - in_post),
                            "min_keep": min(e.min_keep, in_post),
                            # A later year has no section figures: projecting them needs the
                            # senior-certified teachers' retirements, and the roadmap's rows do
                            # not read them (docs/optimizer.md, "What is left"); the first
                            # year keeps the instance's, which its one-year plan keeps to.
                            "senior": e.senior if k == 0 else None,
                        }
                    )
                )
            schools.append(s.model_copy(update={"staffing": staffing}))
        established_gone = sum(t.post_type == "established" for t in gone)
        district = (
            None
            if instance.district_established is None
            else max(0, instance.district_established - established_gone)
        )
        out.append(
            Instance(
                year=instance.year + k,
                as_of=as_of,
                rules=instance.rules,
                schools=schools,
                teachers=teachers,
                pins=instance.pins if k == 0 else [],
                district_established=district,
            )
        )
        retired_by.append(sorted(gone_ids))
        returning_by.append(sorted(s for s, day in returns.items() if k and day <= as_of))
    return Projection(out, retired_by, returning_by, need)


def need_slots(entry: SubjectStaffing) -> int:
    """Teachers a school needs in a subject, in whole posts (⌈demand − tolerance⌉ of
    workforce.rules.demand): in post + shortage when short; else `min_keep`, which the demand
    rule sets to the same number (a school above it has a surplus, and a surplus teacher who
    leaves opens no shortage)."""
    return entry.in_post + entry.shortage if entry.shortage > 0 else entry.min_keep


def _teacher_on(teacher: Teacher, as_of: date, returns_on: date | None) -> Teacher:
    """The teacher on a later year's date: a secondee is back once the term has ended, and the
    end of that term starts the cool-down (`eligibility.cooldown`)."""
    if returns_on is None or returns_on > as_of:
        return teacher
    return teacher.model_copy(update={"on_secondment": False, "last_rotation_end": returns_on})
