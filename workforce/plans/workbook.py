"""The plan as a Chinese workbook for the office: moves, quotas, shortages, and — when no plan
exists — the conflicts and the smallest relaxation. English headers with ``language="en"``."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from optimizer import Instance, Plan
from workforce.codes import code_list

HEADERS = {
    "summary": (("项目", "Item"), ("内容", "Value")),
    "moves": (
        ("工号", "Staff no."),
        ("姓名", "Name"),
        ("原学校代码", "From code"),
        ("原学校", "From school"),
        ("交流学校代码", "To code"),
        ("交流学校", "To school"),
        ("任教学科", "Subject"),
        ("形式", "Kind"),
        ("开始日期", "Start"),
        ("计划结束日期", "Planned end"),
        ("骨干教师", "Key teacher"),
        ("志愿顺位", "Wish rank"),
        ("距离(公里)", "Distance (km)"),
        ("理由", "Reasons"),
    ),
    "quotas": (
        ("指标", "Quota"),
        ("范围", "Scope"),
        ("基数", "Base"),
        ("要求人数", "Target"),
        ("实际人数", "Achieved"),
        ("余量", "Margin"),
        ("是否达标", "Met"),
        ("说明", "Notes"),
    ),
    "shortages": (
        ("学校代码", "School code"),
        ("学校", "School"),
        ("学科", "Subject"),
        ("缺口", "Slots"),
        ("权重", "Weight"),
        ("调入", "Arrivals"),
        ("调出", "Departures"),
        ("已补充", "Filled"),
        ("未补充", "Unfilled"),
        ("未补充原因", "Why unfilled"),
    ),
    "conflicts": (("规则", "Rule"), ("范围", "Scope"), ("说明", "Explanation")),
    "relaxation": (
        ("规则", "Rule"),
        ("范围", "Scope"),
        ("要求", "Target"),
        ("可达到", "Achievable"),
        ("需放宽", "Relax by"),
        ("说明", "Explanation"),
    ),
}
SHEETS = {
    "summary": ("概况", "Summary"),
    "moves": ("交流名单", "Moves"),
    "quotas": ("指标完成情况", "Quotas"),
    "shortages": ("学科缺口", "Shortages"),
    "conflicts": ("规则冲突", "Conflicts"),
    "relaxation": ("最小放宽", "Relaxation"),
}
KINDS = {"secondment": ("交流（任期）", "Secondment"), "transfer": ("调动", "Transfer")}
STATUS = {
    "optimal": ("已证明最优", "proven optimal"),
    "feasible": ("可行（未证明最优）", "feasible (not proven optimal)"),
    "infeasible": ("无可行方案", "infeasible"),
    "unknown": ("时限内未找到方案", "no plan found in the time limit"),
}


def write_plan_workbook(
    path: Path, instance: Instance, plan: Plan, *, language: str = "zh"
) -> None:
    """Write ``plan`` as an xlsx at ``path``: a sheet per view, frozen headers, text as text."""
    i = 0 if language == "zh" else 1
    names = {s.code: s.name for s in instance.schools}
    subjects = code_list("subjects")

    def subject(code: str | None) -> str:
        return subjects.label(code, language) if code and code in subjects else (code or "")

    def yes(value: bool) -> str:
        return ("是", "yes")[i] if value else ("否", "no")[i]

    def text(item: object) -> str:
        return getattr(item, ("zh", "en")[i])

    rows = {
        "summary": [
            (("年度", "Year")[i], plan.year),
            (("求解状态", "Status")[i], STATUS[plan.status][i]),
            (("交流人数", "Moves")[i], len(plan.moves)),
            (("最优界", "Best bound")[i], plan.best_bound),
            (("相对差距", "Relative gap")[i], plan.relative_gap),
            (("求解用时(秒)", "Wall time (s)")[i], plan.stats.wall_time_s),
            (("求解器", "Back-end")[i], plan.stats.backend),
            (("剪枝", "Pruning")[i], plan.stats.pruning),
        ]
        + [(level.name, level.value) for level in plan.objectives],
        "moves": [
            (
                m.staff_no,
                m.name,
                m.from_school,
                names.get(m.from_school, ""),
                m.to_school,
                names.get(m.to_school, ""),
                subject(m.subject) or ("校长", "Principal")[i],
                KINDS[m.kind][i],
                m.start.isoformat(),
                m.planned_end.isoformat() if m.planned_end else "",
                yes(m.is_key),
                m.wish_rank if m.wish_rank is not None else "",
                round(m.distance_km, 1),
                "；".join(text(r) for r in m.reasons),
            )
            for m in plan.moves
        ],
        "quotas": [
            (
                q.name,
                names.get(q.scope, q.scope),
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
        "conflicts": [(c.constraint, names.get(c.scope, c.scope), text(c)) for c in plan.conflicts],
        "relaxation": [
            (r.constraint, names.get(r.scope, r.scope), r.target, r.achievable, r.relax_by, text(r))
            for r in plan.relaxation
        ],
    }
    if plan.status in ("optimal", "feasible"):
        rows.pop("conflicts")
        rows.pop("relaxation")
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    for key, data in rows.items():
        sheet = workbook.add_worksheet(SHEETS[key][i])
        headers = [h[i] for h in HEADERS[key]]
        sheet.write_row(0, 0, headers, bold)
        widths = [max(6, len(h) * 2) for h in headers]
        for r, row in enumerate(data, start=1):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is None:
                    sheet.write_blank(r, c, None)
                else:
                    sheet.write_number(r, c, value)
                widths[c] = max(widths[c], min(60, len(str(value)) + 2))
        for c, width in enumerate(widths):
            sheet.set_column(c, c, width)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(1, len(data)), len(headers) - 1)
    workbook.close()
