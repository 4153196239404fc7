"""``workforce whatif candidates|destinations``: planning ahead on the year's plan (issue #14).

``candidates --school CODE --subject pe --year 2026 -k 5``: the best teachers to fill a vacancy,
each with what the move does to the plan; ``destinations --teacher STAFFNO --year 2026``: where
a teacher could go. The base is the year's newest current plan (or a plan solved now and not
kept); nothing in the registry changes. Output in Chinese (``--lang en`` for English); bad input
(an unknown school, teacher or plan) is named, with exit code 2.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from workforce.cli.app import app, fail, require_registry, time_limit_given

if TYPE_CHECKING:  # each command imports what it needs when it runs: `workforce --help` is fast
    from optimizer.whatif import WhatIf

whatif_app = typer.Typer(
    help="预先研判：空缺岗位的候选教师、教师可去的学校 / Planning ahead: candidates and "
    "destinations.", no_args_is_help=True)
app.add_typer(whatif_app, name="whatif")

Language = Annotated[Literal["zh", "en"], typer.Option("--lang", help="zh 或 en")]
Year = Annotated[int, typer.Option("--year", min=2000, max=2100, help="交流年度 / rotation year")]
"""The same years as the web's and the API's (2000–2100): a typo such as 2206 is refused, not
solved into an infeasible draft with every teacher retired."""
K = Annotated[int, typer.Option("-k", "--top", help="列出前几名 / how many answers")]
TimeLimit = Annotated[float | None, typer.Option(
    "--time-limit", help="每次重新求解的时限（秒）/ seconds per re-solve",
    callback=time_limit_given)]
PlanId = Annotated[int | None, typer.Option(
    "--plan", help="方案编号；默认该年度最新方案 / plan id")]
From = Annotated[str | None, typer.Option("--from", help="起始日期；默认学年开始 / from date")]

LEVELS = {
    "rural_shortage_filled": ("农村学校缺口补充（加权）", "rural shortage filled (weighted)"),
    "preference": ("意愿得分", "preference points"),
    "distance": ("交流总距离（公里）", "total distance (km)"),
}
TEXT = {
    "candidates": ("{school} {subject}岗位的候选教师（自{as_of}起）",
                   "candidates for {subject} at {school} (from {as_of})"),
    "destinations": ("{teacher}可去的学校（自{as_of}起）",
                     "where {teacher} could go (from {as_of})"),
    "base": ("比较基准：方案 #{plan}（{status}）", "compared with plan #{plan} ({status})"),
    "base_fresh": ("比较基准：按登记数据即时求解的方案（{status}，未保存）",
                   "compared with a plan solved now from the registry ({status}, not kept)"),
    "counts": ("符合规则 {screened} 个，重新求解 {checked} 个，用时 {seconds:.2f} 秒（{scope}）",
               "{screened} pass the rules, {checked} re-solved, {seconds:.2f} s ({scope})"),
    "full": ("全局重新求解", "whole plan re-solved"),
    "local": ("只重排相关学校，其余保持原方案", "only the schools the move touches re-planned"),
    "none": ("没有符合条件的结果", "no answer"),
    "proven": ("已证明最优", "proven optimal"),
    "not_proven": ("时限内最好结果，未证明最优", "best found in the time limit, not proven"),
    "others": ("其他教师调整 {n} 人", "{n} other teachers' moves change"),
    "in_plan": ("（原方案已有此调动）", " (already in the plan)"),
    "excluded": ("未列入的原因：", "left out, and why:"),
    "group": ("{reason}：{count} {unit}，如 {examples}", "{reason}: {count}, e.g. {examples}"),
    "quota": ("{rule}（{scope}）：{before} → {after}（目标 {target}）",
              "{rule} ({scope}): {before} → {after} (target {target})"),
    "district": ("全区", "district"),
}


def _t(key: str, language: str, **values: object) -> str:
    zh, en = TEXT[key]
    return (zh if language == "zh" else en).format(**values)


def _solver_status(code: str, language: str) -> str:
    """A plan's solver status in words (最优 / optimal), as the plan pages show it."""
    from texts import text

    return text(f"ui.solver_{code}", language)


def _from_date(value: str | None, language: str) -> dt.date | None:
    from workforce.dates import DateError, parse_date

    if value is None:
        return None
    try:
        return parse_date(value)
    except DateError:
        raise fail(f"--from 不是有效日期：“{value}”", f"--from is not a date: {value!r}",
                   language) from None


def _level_line(answer_levels, language: str) -> str:
    parts = []
    for level in answer_levels:
        zh, en = LEVELS.get(level.name, (level.name, level.name))
        change = level.change or 0.0
        if level.name == "distance":
            change = change / 10  # the level counts 0.1-km units
        parts.append(f"{zh if language == 'zh' else en} {change:+g}")
    return ("；" if language == "zh" else "; ").join(parts)


