"""Chart images (PNG) for the reports people would rather look at than read: the training
statuses by school type, the trend towards the key-teacher goals, shortages by subject,
qualification rates against the plan's targets, and the three rotation quotas by year.

Every chart names its as-of date in the title, labels its values, ends with a source line and
labels each target with its source (附件1, 附件2, 第三章 …). Matplotlib with the Agg backend (no
display needed). Chinese labels need a CJK font: it is found by its FILE — the fonts
Debian's ``fonts-noto-cjk`` installs (``scripts/system-deps`` installs it) or another known
CJK font file — and registered with ``font_manager.addfont``, so a stale font cache cannot hide
it. When no such file exists the chart falls back to English labels rather than drawing empty
boxes (the command says so).
"""

from __future__ import annotations

import datetime as dt
import glob
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from workforce.codes import code_list  # noqa: E402
from workforce.private_files import private_output  # noqa: E402
from workforce.reports.messages import enum_label  # noqa: E402
from workforce.reports.result import Report  # noqa: E402
from workforce.reports.scope import ReportError  # noqa: E402

CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
"""CJK font files looked for, in order: Debian's fonts-noto-cjk first."""
CJK_FONT_GLOBS = ("/usr/share/fonts/**/NotoSansCJK*.tt[cf]", "/usr/share/fonts/**/NotoSansSC*.[ot]tf")
CJK_PROBE = "继续教育学时完成率骨干教师交流轮岗"
"""Characters a font file must draw to be taken (checked in the file itself)."""
MAX_BARS = 40
COLOURS = {
    "done": "#548235",
    "on_track": "#A9D18E",
    "at_risk": "#FFD966",
    "behind": "#F4B183",
    "cannot_finish": "#C00000",
}


def _draws_chinese(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
    except (OSError, RuntimeError):
        return False
    return all(font.get_char_index(ord(c)) for c in CJK_PROBE)


@lru_cache
def cjk_font_file() -> str | None:
    """The first CJK font file present that draws Chinese, registered with matplotlib."""
    found = [p for p in CJK_FONT_FILES if Path(p).is_file()]
    for pattern in CJK_FONT_GLOBS:
        found += sorted(glob.glob(pattern, recursive=True))
    for path in found:
        if _draws_chinese(path):
            font_manager.fontManager.addfont(path)
            return path
    return None


@lru_cache
def cjk_font() -> str | None:
    """The family name of the registered CJK font file, or None."""
    path = cjk_font_file()
    return font_manager.FontProperties(fname=path).get_name() if path else None


def chart_language(requested: str) -> str:
    """``requested`` when it can be drawn; English when Chinese is asked but no font has it."""
    return "zh" if requested == "zh" and cjk_font() else "en"


def _figure(language: str, height: float = 6.0, width: float = 10.0) -> Figure:
    if language == "zh":
        plt.rcParams["font.sans-serif"] = [cjk_font(), "DejaVu Sans"]
    else:
        plt.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["axes.unicode_minus"] = False
    return plt.figure(figsize=(width, height), dpi=110)


def _t(language: str, zh: str, en: str) -> str:
    return zh if language == "zh" else en


def _title(report: Report, language: str, zh: str, en: str) -> str:
    """A chart title with the as-of date."""
    day = report.as_of.isoformat()
    return _t(language, f"{zh}（统计日期 {day}）", f"{en} (as of {day})")


def _source_line(fig: Figure, report: Report, language: str, zh: str, en: str) -> None:
    """The source line at the foot of a chart."""
    fig.text(
        0.01,
        0.005,
        _t(language, f"数据来源：教师信息库，{report.as_of.isoformat()}；{zh}",
           f"Source: the teacher registry, {report.as_of.isoformat()}; {en}"),
        fontsize=7,
        color="#555555",
        va="bottom",
    )  # fmt: skip


CHAPTERS = "一二三四五六七八九十"


def short_source(source: str, language: str = "zh") -> str:
    """The part of the plan a figure comes from, for a label: 附件1, 附件2, 第一章 … (in English:
    annex 1, ch.1 …)."""
    found = list(dict.fromkeys(re.findall(r"附件\d|第[一二三四五六七八九十]+章", source)))
    if language == "zh":
        return "、".join(found) or source[:12]
    english = [
        f"annex {part[2:]}" if part.startswith("附件") else f"ch.{CHAPTERS.index(part[1]) + 1}"
        for part in found
        if part.startswith("附件") or len(part) == 3
    ]
    return ", ".join(english) or "the plan"


def _finish(fig: Figure) -> Figure:
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def training_chart(report: Report, language: str) -> Figure:
    """The share of teachers in each status, per school type (ownership and level): the
    headline's 中小学 first, kindergarten and private schools apart; value labels in %."""
    rows = [r for r in report.view("training.school_types").rows if r["teachers"]]
    statuses = list(COLOURS)
    levels, owners = code_list("school_levels"), code_list("ownership")
    labels = [
        _t(
            language,
            f"{enum_label('scope_group', r['scope_group'], 'zh').split('（')[0]}·"
            f"{owners.label(r['ownership'], 'zh')}{levels.label(r['level'], 'zh')}"
            f"（{r['teachers']}人）",
            f"{owners.label(r['ownership'], 'en')} {levels.label(r['level'], 'en').lower()} "
            f"({r['teachers']})",
        )
        for r in rows
    ]
    fig = _figure(language, height=max(3.5, 0.5 * len(rows) + 2.0))
    ax = fig.add_subplot()
    left = [0.0] * len(rows)
    for status in statuses:
        shares = [100 * r[status] / r["teachers"] for r in rows]
        bars = ax.barh(labels, shares, left=left, color=COLOURS[status],
                       label=enum_label("training_status", status, language))  # fmt: skip
        ax.bar_label(
            bars, labels=[f"{v:.0f}%" if v >= 4 else "" for v in shares],
            label_type="center", fontsize=8,
        )  # fmt: skip
        left = [a + b for a, b in zip(left, shares, strict=True)]
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(_t(language, "占该类学校教师（%）", "Share of the teachers (%)"))
    ax.set_title(
        _title(report, language, f"继续教育学时完成情况（周期 {report.parameters['cycle']}）",
               f"Training status by school type, cycle {report.parameters['cycle']}")
    )  # fmt: skip
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=5, fontsize=8)
    _source_line(fig, report, language, "每周期360学时（中小学教师；教师〔2011〕1号）",
                 "360 hours a cycle (primary and secondary teachers)")  # fmt: skip
    return _finish(fig)


