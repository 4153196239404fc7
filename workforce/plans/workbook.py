"""The plan as a Chinese workbook for the office: moves, quotas, shortages, and — when no plan
exists — the conflicts and the smallest relaxation. English headers with ``language="en"``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from optimizer import Instance, Plan
from optimizer.constraints import CATALOGUE, OBJECTIVES
from optimizer.solve import BOUND_FOR_EXACT_MODEL, BOUND_FOR_PRUNED_MODEL
from texts import Pairs, pair
from texts import text as catalogue_text
from workforce.codes import code_list
from workforce.dates import local_time
from workforce.private_files import private_workbook

if TYPE_CHECKING:  # the registry's record, only named in annotations
    from workforce.models import RotationPlan

HEADERS = {
    "summary": ("item", "value"),
    "moves": (
        "staff_no",
        "name",
        "from_code",
        "from_school",
        "to_code",
        "to_school",
        "subject",
        "kind",
        "start",
        "planned_end",
        "key_teacher",
        "wish_rank",
        "distance_km",
        "reasons",
    ),
    "quotas": ("quota", "scope", "base", "target", "achieved", "margin", "met", "notes"),
    "shortages": (
        "school_code",
        "school",
        "subject",
        "slots",
        "weight",
        "arrivals",
        "departures",
        "filled",
        "unfilled",
        "why_unfilled",
    ),
    "conflicts": ("rule", "scope", "explanation"),
    "relaxation": ("rule", "scope", "target", "achievable", "relax_by", "explanation"),
}
"""Each sheet's columns, in order; their headers are ``plans.workbook.column.<sheet>.<id>``."""
SHEETS = Pairs("plans.workbook.sheet")
KINDS = Pairs("plans.workbook.kind")
STATUS = Pairs("plans.workbook.status")
LABELS = Pairs("plans.workbook.label")
"""The workbook's words, from the one catalogue (:mod:`texts`): sheet names, move kinds, solver
statuses and the summary's labels, each (zh, en)."""


def pruning_words(plan: Plan, language: str) -> str:
    """How far the candidate destinations were cut. English: the solver's own account
    (`SolverStats.pruning`). Chinese: the same facts in words — the Chinese workbook showed the
    English paragraph — whether the model was pruned, how many candidate destinations it kept,
    and for which model level 1's bound holds (the words `optimizer.solve` writes for it)."""
    stats = plan.stats
    if language != "zh":
        return stats.pruning
    if not stats.pruned:
        return catalogue_text("plans.workbook.pruning.exact", "zh")
    words = [catalogue_text("plans.workbook.pruning.pruned", "zh", arcs=stats.arcs)]
    if BOUND_FOR_EXACT_MODEL in stats.pruning:
        words.append(catalogue_text("plans.workbook.pruning.bound_exact", "zh"))
    elif BOUND_FOR_PRUNED_MODEL in stats.pruning:
        words.append(catalogue_text("plans.workbook.pruning.bound_pruned", "zh"))
    return "；".join(words)


def column_headers(sheet: str, language: str) -> list[str]:
    """The header row of ``sheet`` in ``language``."""
    i = 0 if language == "zh" else 1
    return [pair(f"plans.workbook.column.{sheet}.{c}")[i] for c in HEADERS[sheet]]


def plan_file_name(record: RotationPlan, language: str = "zh") -> str:
    """The workbook's file name: the year, the plan's number and its status, in the language
    (``plans.workbook.label.file_name``), as the office files it — ``plan-2.xlsx`` said none
    of them."""
    state = catalogue_text(f"ui.status_{record.status}", language)
    return catalogue_text("plans.workbook.label.file_name", language, year=record.year,
                          plan_id=record.id, state=state) + ".xlsx"  # fmt: skip


def _identity(record: RotationPlan, language: str) -> list[tuple[str, object]]:
    """The summary's first rows: which plan of the registry this is, and who made, approved
    and applied it when (Beijing time), with the approval's comment — a printed workbook filed
    under audit named none of it."""
    i = 0 if language == "zh" else 1

    def who(actor: str | None, moment: dt.datetime | None, comment: str | None = None) -> str:
        said = f"{actor} {local_time(moment)}".strip() if actor else ""
        return f"{said}：{comment}" if said and comment and language == "zh" else (
            f"{said}: {comment}" if said and comment else said)  # fmt: skip

    rows: list[tuple[str, object]] = [
        (LABELS["plan_id"][i], f"#{record.id}"),
        (LABELS["plan_state"][i], catalogue_text(f"ui.status_{record.status}", language)),
        (LABELS["created"][i], who(record.created_by, record.created_at)),
    ]
    if record.approved_by:
        rows.append((LABELS["approved"][i],
                     who(record.approved_by, record.approved_at, record.approval_comment)))  # fmt: skip
    if record.applied_by:
        rows.append((LABELS["applied"][i], who(record.applied_by, record.applied_at)))
    return rows


