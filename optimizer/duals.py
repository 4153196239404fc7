"""Marginal values of the rules, read off the LP duals (issue #14): what binds the plan most.

The model's rows are named after the rules (optimizer.constraints: `capacity.post_ceiling[S]`,
`quota.school_share[S]` …). Solve the LP relaxation of one objective level (level 1, the
weighted rural shortage filled, by default; a later level with the earlier ones held at their
LP optimum) and the dual of a row is the rate at which the level's optimum changes when the
row's bound moves: "one more post at 埔前中学 fills one more PE slot (weight +3)", "each more
person the 10% quota of school X requires costs N km". Each row is turned into the change a
user can make (`STEPS`: one more post, one more person required, a pin dropped …) and its
effect.

Limits, said with every answer (`marginal.caveat`): a dual is a local rate — it holds while the
bound moves within the current basis's range, often less than one whole person or post — and
at a degenerate optimum (usual in this network model) the duals are not unique; what duality
guarantees is that the dual is a supergradient of the LP value (a subgradient when minimising):
no step gains more than the rate says. So the candidates are also checked: the LP is re-solved
with the bound moved by the step, warm started from the basis, the real change is reported
beside the rate (`checked_change`, `holds`), and the list is ranked by it. These are LP figures;
a plan (integral) may gain less. For the figures of a whole changed plan, use the policy
simulation (optimizer.simulate).
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass

import highspy
from pydantic import BaseModel, ConfigDict, Field

from optimizer.constraints import CATALOGUE, OBJECTIVES
from optimizer.highs import QuietHighs, load_lp
from optimizer.instance import Instance
from optimizer.messages import TEMPLATES, code_label, teacher_label
from optimizer.model import DISTANCE_UNIT_KM, LEVELS, build_model, set_objective
from optimizer.network import Network, build_network
from optimizer.rules import key_share_fraction
from optimizer.settings import SolveSettings

ZERO = 1e-7
"""Duals (and changes) smaller than this are zero: the row does not bind."""

CHECK_TOLERANCE = 1e-6
"""A checked change equals the rate × step within this (relative to the step's size)."""

STEPS: dict[str, int] = {
    "capacity.post_ceiling": 1,
    "capacity.subject": 1,
    "capacity.section": 1,
    "sending.min_keep": 1,
    "sending.shortage_kept": 1,
    "sending.section_min_keep": 1,
    "sending.section_shortage_kept": 1,
    "principal.post": 1,
    "move.once": 1,
    "quota.district_share": 1,
    "quota.school_share": 1,
    "quota.key_share": 1,
    "principal.two_terms": -1,
    "pin.must_go": -1,
    "pin.must_move": -1,
}
"""The rows reported, by constraint name, and the move of the row's bound a sentence speaks of:
+1 on a ≤ row is one more post, slot or teacher allowed; +1 on a ≥ row one more person
required; −1 on a pin or the two-terms row is the requirement dropped. The key share's row
counts q·people for a share p/q: its step is q (one more key teacher). Rows left out: the
definitions of the totals and fills, a member's own wish rows and principals' move-once rows
(nothing a user can change), and the bounds of single variables (a group with one arc, a
shortage's slot count), which have reduced costs, not row duals."""

_SOLVED = (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kModelEmpty)
"""An LP solved: optimal, or without variables at all (HiGHS's 'empty model', value 0)."""

_ROW = re.compile(r"^(?P<name>[a-z_.]+)\[(?P<scope>[^\]]*)\]$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FillChange(_Strict):
    """A rural shortage (school, subject) the checked re-solve fills more (or less) of."""

    school: str
    school_name: str
    subject: str
    change: float = Field(description="Slots, in the re-solved LP (may be fractional).")


class Marginal(_Strict):
    """One binding rule: the change a user could make, and what it does to the level."""

    rank: int
    constraint: str = Field(description="Catalogue name (optimizer.constraints).")
    row: str = Field(
        description="The model's row (optimizer.model), e.g. "
        "'capacity.post_ceiling[S1]': to check the figure, not to show."
    )
    rule_zh: str = Field(description="The rule in plain words (the catalogue's).")
    rule_en: str
    source: str = Field(description="Policy source of the rule.")
    rule_keys: list[str] = Field(description="Rule settings behind it (data/rules).")
    school: str | None = Field(None, description="School code the row is about, if any.")
    school_name: str | None = None
    subject: str | None = Field(None, description="Subject code the row is about, if any.")
    staff_no: str | None = Field(None, description="Teacher the row is about (pins, principals).")
    dual: float = Field(
        description="Rate: change of the level per unit of the row's bound, in the level's unit."
    )
    step: int = Field(description="The move of the row's bound the sentence speaks of.")
    value: float = Field(
        description="dual × step: the level's change for that move, "
        "in `unit` (the local rate; see `checked_change`)."
    )
    unit: str = Field(description="'weighted slots', 'points' or 'km'.")
    zh: str = Field(description="The sentence, Chinese.")
    en: str
    checked_change: float | None = Field(
        None,
        description="The level's change when the LP is re-solved with the bound moved by "
        "the step (in `unit`); None when not checked or when that LP has no solution.",
    )
    checked_feasible: bool | None = Field(
        None, description="Whether the re-solved LP had a solution; None when not checked."
    )
    holds: bool | None = Field(
        None,
        description="The checked change equals `value` (the rate "
        "holds for the whole step); None when not checked.",
    )
    fills: list[FillChange] = Field(
        default_factory=list,
        description="Level 1 only: the shortages the checked re-solve fills more or less of.",
    )


class MarginalValues(_Strict):
    """The ranked binding rules of one level's LP relaxation."""

    level: str
    level_zh: str
    level_en: str
    unit: str
    lp_value: float = Field(description="The level's LP optimum, in `unit`.")
    rows: int = Field(description="Named rows considered (the kinds in STEPS).")
    binding: int = Field(description="Of those, rows with a non-zero dual.")
    entries: list[Marginal] = Field(description="The first `top`, largest effect first.")
    checked: int = Field(description="Entries re-solved with the bound moved (brute force).")
    caveat_zh: str
    caveat_en: str
    elapsed_s: float


class MarginalError(ValueError):
    """The question cannot be answered (an unknown level, an LP without a solution)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


UNITS = {"rural_shortage_filled": "weighted slots", "preference": "points", "distance": "km"}


def marginal_values(
    instance: Instance,
    level: str = "rural_shortage_filled",
    top: int = 10,
    verify: int | None = None,
    settings: SolveSettings | None = None,
) -> MarginalValues:
    """The `top` rules that bind `level` most. Candidates are the reported rows with a non-zero
    dual and every quota row; the first `verify` of them by |rate × step| (default: all) are
    checked by a warm-started re-solve with the bound moved by the step, and the list is ranked
    by that checked change (the rate where unchecked); checked rows that change nothing are
    left out, steps the LP cannot take (no solution) come last."""
    started = time.perf_counter()
    names = [name for name, _ in LEVELS]
    if level not in names:
        raise MarginalError(f"未知目标层级“{level}”", f"unknown objective level {level!r}")
    settings = settings or SolveSettings()
    lp = level_lp(instance, level, settings)
    scale = DISTANCE_UNIT_KM if level == "distance" else 1.0
    found = []
    considered = 0
    for row, name in enumerate(lp.row_names):
        parsed = _ROW.match(name)
        if not _reported(name) or parsed is None:
            continue
        considered += 1
        dual = lp.duals[row]
        # A ≥ row made stricter (a quota) can cost even where its dual is 0 (degenerate
        # optimum): the quotas are always checked. Everywhere else a zero dual means no effect.
        if abs(dual) > ZERO or parsed["name"].startswith("quota."):
            found.append((_entry(instance, lp, name, dual * scale, level), row))
    checks = len(found) if verify is None else verify
    found.sort(key=lambda e: (-abs(e[0].value), list(STEPS).index(e[0].constraint), e[0].zh))
    for entry, row in found[:checks]:
        _check(lp, entry, row, scale, instance)
    found = [e for e in found if e[0].checked_feasible is False or abs(_effect(e[0])) > ZERO]
    found.sort(
        key=lambda e: (
            e[0].checked_feasible is False,
            -abs(_effect(e[0])),
            list(STEPS).index(e[0].constraint),
            e[0].zh,
        )
    )
    entries = [entry for entry, _ in found[: max(0, top)]]
    for rank, entry in enumerate(entries, start=1):
        entry.rank = rank
        _say_effect(entry, level)
    caveat = TEMPLATES["marginal.caveat"]
    info = OBJECTIVES[level]
    return MarginalValues(
        level=level,
        level_zh=info.zh,
        level_en=info.en,
        unit=UNITS[level],
        lp_value=round(lp.value * scale, 3),
        rows=considered,
        binding=sum(
            1 for r, d in enumerate(lp.duals) if abs(d) > ZERO and _reported(lp.row_names[r])
        ),
        entries=entries,
        checked=sum(e.checked_feasible is not None for e in entries),
        caveat_zh=caveat[0],
        caveat_en=caveat[1],
        elapsed_s=round(time.perf_counter() - started, 3),
    )


def _effect(entry: Marginal) -> float:
    """What ranks an entry: the checked change of one step, else the rate × step (steps that
    leave the LP without a solution are listed last)."""
    return entry.checked_change if entry.checked_change is not None else entry.value


def _reported(name: str) -> bool:
    parsed = _ROW.match(name)
    return (
        parsed is not None
        and parsed["name"] in STEPS
        and ":" not in parsed["scope"]
        and (parsed["name"] != "move.once" or parsed["scope"].startswith("g"))
    )


# ------------------------------------------------------------------ the LP


@dataclass
class LevelLP:
    """One level's LP relaxation, solved and kept loaded (to be re-solved with a bound moved).
    `value` and `duals` are in the model's units (distance: 0.1 km)."""

    solver: QuietHighs
    net: Network
    row_names: list[str]
    lower: list[float]
    upper: list[float]
    value: float
    duals: list[float]
    columns: list[float]
    fill_columns: dict[tuple[str, str], int]
    step_of_key_share: int
    last_columns: list[float] | None = None

    def moved(self, row: int, step: float) -> float | None:
        """The LP optimum with the row's active bound moved by `step`, then restored; None
        when that LP has no solution. Warm-started from the current basis."""
        lower, upper = self.lower[row], self.upper[row]
        at_lower = math.isfinite(lower)
        new = (lower + step, upper) if at_lower else (lower, upper + step)
        try:
            self.solver.changeRowBounds(row, *new)
            self.solver.run()
            ok = self.solver.getModelStatus() in _SOLVED
            value = self.solver.getInfo().objective_function_value if ok else None
            self.last_columns = list(self.solver.getSolution().col_value) if ok else None
        finally:
            self.solver.changeRowBounds(row, lower, upper)
        return value


def level_lp(instance: Instance, level: str, settings: SolveSettings) -> LevelLP:
    """The LP relaxation of `level` over the model `solve` builds, the levels before it held at
    their LP optimum (exactly: an LP, not the plan's integral values), solved by HiGHS."""
    net = build_network(instance, settings)
    model = build_model(instance, net, settings.backend)
    if model.empty_infeasible_rows:
        raise _no_lp(model.empty_infeasible_rows[0])
    for name, sense in LEVELS:
        maximize = sense == "max"
        set_objective(model, model.terms[name], maximize)
        problem = model.problem()
        solver = load_lp(problem, settings.time_limit_s)
        solver.run()
        if solver.getModelStatus() not in _SOLVED:
            raise _no_lp(name)
        value = solver.getInfo().objective_function_value if problem.num_cols else 0.0
        if name == level:
            break
        slack = 1e-9 * max(1.0, abs(value))
        model.row(
            value - slack if maximize else -math.inf,
            math.inf if maximize else value + slack,
            f"lexicographic[{name}]",
            *model.terms[name],
        )
    solution = solver.getSolution()
    share = key_share_fraction(instance.rules)
    return LevelLP(
        solver=solver,
        net=net,
        row_names=list(problem.row_names),
        lower=problem.row_lower.tolist(),
        upper=problem.row_upper.tolist(),
        value=value,
        duals=list(solution.row_dual) or [0.0] * problem.num_rows,
        columns=list(solution.col_value),
        fill_columns=dict(model.fill),
        step_of_key_share=share.denominator if share else 1,
    )


def _no_lp(what: str) -> MarginalError:
    return MarginalError(
        f"线性松弛无解（{what}），没有边际值可言：请先解决方案的冲突",
        f"the LP relaxation has no solution ({what}): no marginal values; "
        "resolve the plan's conflicts first",
    )


# ------------------------------------------------------------------ entries in users' words


def _entry(instance: Instance, lp: LevelLP, row: str, dual: float, level: str) -> Marginal:
    """The row as a user's change: what it is about, the step, and the lever's words (the
    effect is said once checked, `_say_effect`)."""
    parsed = _ROW.match(row)
    assert parsed is not None
    name, scope = parsed["name"], parsed["scope"]
    info = CATALOGUE[name]
    school = subject = staff_no = None
    if name == "move.once":
        group = lp.net.groups[int(scope[1:])]
        school, subject = group.school, group.main_subject
    elif "," in scope:
        school, subject = scope.split(",", 1)
    elif name in ("capacity.post_ceiling", "principal.post", "quota.school_share"):
        school = scope
    elif name not in ("quota.district_share", "quota.key_share"):
        staff_no = scope
    step = lp.step_of_key_share if name == "quota.key_share" else STEPS[name]
    found = instance.school_by_code.get(school) if school else None
    names = (found.name if found else school or "", found.name if found else school or "")
    teacher = instance.teacher_by_staff_no.get(staff_no) if staff_no else None
    value = dual * step
    texts = [
        TEMPLATES[f"marginal.{name}"][lang].format(
            school=names[lang],
            subject=code_label("subjects", subject, lang),
            teacher=teacher_label(teacher, lang) if teacher else staff_no or "",
        )
        for lang in (0, 1)
    ]
    return Marginal(
        rank=0,
        constraint=name,
        row=row,
        rule_zh=info.zh,
        rule_en=info.en,
        source=_source(instance, info),
        rule_keys=list(info.rule_keys),
        school=school,
        school_name=found.name if found else None,
        subject=subject,
        staff_no=staff_no,
        dual=round(dual, 9),
        step=step,
        value=round(value, 6),
        unit=UNITS[level],
        zh=texts[0],
        en=texts[1],
    )


def _source(instance: Instance, info) -> str:
    """The policy document behind the rule: its setting's source in the rules, else the
    catalogue's."""
    for key in info.rule_keys:
        found = instance.rules.sources.get(key)
        if found is not None:
            return found.document
    return info.source


def _signed(value: float) -> str:
    text = f"{value:+.3f}".rstrip("0").rstrip(".")
    return text.replace("-", "−")


def _check(lp: LevelLP, entry: Marginal, row: int, scale: float, instance: Instance) -> None:
    """Brute force for one entry: re-solve the LP with the row's bound moved by the step; on
    level 1, name the shortages that change (the sentence then says which)."""
    moved = lp.moved(row, entry.step)
    entry.checked_feasible = moved is not None
    if moved is None:
        return
    change = (moved - lp.value) * scale
    entry.checked_change = round(change, 6)
    entry.holds = abs(change - entry.value) <= CHECK_TOLERANCE * max(1.0, abs(entry.value))
    if entry.unit != "weighted slots" or lp.last_columns is None:
        return
    for (school, subject), column in sorted(lp.fill_columns.items()):
        delta = lp.last_columns[column] - lp.columns[column]
        if abs(delta) > ZERO:
            entry.fills.append(
                FillChange(
                    school=school,
                    school_name=instance.school_by_code[school].name,
                    subject=subject,
                    change=round(delta, 6),
                )
            )


def _say_effect(entry: Marginal, level: str) -> None:
    """Finish the sentence: the lever (set by `_entry`), then what one step does — the checked
    change when there is one (else the rate), and on level 1 the slots it fills."""
    effect = entry.checked_change if entry.checked_change is not None else entry.value
    gained = [f for f in entry.fills if f.change > 0]
    for lang in (0, 1):
        if entry.checked_feasible is False:
            later = level != LEVELS[0][0]
            text = TEMPLATES["marginal.no_plan_later" if later else "marginal.no_plan"][lang]
        else:
            text = TEMPLATES[f"marginal.effect.{level}"][lang].format(change=_signed(effect))
        if gained:
            text += ("（{}）", " ({})")[lang].format(
                ("，", "; ")[lang].join(
                    TEMPLATES["marginal.fills"][lang].format(
                        subject=code_label("subjects", f.subject, lang),
                        school=f.school_name,
                        count=_number(f.change),
                    )
                    for f in gained
                )
            )
        if lang == 0:
            entry.zh += "，" + text
        else:
            entry.en += ": " + text


def _number(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")