def talent_chart(report: Report, language: str) -> Figure:
    """Counts of the first goal (区级骨干教师) at each year end and on the as-of date, with the
    target (labelled with its source), the count on the due date and the projection. One
    county's report has no target (the goals are the district's): no target line, no verdict
    on the due-date point, and the title names the counts only."""
    goal = report.view("talent.goals").rows[0]
    by_year = report.view("talent.by_year")
    key = by_year.columns[1].key
    label = by_year.columns[1].header(language)
    days = [dt.date.fromisoformat(r["date"]) for r in by_year.rows]
    counts = [r[key] for r in by_year.rows]
    target = goal["target"]
    fig = _figure(language, height=5.0)
    ax = fig.add_subplot()
    ax.plot(days, counts, marker="o", color="#4472C4", label=label)
    for day, count in zip(days, counts, strict=True):
        ax.annotate(str(count), (day, count), textcoords="offset points", xytext=(0, 6),
                    ha="center", fontsize=8)  # fmt: skip
    end = dt.date(goal["target_year"], 12, 31)
    source = short_source(goal["source"], language)
    if target is not None:
        ax.axhline(
            target,
            color="#C00000",
            linestyle="--",
            label=_t(language, f"目标 {target}（{goal['target_year']}年，{source}）",
                     f"target {target} by {goal['target_year']} ({source})"),
        )  # fmt: skip
    if goal.get("due_figure") is not None:
        if goal["verdict"] is not None:
            verdict = enum_label("verdict", goal["verdict"], language)
            due_label = _t(language, f"到期日 {end} 人数 {goal['due_figure']}（{verdict}）",
                           f"on the due date {end}: {goal['due_figure']} ({verdict})")  # fmt: skip
        else:
            due_label = _t(language, f"到期日 {end} 人数 {goal['due_figure']}",
                           f"on the due date {end}: {goal['due_figure']}")  # fmt: skip
        ax.plot([end], [goal["due_figure"]], marker="D", color="#C00000", linestyle="",
                label=due_label)  # fmt: skip
    projected = goal.get("projection_basis") == "projected"
    if projected:
        ax.plot(
            [days[-1], end],
            [counts[-1], goal["projection"]],
            linestyle=":",
            marker="x",
            color="#4472C4",
            label=_t(language, f"按现有进度预计 {goal['projection']:.0f}",
                     f"projection {goal['projection']:.0f}"),
        )  # fmt: skip
    if target is not None:
        ax.set_ylim(0, max(target, *counts) * 1.15)
        title = (f"{label}：逐年末人数与{goal['target_year']}年目标",
                 f"{label}: year-end counts and the {goal['target_year']} target")
    else:
        highest = max(*counts, goal.get("due_figure") or 0,
                      goal["projection"] if projected else 0)  # fmt: skip
        ax.set_ylim(0, max(highest, 1) * 1.15)
        title = (f"{label}：逐年末人数（目标为全区目标，不分县（区））",
                 f"{label}: year-end counts (the target is the district's, not a county's)")
    ax.set_title(_title(report, language, *title))
    ax.legend(loc="upper left", fontsize=8)
    _source_line(fig, report, language, goal["source"], "the district plan, ch.3 §3 (2)")
    return _finish(fig)


