"""``workforce roadmap --from 2026 --years 5``: the multi-year rotation roadmap (issue #14).

Per year: the moves, the quotas achieved against those required, the shortage slots left, the
secondees returning, and the cohort (eligible, newly eligible, retired); then the objective
levels, the teachers of the cohort who never rotate, and whether the first year — the plan HR
approves — passes the independent checker. Read-only. Chinese first (``--lang en``);
``--json FILE`` writes the whole roadmap. Bad input is named, with exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from workforce.cli.app import app, fail, require_registry, time_limit_given, writing

if TYPE_CHECKING:  # imported inside the command: `workforce --help` stays fast
    from optimizer.instance import Instance
    from optimizer.roadmap_types import Roadmap

TEXT = {
    "title": (
        "交流轮岗路线图 {first}–{last}（{status}）",
        "rotation roadmap {first}–{last} ({status})",
    ),
    "year": (
        "{year}年度（{kind}）：交流 {moves} 人（骨干 {key}），返回 {returns} 人；符合条件 {eligible} "
        "人（新增 {new}），已退休 {retired} 人；缺口 {slots} → 剩余 {left}",
        "{year} ({kind}): {moves} moves ({key} key), {returns} return; {eligible} eligible "
        "({new} new), {retired} retired; shortage slots {slots} → {left} left",
    ),
    "approved": ("报批方案", "plan to approve"),
    "indicative": ("预测", "indicative"),
    "quota": (
        "    {rule}（{scope}）：要求 {required}，达到 {achieved}{mark}",
        "    {rule} ({scope}): required {required}, achieved {achieved}{mark}",
    ),
    "short": ("（未达到）", " (not met)"),
    "move": (
        "    {name}（工号{staff}）{src} → {dst}  {subject}{key}，{end}返回",
        "    {name} (staff no. {staff}) {src} → {dst}  {subject}{key}, returns {end}",
    ),
    "back": (
        "    返回：{name}（工号{staff}）{host} → {home}",
        "    back: {name} (staff no. {staff}) {host} → {home}",
    ),
    "key": ("（骨干）", " (key)"),
    "earlier": ("原交流学校", "earlier host"),
    "levels": ("目标（依次优化）：", "objective levels, in order:"),
    "level": ("  {name}：{value}{proof}", "  {name}: {value}{proof}"),
    "proven": ("（已证明最优）", " (proven optimal)"),
    "bound": ("（界 {bound}）", " (bound {bound})"),
    "cohort": (
        "规划期内符合交流条件 {cohort} 人，未交流 {uncovered} 人",
        "{cohort} eligible within the horizon, {uncovered} never rotate",
    ),
    "check_ok": ("首年方案经独立复核：符合全部规则", "first year checked independently: valid"),
    "check_bad": ("首年方案复核发现问题：", "first year check found:"),
    "assume": ("假设：", "assumptions:"),
    "time": (
        "用时 {wall:.1f} 秒（CPU {cpu:.1f} 秒），{groups} 组，{variables} 个变量",
        "{wall:.1f} s ({cpu:.1f} CPU s), {groups} groups, {variables} variables",
    ),
    "district": ("全区", "district"),
    "pruned": (
        "为在时限内求解，每组教师每年每学科只保留最近的 {n} 所缺编学校（界为该模型的界）",
        "to solve in time, each group keeps the {n} nearest schools short of a subject per year "
        "(bounds are for that model)",
    ),
    "infeasible": (
        "首年的规则无法同时满足（可先用 workforce plan 查看冲突与最小放宽）",
        "the first year's rules cannot all hold (workforce plan shows the conflicts)",
    ),
    "unknown": ("时限内未得到路线图，请加长 --time-limit", "no roadmap in the time limit"),
}
LEVELS = {
    "quota_shortfall": ("以后各年指标缺额（人）", "later years' quota shortfall (people)"),
    "rural_shortage_filled": (
        "农村学校缺口补充（加权，人·年）",
        "rural shortage filled (weighted slot-years)",
    ),
    "uncovered": ("符合条件而未交流的教师（人）", "eligible teachers who never rotate"),
    "key_spread": ("骨干教师各年交流人数之差", "spread of key moves over the years"),
    "preference": ("意愿得分", "preference points"),
    "distance": ("交流总距离（公里）", "total distance (km)"),
}
STATUS = {
    "optimal": ("已证明最优", "proven optimal"),
    "feasible": ("可行，未证明最优", "feasible"),
    "infeasible": ("无解", "infeasible"),
    "unknown": ("时限内无结果", "no result in time"),
}

Language = Annotated[Literal["zh", "en"], typer.Option("--lang", help="zh 或 en")]


def _t(message: str, language: str, **values: object) -> str:
    zh, en = TEXT[message]
    return (zh if language == "zh" else en).format(**values)


@app.command("roadmap")
def roadmap_command(
    first_year: Annotated[int, typer.Option("--from", help="起始年度 / first school year")],
    years: Annotated[int, typer.Option("--years", help="规划年数 / years in the horizon")] = 5,
    county: Annotated[
        str | None, typer.Option("--county", help="县（区）；信息库有多个时必填 / county")
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="求解时限（秒）/ seconds", callback=time_limit_given)
    ] = 60.0,
    json_out: Annotated[
        Path | None,
        typer.Option("--json", help="把完整路线图写入该文件 / write the roadmap as JSON"),
    ] = None,
    moves: Annotated[
        bool, typer.Option("--moves", help="逐人列出交流与返回 / list every move and return")
    ] = False,
    language: Language = "zh",
) -> None:
    """多年度交流轮岗路线图 / A multi-year rotation roadmap."""
    from workforce.db import session_scope
    from workforce.plans.roadmap import RoadmapError, roadmap_from_registry

    require_registry(language)
    try:
        with session_scope() as session:
            instance, roadmap = roadmap_from_registry(
                session, first_year=first_year, years=years, county=county, time_limit_s=time_limit
            )
    except RoadmapError as exc:
        raise fail(exc.zh, exc.en, language) from None
    print_roadmap(instance, roadmap, language, moves)
    if json_out is not None:
        from workforce.private_files import write_private_text

        with writing(language, json_out):
            write_private_text(json_out, roadmap.model_dump_json(indent=1))


def print_roadmap(instance: Instance, roadmap: Roadmap, language: str, moves: bool) -> None:
    from optimizer.constraints import CATALOGUE
    from workforce.codes import code_list

    zh = language == "zh"
    subjects = code_list("subjects")
    names = {s.code: s.name for s in instance.schools}

    def school(code: str | None) -> str:
        if code is None:
            return _t("earlier", language)
        return f"{names.get(code, code)}（{code}）" if zh else f"{names.get(code, code)} ({code})"

    def subject(code: str) -> str:
        return subjects.label(code, language) if code in subjects else code

    last = roadmap.first_year + max(0, len(roadmap.years) - 1)
    typer.echo(
        _t(
            "title",
            language,
            first=roadmap.first_year,
            last=last,
            status=STATUS[roadmap.status][0 if zh else 1],
        )
    )
    for y in roadmap.years:
        typer.echo(
            _t(
                "year",
                language,
                year=y.year,
                kind=_t("approved" if y.approved else "indicative", language),
                moves=len(y.moves),
                key=y.key_moves,
                returns=len(y.returns),
                eligible=y.eligible,
                new=y.newly_eligible,
                retired=y.retired,
                slots=y.shortage_slots,
                left=y.shortage_left,
            )
        )
        for q in y.quotas:
            info = CATALOGUE[q.name]
            scope = _t("district", language) if q.scope == "district" else school(q.scope)
            typer.echo(
                _t(
                    "quota",
                    language,
                    rule=info.zh if zh else info.en,
                    scope=scope,
                    required=q.required,
                    achieved=q.achieved,
                    mark="" if q.met else _t("short", language),
                )
            )
        if moves:
            for m in y.moves:
                typer.echo(
                    _t(
                        "move",
                        language,
                        name=m.name,
                        staff=m.staff_no,
                        src=school(m.from_school),
                        dst=school(m.to_school),
                        subject=subject(m.subject),
                        key=_t("key", language) if m.is_key else "",
                        end=m.returns_on.isoformat() if m.returns_on else "—",
                    )
                )
            for r in y.returns:
                typer.echo(
                    _t(
                        "back",
                        language,
                        name=r.name,
                        staff=r.staff_no,
                        host=school(r.host_school),
                        home=school(r.home_school),
                    )
                )
    typer.echo(_t("levels", language))
    for level in roadmap.objectives:
        proof = (
            _t("proven", language)
            if level.proven_optimal
            else _t("bound", language, bound=f"{level.bound:g}")
            if level.bound is not None
            else ""
        )
        value = "—" if level.value is None else f"{level.value:g}"
        typer.echo(
            _t("level", language, name=LEVELS[level.name][0 if zh else 1], value=value, proof=proof)
        )
    if roadmap.years:
        typer.echo(_t("cohort", language, cohort=roadmap.cohort, uncovered=len(roadmap.uncovered)))
    if roadmap.first_year_plan is not None:
        if roadmap.first_year_findings:
            typer.echo(_t("check_bad", language))
            for finding in roadmap.first_year_findings:
                typer.echo(f"  {finding}")
        else:
            typer.echo(_t("check_ok", language))
    if roadmap.pruned_to is not None:
        typer.echo(_t("pruned", language, n=roadmap.pruned_to))
    if roadmap.status in ("infeasible", "unknown"):
        typer.echo(_t(roadmap.status, language))
    typer.echo(_t("assume", language))
    from optimizer.roadmap_project import ASSUMPTION_TEXT

    for zh_text, en_text in ASSUMPTION_TEXT.values():
        typer.echo(f"  {zh_text if zh else en_text}")
    typer.echo(
        _t(
            "time",
            language,
            wall=roadmap.wall_time_s,
            cpu=roadmap.cpu_time_s,
            groups=roadmap.groups,
            variables=roadmap.variables,
        )
    )