def print_answer(answer: WhatIf, plan_id: int | None, language: str) -> None:
    """The ranked answers with the change in every level and quota, then the exclusions."""
    from optimizer.constraints import CATALOGUE
    from workforce.codes import code_list

    zh = language == "zh"
    subjects = code_list("subjects")

    def subject(code: str | None) -> str:
        return "" if code is None else (subjects.label(code, language)
                                        if code in subjects else code)

    about = answer.about_zh if zh else answer.about_en
    if answer.question == "candidates":
        title = _t("candidates", language, school=about, subject=subject(answer.subject),
                   as_of=answer.as_of.isoformat())
    else:
        title = _t("destinations", language, teacher=about, as_of=answer.as_of.isoformat())
    typer.echo(title)
    status = _solver_status(answer.base_status, language)
    typer.echo("  " + (_t("base", language, plan=plan_id, status=status) if plan_id is not None
                       else _t("base_fresh", language, status=status)))
    typer.echo("  " + _t("counts", language, screened=answer.screened, checked=answer.checked,
                         seconds=answer.elapsed_s, scope=_t(answer.scope, language)))
    if not answer.options:
        typer.echo("  " + _t("none", language))
    for rank, o in enumerate(answer.options, start=1):
        proven = all(level.proven_optimal for level in o.levels)
        teacher = o.teacher if zh else f"{o.name} (staff no. {o.staff_no})"
        typer.echo(f"{rank:2d}. {teacher}  "
                   f"{o.from_school_label if zh else o.from_school_label_en} → "
                   f"{o.to_school_label if zh else o.to_school_label_en}  "
                   f"{subject(o.subject)}  {o.distance_km:g}{'公里' if zh else ' km'}"
                   f"{_t('in_plan', language) if o.in_base_plan else ''}")
        typer.echo(f"    {_level_line(o.levels, language)}"
                   f"（{_t('proven' if proven else 'not_proven', language)}）" if zh else
                   f"    {_level_line(o.levels, language)} "
                   f"({_t('proven' if proven else 'not_proven', language)})")
        for q in o.quotas:
            info = CATALOGUE.get(q.name)
            rule = q.name if info is None else (info.zh if zh else info.en)
            scope = _t("district", language) if q.scope == "district" else q.scope
            typer.echo("    " + _t("quota", language, rule=rule, scope=scope,
                                   before=q.before, after=q.after, target=q.target))
        typer.echo("    " + _t("others", language, n=o.other_moves_changed))
    if answer.excluded:
        typer.echo(_t("excluded", language))
    for group in answer.excluded:
        examples = ("、" if zh else "; ").join(e.zh if zh else e.en for e in group.examples)
        typer.echo("  " + _t("group", language, reason=group.zh if zh else group.en,
                             count=group.count, examples=examples,
                             unit="人" if answer.question == "candidates" else "所"))


def _run(language: str, plan_id: int | None, **question: object) -> None:
    from optimizer.whatif import WhatIfError
    from workforce.db import session_scope
    from workforce.plans.whatif import ask

    require_registry(language)
    try:
        with session_scope() as session:
            registry_id, answer = ask(
                session, plan_id=plan_id, **question)  # type: ignore[arg-type]
    except WhatIfError as exc:
        raise fail(exc.zh, exc.en, language) from None
    print_answer(answer, registry_id, language)


@whatif_app.command("candidates")
def candidates_command(
    school: Annotated[str, typer.Option("--school", help="学校代码 / school code")],
    subject: Annotated[str, typer.Option("--subject", help="学科名称或代码，如 体育 / pe / subject")],
    year: Year,
    k: K = 5,
    time_limit: TimeLimit = None,
    plan: PlanId = None,
    from_: From = None,
    language: Language = "zh",
) -> None:
    """空缺岗位的最佳候选教师及其影响 / The best teachers to fill a vacancy, and the effect."""
    from workforce.codes import code_list

    subjects = code_list("subjects")
    code = subjects.parse(subject)  # the code, or the name as the reports print it (体育)
    if code is None:
        known = "、".join(subjects.label(c, language) for c in subjects.code_values)
        raise fail(f"--subject：未知学科“{subject}”；可用：{known}",
                   f"--subject: unknown subject {subject!r}; known: {known}", language)
    subject = code
    _run(language, plan, question="candidates", year=year, school=school, subject=subject, k=k,
         time_limit_s=time_limit, from_date=_from_date(from_, language))