def staffing_chart(report: Report, language: str) -> Figure:
    """District shortage and surplus (FTE) by subject, focus subjects first, value labels."""
    rows = report.view("staffing.subject_totals").rows
    fig = _figure(language, height=max(4.0, 0.35 * len(rows) + 2.0))
    ax = fig.add_subplot()
    labels = [subject_label(r["subject"], language) + (" *" if r["focus"] else "") for r in rows]
    short = ax.barh(labels, [r["shortage"] for r in rows], color="#C00000",
                    label=_t(language, "缺编", "shortage"))  # fmt: skip
    spare = ax.barh(labels, [-r["surplus"] for r in rows], color="#70AD47",
                    label=_t(language, "超编", "surplus"))  # fmt: skip
    ax.bar_label(short, labels=[f"{r['shortage']:.1f}" if r["shortage"] else "" for r in rows],
                 fontsize=7, padding=2)  # fmt: skip
    ax.bar_label(spare, labels=[f"{r['surplus']:.1f}" if r["surplus"] else "" for r in rows],
                 fontsize=7, padding=2)  # fmt: skip
    ax.axvline(0, color="black", linewidth=0.8)
    ax.invert_yaxis()
    ax.set_xlabel(_t(language, "专任教师数（折合人数；* 为重点学科，附件2（二.3））",
                     "Full-time teachers (FTE; * focus subject, annex 2 (2.3))"))  # fmt: skip
    ax.set_title(_title(report, language, "各学科缺编与超编（全区合计）",
                        "Shortage and surplus by subject"))  # fmt: skip
    ax.legend(loc="lower right")
    _source_line(fig, report, language, "编制标准见 data/norms（中央编办等2014年通知）",
                 "norms: data/norms (2014 staffing standard)")  # fmt: skip
    return _finish(fig)


def qualifications_chart(report: Report, language: str) -> Figure:
    """Each indicator's rate now against every target the plan gives, each target marked and
    labelled with its source (附件1, 附件2)."""
    rows = report.view("qualifications.indicators").rows
    targets = report.view("qualifications.targets").rows
    fig = _figure(language, height=5.5, width=11.0)
    ax = fig.add_subplot()
    labels = [r["indicator"][language] for r in rows]
    bars = ax.barh(labels, [100 * (r["rate"] or 0) for r in rows], color="#4472C4",
                   label=_t(language, "当前", "now"))  # fmt: skip
    ax.bar_label(bars, labels=[f"{100 * r['rate']:.1f}%" if r["rate"] is not None else "—"
                               for r in rows], fontsize=8, label_type="center", color="white")  # fmt: skip
    marked = 0
    for i, row in enumerate(rows):
        for target in targets:
            if target["indicator"] == row["indicator"] and target["figure_kind"] == "target":
                x = 100 * target["figure"]
                ax.plot(x, i, marker="|", markersize=18, color="#C00000",
                        label=_t(language, "规划目标", "plan target") if not marked else None)  # fmt: skip
                ax.annotate(_t(language, f"{x:.0f}%（{short_source(target['source'])}）",
                                           f"{x:.0f}% ({short_source(target['source'], 'en')})"),
                            (x, i),
                            textcoords="offset points", xytext=(3, 8), fontsize=7,
                            color="#C00000")  # fmt: skip
                marked += 1
    ax.invert_yaxis()
    ax.set_xlim(0, 115)
    ax.set_xlabel(_t(language, "比例（%）", "Rate (%)"))
    ax.set_title(_title(report, language, "教师学历与持证指标", "Qualification indicators"))
    ax.legend(loc="lower right", fontsize=8)
    _source_line(fig, report, language, "目标：《源城区教育发展“十四五”规划》附件1、附件2",
                 "targets: the district plan, annexes 1 and 2")  # fmt: skip
    return _finish(fig)


