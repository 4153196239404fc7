"""Chart images (PNG) for the reports people would rather look at than read: completion by
school, the trend towards the key-teacher goals, shortages by subject, rotation by year.

Matplotlib with the Agg backend (no display needed). Chinese labels need a CJK font; when the
machine has none (``fc-list :lang=zh`` is empty; Debian's ``fonts-noto-cjk`` provides one) the
chart falls back to English labels rather than drawing empty boxes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from workforce.codes import code_list  # noqa: E402
from workforce.reports.result import Report  # noqa: E402
from workforce.reports.scope import ReportError  # noqa: E402

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
MAX_BARS = 40


@lru_cache
def cjk_font() -> str | None:
    """The name of an installed font that can draw Chinese, or None."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def chart_language(requested: str) -> str:
    """``requested`` when it can be drawn; English when Chinese is asked but no font has it."""
    return "zh" if requested == "zh" and cjk_font() else "en"


def _figure(language: str, height: float = 6.0) -> Figure:
    if language == "zh":
        plt.rcParams["font.sans-serif"] = [cjk_font(), "DejaVu Sans"]
    else:
        plt.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    return plt.figure(figsize=(10, height), dpi=110)


def _t(language: str, zh: str, en: str) -> str:
    return zh if language == "zh" else en


def training_chart(report: Report, language: str) -> Figure:
    """Completion rate by school, lowest first (at most MAX_BARS schools), district line."""
    rows = [r for r in report.view("training.schools").rows if r["teachers"]]
    rows = sorted(rows, key=lambda r: (r["completion_rate"], r["school_code"]))[:MAX_BARS]
    (district,) = report.view("training.district").rows
    fig = _figure(language, height=max(4.0, 0.28 * len(rows) + 1.5))
    ax = fig.add_subplot()
    labels = [r["school_name"] if language == "zh" else r["school_code"] for r in rows]
    ax.barh(labels, [100 * r["completion_rate"] for r in rows], color="#4472C4")
    if district["completion_rate"] is not None:
        ax.axvline(
            100 * district["completion_rate"],
            color="#C00000",
            linestyle="--",
            label=_t(language, "全区", "District"),
        )
        ax.legend(loc="lower right")
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(_t(language, "学时完成率（%）", "Completion rate (%)"))
    ax.set_title(
        _t(
            language,
            f"继续教育学时完成率（周期 {report.parameters['cycle']}，最低的学校）",
            f"Training completion, cycle {report.parameters['cycle']} (lowest schools)",
        )
    )
    fig.tight_layout()
    return fig


def talent_chart(report: Report, language: str) -> Figure:
    """Year-end counts of the first goal (700 key teachers) with its target and projection."""
    goal = report.view("talent.goals").rows[0]
    by_year = report.view("talent.by_year")
    key = by_year.columns[1].key
    label = by_year.columns[1].header(language)
    days = [dt.date.fromisoformat(r["date"]) for r in by_year.rows]
    counts = [r[key] for r in by_year.rows]
    fig = _figure(language, height=5.0)
    ax = fig.add_subplot()
    ax.plot(days, counts, marker="o", color="#4472C4", label=label)
    end = dt.date(goal["target_year"], 12, 31)
    ax.axhline(
        goal["target"],
        color="#C00000",
        linestyle="--",
        label=_t(language, f"目标 {goal['target']}", f"target {goal['target']}"),
    )
    if goal["projection_basis"] == "projected":
        ax.plot(
            [days[-1], end],
            [counts[-1], goal["projection"]],
            linestyle=":",
            marker="x",
            color="#4472C4",
            label=_t(language, "按现有进度预计", "projection"),
        )
    ax.set_ylim(0, max(goal["target"], *counts) * 1.1)
    ax.set_title(
        _t(
            language,
            f"{label}：逐年人数与{goal['target_year']}年目标",
            f"{label}: year-end counts and the {goal['target_year']} target",
        )
    )
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def staffing_chart(report: Report, language: str) -> Figure:
    """District shortage and surplus (FTE) by subject, focus subjects first."""
    rows = report.view("staffing.subject_totals").rows
    fig = _figure(language, height=max(4.0, 0.35 * len(rows) + 1.5))
    ax = fig.add_subplot()
    labels = [subject_label(r["subject"], language) + (" *" if r["focus"] else "") for r in rows]
    ax.barh(
        labels,
        [r["shortage"] for r in rows],
        color="#C00000",
        label=_t(language, "缺编", "shortage"),
    )
    ax.barh(
        labels,
        [-r["surplus"] for r in rows],
        color="#70AD47",
        label=_t(language, "超编", "surplus"),
    )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.invert_yaxis()
    ax.set_xlabel(
        _t(language, "专任教师数（* 为重点学科）", "Full-time teachers (* focus subject)")
    )
    ax.set_title(_t(language, "各学科缺编与超编（全区合计）", "Shortage and surplus by subject"))
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def qualifications_chart(report: Report, language: str) -> Figure:
    """Each indicator's rate now against every target the plan gives."""
    rows = report.view("qualifications.indicators").rows
    targets = report.view("qualifications.targets").rows
    fig = _figure(language, height=5.0)
    ax = fig.add_subplot()
    labels = [r["indicator"][language] for r in rows]
    ax.barh(
        labels,
        [100 * (r["rate"] or 0) for r in rows],
        color="#4472C4",
        label=_t(language, "当前", "now"),
    )
    for i, row in enumerate(rows):
        for target in targets:
            if target["indicator"] == row["indicator"] and target["figure_kind"] == "target":
                ax.plot(100 * target["figure"], i, marker="|", markersize=18, color="#C00000")
    ax.invert_yaxis()
    ax.set_xlim(0, 105)
    ax.set_xlabel(_t(language, "比例（%），红线为规划目标", "Rate (%); red marks: plan targets"))
    ax.set_title(_t(language, "教师学历与持证指标", "Qualification indicators"))
    fig.tight_layout()
    return fig


def rotation_chart(report: Report, language: str) -> Figure:
    """Share of 在编 teachers moved each year against the district target."""
    rows = report.view("rotation.years").rows
    fig = _figure(language, height=4.5)
    ax = fig.add_subplot()
    years = [str(r["year"]) for r in rows]
    ax.bar(
        years,
        [100 * (r["moved_share"] or 0) for r in rows],
        color="#4472C4",
        label=_t(language, "交流比例", "share moved"),
    )
    ax.plot(
        years,
        [100 * r["district_target"] if r["district_target"] is not None else None for r in rows],
        color="#C00000",
        marker="_",
        markersize=30,
        linestyle="",
        label=_t(language, "目标", "target"),
    )
    ax.set_ylabel(_t(language, "占在编教师（%）", "% of established teachers"))
    ax.set_title(_t(language, "教师交流轮岗比例（逐年）", "Teachers rotated, by year"))
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


CHARTS: dict[str, Callable[[Report, str], Figure]] = {
    "rotation": rotation_chart,
    "training": training_chart,
    "talent": talent_chart,
    "staffing": staffing_chart,
    "qualifications": qualifications_chart,
}


def save_chart(report: Report, path: Path, language: str = "zh") -> str:
    """Draw the report's chart to ``path`` (PNG); returns the language actually used."""
    if path.suffix.lower() != ".png":
        raise ReportError.of("bad_chart", path=str(path))
    drawn = chart_language(language)
    fig = CHARTS[report.name](report, drawn)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return drawn


def subject_label(code: str, language: str) -> str:
    subjects = code_list("subjects")
    return subjects.label(code, language) if code in subjects else code