@whatif_app.command("destinations")
def destinations_command(
    teacher: Annotated[str, typer.Option("--teacher", help="工号 / staff number")],
    year: Year,
    k: K = 5,
    time_limit: TimeLimit = None,
    plan: PlanId = None,
    from_: From = None,
    language: Language = "zh",
) -> None:
    """教师可去的学校及其影响 / Where a teacher could go, and the effect."""
    _run(language, plan, question="destinations", year=year, staff_no=teacher, k=k,
         time_limit_s=time_limit, from_date=_from_date(from_, language))


POLICY_TEXT = {
    "policy": ("政策模拟：{year}年度", "policy simulation: {year}"),
    "change": ("  调整：{what}（{key}）{before} → {after}；依据：{source}",
               "  change: {what} ({key}) {before} → {after}; source: {source}"),
    "sides": ("  {name}：当前 {before}，模拟 {after}（{change}）",
              "  {name}: current {before}, simulated {after} ({change})"),
    "moves": ("交流人数", "moves"),
    "moves_diff": ("  新增 {added} 人，取消 {removed} 人，去向改变 {changed} 人，不变 {same} 人",
                   "  {added} added, {removed} dropped, {changed} redirected, {same} unchanged"),
    "quotas": ("指标（要求/完成）：", "quotas (required / achieved):"),
    "quota": ("  {rule}（{scope}）：当前 {ta}/{aa}，模拟 {tb}/{ab}",
              "  {rule} ({scope}): current {ta}/{aa}, simulated {tb}/{ab}"),
    "subjects": ("农村缺口补充（按学科）：", "rural shortage filled, by subject:"),
    "subject": ("  {subject}：缺口 {slots}，当前补充 {before}，模拟补充 {after}",
                "  {subject}: {slots} slots, current {before} filled, simulated {after}"),
    "schools": ("农村缺口补充有变化的学校：", "schools whose rural shortage fill changes:"),
    "school": ("  {school} {subject}：当前 {before}，模拟 {after}",
               "  {school} {subject}: current {before}, simulated {after}"),
    "infeasible": ("模拟规则下没有满足全部规则的方案，冲突与最小放宽：",
                   "no plan keeps every rule under the changes; conflicts and the smallest "
                   "relaxation:"),
    "status_line": ("  求解状态：当前 {before}，模拟 {after}",
                    "  status: current {before}, simulated {after}"),
    "marginal": ("边际值（{level}，线性松弛最优值 {value:g}）：最紧的规则",
                 "marginal values ({level}, LP optimum {value:g}): what binds most"),
    "entry": ("{rank:2d}. {text}\n    {rule}（依据：{source}）\n    对偶值 {dual:g}{unit}/单位，"
              "{check}", "{rank:2d}. {text}\n    {rule} (source: {source})\n    dual {dual:g} "
              "{unit} per unit, {check}"),
    "check_ok": ("重新求解验证：一致", "checked by a re-solve: holds for the whole step"),
    "check_diff": ("重新求解验证：实际变化 {change:g}（对偶值只在更小的变化内成立）",
                   "checked by a re-solve: the real change is {change:g} (the dual holds only "
                   "for smaller changes)"),
    "check_none": ("重新求解验证：线性松弛无解", "checked by a re-solve: the LP has no solution"),
    "unchecked": ("未重新求解验证", "not checked"),
    "counts": ("考虑规则约束 {rows} 条，起作用 {binding} 条，验证 {checked} 条",
               "{rows} rule rows considered, {binding} binding, {checked} checked"),
}
UNITS = {"weighted slots": ("（加权）", " weighted slots"), "points": ("分", " points"),
         "km": ("公里", " km")}


County = Annotated[str | None, typer.Option(
    "--county", help="县（区）；信息库有多个且未指定方案时必填 / county")]  # fmt: skip


def _p(message: str, language: str, **values: object) -> str:
    zh, en = POLICY_TEXT[message]
    return (zh if language == "zh" else en).format(**values)


@whatif_app.command("policy")
def policy_command(
    year: Year,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help="规则调整 键=值，如 quotas.school_share=0.15 / rule change key=value")] = None,
    posts: Annotated[list[str] | None, typer.Option(
        "--posts", help="编制调整 学校代码=增加数，如 S1=+2 / posts added at a school")] = None,
    time_limit: TimeLimit = None,
    plan: PlanId = None,
    county: County = None,
    language: Language = "zh",
) -> None:
    """政策模拟：按调整后的规则重新求解并与当前方案对比 / Re-solve under changed rules."""
    from optimizer.whatif import WhatIfError
    from workforce.db import session_scope
    from workforce.plans.policy import simulate_policy

    require_registry(language)
    try:
        with session_scope() as session:
            answer = simulate_policy(session, year=year, rules=set_ or [], posts=posts or [],
                                     plan_id=plan, county=county, time_limit_s=time_limit)
    except WhatIfError as exc:
        raise fail(exc.zh, exc.en, language) from None
    print_policy(answer, language)