def write_plan_workbook(
    path: Path, instance: Instance, plan: Plan, *, language: str = "zh",
    record: RotationPlan | None = None,
) -> None:
    """Write ``plan`` as an xlsx at ``path``: a sheet per view, frozen headers, text as text,
    dates as dates; ``record`` (the registry's plan) names the plan first on the summary."""
    i = 0 if language == "zh" else 1
    names = {s.code: s.name for s in instance.schools}
    subjects = code_list("subjects")

    def subject(code: str | None) -> str:
        return subjects.label(code, language) if code and code in subjects else (code or "")

    def yes(value: bool) -> str:
        return LABELS["yes"][i] if value else LABELS["no"][i]

    def text(item: object) -> str:
        return getattr(item, ("zh", "en")[i])

    def titled(name: str, known: dict) -> str:  # type: ignore[type-arg]
        """A rule's or objective level's title in the language, not its code name."""
        return text(known[name]) if name in known else name

    def scope(code: str) -> str:
        return LABELS["district"][i] if code == "district" else names.get(code, code)

    rows = {
        "summary": [
            *(_identity(record, language) if record is not None else []),
            (LABELS["year"][i], plan.year),
            (LABELS["status"][i], STATUS[plan.status][i]),
            (LABELS["moves"][i], len(plan.moves)),
            (LABELS["best_bound"][i], plan.best_bound),
            (LABELS["relative_gap"][i], plan.relative_gap),
            (LABELS["wall_time_s"][i], plan.stats.wall_time_s),
            (LABELS["back_end"][i], plan.stats.backend),
            (LABELS["pruning"][i], pruning_words(plan, language)),
        ]
        + [(titled(level.name, OBJECTIVES), level.value) for level in plan.objectives],
        "moves": [
            (
                m.staff_no,
                m.name,
                m.from_school,
                names.get(m.from_school, ""),
                m.to_school,
                names.get(m.to_school, ""),
                subject(m.subject) or LABELS["principal"][i],
                KINDS[m.kind][i],
                m.start,
                m.planned_end or "",
                yes(m.is_key),
                m.wish_rank if m.wish_rank is not None else "",
                round(m.distance_km, 1),
                "；".join(text(r) for r in m.reasons),
            )
            for m in plan.moves
        ],
        "quotas": [
            (
                titled(q.name, CATALOGUE),
                scope(q.scope),
                q.base,
                q.target,
                q.achieved,
                q.margin,
                yes(q.met),
                "；".join(text(r) for r in q.reasons),
            )
            for q in plan.quotas
        ],
        "shortages": [
            (
                s.school,
                names.get(s.school, ""),
                subject(s.subject),
                s.slots,
                s.weight,
                s.arrivals,
                s.departures,
                s.filled,
                s.unfilled,
                "；".join(text(r) for r in s.reasons),
            )
            for s in plan.shortages
        ],
        "conflicts": [
            (titled(c.constraint, CATALOGUE), scope(c.scope), text(c)) for c in plan.conflicts
        ],
        "relaxation": [
            (
                titled(r.constraint, CATALOGUE),
                scope(r.scope),
                r.target,
                r.achievable,
                r.relax_by,
                text(r),
            )
            for r in plan.relaxation
        ],  # fmt: skip
    }
    if plan.status in ("optimal", "feasible"):
        rows.pop("conflicts")
        rows.pop("relaxation")
    with private_workbook(path, {"strings_to_formulas": False}) as workbook:
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for key, data in rows.items():
            sheet = workbook.add_worksheet(SHEETS[key][i])
            headers = column_headers(key, language)
            sheet.write_row(0, 0, headers, bold)
            widths = [max(6, len(h) * 2) for h in headers]
            for r, row in enumerate(data, start=1):
                for c, value in enumerate(row):
                    if isinstance(value, str):
                        sheet.write_string(r, c, value)
                    elif isinstance(value, dt.date):  # a date Excel sorts and filters as one
                        sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), day)
                    elif value is None:
                        sheet.write_blank(r, c, None)
                    else:
                        sheet.write_number(r, c, value)
                    widths[c] = max(widths[c], min(60, len(str(value)) + 2))
            for c, width in enumerate(widths):
                sheet.set_column(c, c, width)
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(1, len(data)), len(headers) - 1)
