"""Policy simulation (issue #14): the year's plan re-solved under changed rules, beside the
current plan.

What can change: any rule setting of `RotationRules` by its dotted key — the quota shares
(`quotas.district_share` 5%, `quotas.school_share` 10%, `quotas.key_share` 20%), the subject
weights (`objective.subject_weights.pe`), the years-at-school threshold
(`eligibility.min_years_at_school`, the 6-year rule) … — through `rules.override_rules`, the
same path as `load_rules(path, overrides)`; and the post ceiling of chosen schools (+N posts at
school X). Unknown keys, bad values and unknown schools are refused with a zh/en message naming
them (`PolicyError`).

Pure: an instance, its plan and the changes in, the changed instance's plan and the figures
that differ out. The simulated plan is exactly `solve(changed_instance, settings)`; the side by
side of moves, quotas and shortages is left to the caller's plan comparison (the registry's
`workforce.plans.compare`), this module gives the levels, the per-subject shortage totals and
each change described with its policy source.
"""

from __future__ import annotations

import time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from optimizer.constraints import CATALOGUE
from optimizer.instance import Instance
from optimizer.messages import TEMPLATES, code_label
from optimizer.plan import Plan
from optimizer.rules import RotationRules, RuleOverrideError, override_rules
from optimizer.settings import SolveSettings
from optimizer.solve import solve
from optimizer.whatif import LEVEL_UNITS, LevelChange


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PolicyChanges(_Strict):
    """The changes to simulate."""

    rules: dict[str, Any] = Field(
        default_factory=dict,
        description="Rule overrides by dotted key, e.g. {'quotas.school_share': 0.15}.",
    )
    post_ceilings: dict[str, int] = Field(
        default_factory=dict,
        description="School code → posts added to its approved ceiling (negative: fewer).",
    )


class RuleChange(_Strict):
    """One changed setting, before and after, with what it means and where it comes from."""

    key: str = Field(description="Dotted rule key, or 'post_ceiling' for a school's posts.")
    school: str | None = None
    zh: str = Field(description="What the setting is, in plain words.")
    en: str
    source: str = Field(description="Policy source of the setting's default ('' if none).")
    before: Any
    after: Any


class SubjectTotals(_Strict):
    """Rural shortage slots of one subject: how many, and how many each plan fills."""

    subject: str
    slots: int
    filled_before: int
    filled_after: int


class Simulation(_Strict):
    """The changes, the plan under them, and the figures that compare."""

    year: int
    changes: list[RuleChange]
    base_status: str
    status: str
    plan: Plan = Field(description="The plan under the changed rules.")
    levels: list[LevelChange]
    subjects: list[SubjectTotals]
    elapsed_s: float


class PolicyError(ValueError):
    """A change that cannot be simulated; `zh` / `en` name the key or school."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def changed_instance(
    instance: Instance, changes: PolicyChanges
) -> tuple[Instance, list[RuleChange]]:
    """The instance under `changes`, and each change described."""
    try:
        rules = override_rules(instance.rules, changes.rules) if changes.rules else instance.rules
    except RuleOverrideError as exc:
        raise PolicyError(exc.zh, exc.en) from None
    described = [_describe_rule(instance, key, rules) for key in sorted(changes.rules)]
    schools = []
    for school in instance.schools:
        added = changes.post_ceilings.get(school.code, 0)
        if school.post_ceiling + added < 0:
            zh, en = TEMPLATES["policy.negative_ceiling"]
            values = dict(school=school.name, ceiling=school.post_ceiling, change=-added)
            raise PolicyError(zh.format(**values), en.format(**values))
        if added:
            school = school.model_copy(update={"post_ceiling": school.post_ceiling + added})
            zh, en = TEMPLATES["policy.post_ceiling"]
            info = CATALOGUE["capacity.post_ceiling"]
            described.append(
                RuleChange(
                    key="post_ceiling",
                    school=school.code,
                    zh=zh.format(school=school.name),
                    en=en.format(school=school.name),
                    source=info.source,
                    before=school.post_ceiling - added,
                    after=school.post_ceiling,
                )
            )
        schools.append(school)
    for code in sorted(set(changes.post_ceilings) - set(instance.school_by_code)):
        zh, en = TEMPLATES["policy.unknown_school"]
        raise PolicyError(zh.format(school=code), en.format(school=code))
    return instance.model_copy(update={"rules": rules, "schools": schools}), described


def simulate(
    instance: Instance, plan: Plan, changes: PolicyChanges, settings: SolveSettings | None = None
) -> Simulation:
    """Re-solve the year under `changes` and compare with `plan` (the instance's current
    plan)."""
    started = time.perf_counter()
    changed, described = changed_instance(instance, changes)
    after = solve(changed, settings or SolveSettings())
    return Simulation(
        year=instance.year,
        changes=described,
        base_status=plan.status,
        status=after.status,
        plan=after,
        levels=level_changes(plan, after),
        subjects=subject_totals(plan, after),
        elapsed_s=round(time.perf_counter() - started, 3),
    )


def level_changes(before: Plan, after: Plan) -> list[LevelChange]:
    """Each objective level of both plans (a level missing on one side: None)."""
    old = {o.name: o for o in before.objectives}
    new = {o.name: o for o in after.objectives}
    changes = []
    for name in [o.name for o in before.objectives] + [
        o.name for o in after.objectives if o.name not in old
    ]:
        a, b = old.get(name), new.get(name)
        was, now = (a.value if a else None), (b.value if b else None)
        changes.append(
            LevelChange(
                name=name,
                sense=(a or b).sense,
                before=was,
                after=now,  # type: ignore[union-attr]
                change=None if was is None or now is None else round(now - was, 6),
                proven_optimal=bool(b and b.proven_optimal),
                unit=LEVEL_UNITS.get(name, ""),
            )
        )
    return changes


def subject_totals(before: Plan, after: Plan) -> list[SubjectTotals]:
    """Rural shortage slots and fills per subject in both plans (slots from the plan that
    lists the shortage; both list the same ones unless a change moved a school's shortage)."""
    totals: dict[str, list[int]] = {}
    for side, plan in enumerate((before, after)):
        for s in plan.shortages:
            row = totals.setdefault(s.subject, [0, 0, 0, 0])
            row[side] += s.slots
            row[2 + side] += s.filled
    return [
        SubjectTotals(
            subject=j, slots=max(row[0], row[1]), filled_before=row[2], filled_after=row[3]
        )
        for j, row in sorted(totals.items())
    ]


def _describe_rule(instance: Instance, key: str, rules: RotationRules) -> RuleChange:
    """One rule change in words: the setting's plain words (its catalogue entry, else its
    source's text), its values before and after, and its policy source."""
    section, _, rest = key.partition(".")
    name, _, entry = rest.partition(".")
    setting = f"{section}.{name}"
    source = instance.rules.sources.get(setting)
    info = next((c for c in CATALOGUE.values() if setting in c.rule_keys), None)
    zh = source.text if source else (info.zh if info else setting)
    en = info.en if info else setting
    before = getattr(getattr(instance.rules, section), name)
    after = getattr(getattr(rules, section), name)
    if entry:
        before, after = before.get(entry), after.get(entry)
    if setting == "objective.subject_weights":
        default = instance.rules.objective.default_subject_weight
        before = default if before is None else before
        zh, en = (
            TEMPLATES["policy.subject_weight"][lang].format(
                subject=code_label("subjects", entry, lang)
            )
            for lang in (0, 1)
        )
    return RuleChange(
        key=key,
        zh=zh,
        en=en,
        before=before,
        after=after,
        source=source.document if source else (info.source if info else ""),
    )