def print_policy(answer, language: str) -> None:
    """The changes, then current and simulated side by side: status, moves, levels, quotas,
    shortages by subject and by school."""
    from optimizer.constraints import CATALOGUE
    from workforce.codes import code_list

    zh = language == "zh"
    sim, c = answer.simulation, answer.comparison
    subjects = code_list("subjects")
    schools = answer.school_names

    def subject(code: str) -> str:
        return subjects.label(code, language) if code in subjects else code

    typer.echo(_p("policy", language, year=sim.year))
    status = _solver_status(sim.base_status, language)
    typer.echo("  " + (_t("base", language, plan=answer.base_plan_id, status=status)
                       if answer.base_plan_id is not None else
                       _t("base_fresh", language, status=status)))
    for ch in sim.changes:
        typer.echo(_p("change", language, what=ch.zh if zh else ch.en,
                      key=ch.school or ch.key, before=ch.before, after=ch.after,
                      source=ch.source or "—"))
    typer.echo(_p("status_line", language, before=c.a.status, after=c.b.status))
    typer.echo(_p("sides", language, name=_p("moves", language), before=c.a.moves,
                  after=c.b.moves, change=f"{c.b.moves - c.a.moves:+d}"))
    typer.echo(_p("moves_diff", language, added=len(c.only_in_b), removed=len(c.only_in_a),
                  changed=len(c.changed), same=c.same))
    for level in sim.levels:
        name = LEVELS.get(level.name, (level.name, level.name))[0 if zh else 1]
        typer.echo(_p("sides", language, name=name, before=_n(level.before),
                      after=_n(level.after),
                      change="—" if level.change is None else f"{level.change:+g}"))
    typer.echo(_p("quotas", language))
    for q in c.quotas:
        info = CATALOGUE.get(q.name)
        rule = q.name if info is None else (info.zh if zh else info.en)
        scope = _t("district", language) if q.scope == "district" else schools.get(
            q.scope, q.scope)
        typer.echo(_p("quota", language, rule=rule, scope=scope, ta=_n(q.target_a),
                      aa=_n(q.achieved_a), tb=_n(q.target_b), ab=_n(q.achieved_b)))
    typer.echo(_p("subjects", language))
    for s in sim.subjects:
        typer.echo(_p("subject", language, subject=subject(s.subject), slots=s.slots,
                      before=s.filled_before, after=s.filled_after))
    changed = [s for s in c.shortages if s.filled_a != s.filled_b]
    if changed:
        typer.echo(_p("schools", language))
    for s in changed:
        typer.echo(_p("school", language, school=schools.get(s.school, s.school), subject=subject(s.subject),
                      before=_n(s.filled_a), after=_n(s.filled_b)))
    if sim.plan.conflicts or sim.plan.relaxation:
        typer.echo(_p("infeasible", language))
    for item in [*sim.plan.conflicts, *sim.plan.relaxation]:
        typer.echo("  " + (item.zh if zh else item.en))


def _n(value: object) -> object:
    """A figure, or '—' where the plan has none (no plan under the changed rules)."""
    return "—" if value is None else value


@whatif_app.command("marginal")
def marginal_command(
    year: Year,
    level: Annotated[Literal["rural_shortage_filled", "preference", "distance"], typer.Option(
        "--level", help="目标层级 / objective level")] = "rural_shortage_filled",
    top: K = 10,
    plan: PlanId = None,
    county: County = None,
    language: Language = "zh",
) -> None:
    """边际值：哪些规则最限制方案（线性松弛对偶值）/ What binds the plan most (LP duals)."""
    from optimizer.whatif import WhatIfError
    from workforce.db import session_scope
    from workforce.plans.policy import marginal

    require_registry(language)
    try:
        with session_scope() as session:
            answer = marginal(session, year=year, level=level, top=top, plan_id=plan,
                              county=county)  # fmt: skip
    except WhatIfError as exc:
        raise fail(exc.zh, exc.en, language) from None
    values = answer.marginal
    zh = language == "zh"
    typer.echo(_p("marginal", language, level=values.level_zh if zh else values.level_en,
                  value=values.lp_value))
    typer.echo("  " + _p("counts", language, rows=values.rows, binding=values.binding,
                         checked=values.checked))
    for e in values.entries:
        if e.checked_feasible is None:
            check = _p("unchecked", language)
        elif not e.checked_feasible:
            check = _p("check_none", language)
        else:
            check = _p("check_ok" if e.holds else "check_diff", language,
                       change=e.checked_change)
        typer.echo(_p("entry", language, rank=e.rank, text=e.zh if zh else e.en,
                      rule=e.rule_zh if zh else e.rule_en, source=e.source, dual=e.dual,
                      unit=UNITS[e.unit][0 if zh else 1], check=check))
    typer.echo(values.caveat_zh if zh else values.caveat_en)