def rotation_chart(report: Report, language: str) -> Figure:
    """The three quotas year by year — district share (5%), key-teacher share (20%), urban and
    quality schools meeting their 10% — and the schools that failed in the last assessed
    year."""
    rows = report.view("rotation.years").rows
    schools = report.view("rotation.schools").rows
    years = [str(r["year"]) for r in rows]
    fig = _figure(language, height=8.0, width=11.0)
    share_ax, key_ax, school_ax = fig.subplots(3, 1)

    def share_panel(ax, key: str, met_key: str, target_key: str, zh: str, en: str,  # type: ignore[no-untyped-def]
                    source: str) -> None:  # fmt: skip
        values = [100 * (r[key] or 0) for r in rows]
        colours = ["#C00000" if r[met_key] is False else "#4472C4" for r in rows]
        bars = ax.bar(years, values, color=colours)
        ax.bar_label(bars, labels=[f"{v:.1f}%" for v in values], fontsize=7)
        targets = [100 * r[target_key] if r[target_key] is not None else None for r in rows]
        ax.plot(years, targets, color="#C00000", marker="_", markersize=24, linestyle="",
                label=_t(language, f"目标（{source}）", f"target ({source})"))  # fmt: skip
        ax.set_title(_t(language, zh, en), fontsize=10)
        ax.legend(loc="upper left", fontsize=7)
        ax.set_ylim(0, max([*values, *(t for t in targets if t is not None), 1]) * 1.3)

    share_panel(share_ax, "moved_share", "district_met", "district_target", "全区交流人数占在编教师（%）",
                "District: moved ÷ established (%)",
                _t(language, "第三章第三节 5%", "plan ch.3 §3: 5%"))  # fmt: skip
    share_panel(key_ax, "key_share", "key_met", "key_target", "骨干教师占交流人数（%）",
                "Key teachers among those moved (%)",
                _t(language, "第三章第三节 20%", "plan ch.3 §3: 20%"))  # fmt: skip
    met = [r["scope_schools_met"] or 0 for r in rows]
    failed = [r["scope_schools"] - (r["scope_schools_met"] or 0)
              if r["scope_schools_met"] is not None else 0 for r in rows]  # fmt: skip
    ok = school_ax.bar(years, met, color="#548235", label=_t(language, "达标", "met"))
    bad = school_ax.bar(years, failed, bottom=met, color="#C00000",
                        label=_t(language, "未达标", "not met"))  # fmt: skip
    school_ax.bar_label(ok, labels=[str(v) if v else "" for v in met], label_type="center",
                        fontsize=7, color="white")  # fmt: skip
    school_ax.bar_label(bad, labels=[str(v) if v else "" for v in failed], label_type="center",
                        fontsize=7, color="white")  # fmt: skip
    school_ax.set_title(_t(language, "城区、优质学校交流 ≥ 符合条件教师10%（第三章第三节）的学校数",
                           "Urban or quality schools moving ≥ 10% of the eligible"),
                        fontsize=10)  # fmt: skip
    school_ax.legend(loc="upper left", fontsize=7)
    assessed = [r for r in rows if r["year_status"] == "assessed"]
    if assessed:
        last = assessed[-1]["year"]
        names = [s["school_name"] for s in schools if s["year"] == last and s["meets"] is False]
        shown = "、".join(names[:12]) + ("等" if len(names) > 12 else "")
        school_ax.text(
            1.0, -0.35,
            _t(language, f"{last}年未达标学校（{len(names)}所）：{shown or '无'}",
               f"{last}: {len(names)} schools not meeting it"),
            transform=school_ax.transAxes, ha="right", va="top", fontsize=7, wrap=True,
        )  # fmt: skip
    fig.suptitle(_title(report, language, "教师交流轮岗三项指标（逐年）",
                        "Rotation quotas, by year"))  # fmt: skip
    _source_line(fig, report, language,
                 "《源城区教育发展“十四五”规划》第三章第三节；基数口径见报表“口径与依据”",
                 "the district plan ch.3 §3; bases: see the notes sheet")  # fmt: skip
    fig.tight_layout(rect=(0, 0.05, 1, 0.97))
    return fig


CHARTS: dict[str, Callable[[Report, str], Figure]] = {
    "rotation": rotation_chart,
    "training": training_chart,
    "talent": talent_chart,
    "staffing": staffing_chart,
    "qualifications": qualifications_chart,
}


def save_chart(report: Report, path: Path, language: str = "zh") -> str:
    """Draw the report's chart to ``path`` (PNG; whole or not at all, owner-only:
    `private_files`); returns the language actually used."""
    if path.suffix.lower() != ".png":
        raise ReportError.of("bad_chart", path=str(path))
    drawn = chart_language(language)
    fig = CHARTS[report.name](report, drawn)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with private_output(path) as partial:
            fig.savefig(partial, format="png")
    finally:
        plt.close(fig)
    return drawn


def subject_label(code: str, language: str) -> str:
    subjects = code_list("subjects")
    return subjects.label(code, language) if code in subjects else code
