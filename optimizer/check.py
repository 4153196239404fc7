"""An independent checker: does a plan keep every rule of its instance?

`check_plan(instance, plan)` re-verifies any plan — the optimizer's, the greedy baseline's, one
edited by hand — and returns findings (empty = the plan keeps every rule). It shares no code
with the model: it reads the instance and the moves and uses only the rule definitions
(`optimizer.rules`) and the constraint catalogue. It also verifies every claim the plan makes:
its quota and shortage figures, its objective values and distances, the hash of the instance it
was made from, and level 1's bound, optimality or infeasibility — re-proved with the checker's
own model (`optimizer.certify`). Each finding names the teacher (name, staff number) and/or the
school (name, code) and the figures, with code-list labels, in Chinese and English.
"""

from __future__ import annotations

import math
from collections import Counter

from pydantic import BaseModel, ConfigDict

from optimizer.certify import (
    PROOF_MAX_ARCS,
    instance_sha256,
    legacy_instance_sha256,
    objective_values,
    proof_size,
    prove_level_one,
)
from optimizer.constraints import CATALOGUE, OBJECTIVES
from optimizer.instance import Instance, School, Teacher
from optimizer.messages import (
    DISTRICT_BASE_LABELS,
    KEY_BASE_LABELS,
    QUOTA_BASE_LABELS,
    blocker_text,
    code_label,
    code_labels,
    percent,
    school_kind,
    school_label,
    teacher_label,
)
from optimizer.plan import Plan
from optimizer.rules import (
    SENIOR_CERT_RANK,
    add_years,
    cert_covers,
    cert_rank,
    counts_in_quota_base,
    counts_toward_district_share,
    district_share_base,
    eligibility_blockers,
    in_key_share_base,
    in_school_quota_scope,
    is_available,
    is_key,
    junior_section_slots,
    key_share_fraction,
    key_share_target,
    max_net_loss,
    max_senior_net_loss,
    move_direction,
    must_rotate_principal,
    principal_direction_ok,
    school_distance_km,
    share_target,
    slots_filled,
    subject_weight,
)


class Finding(BaseModel):
    """A broken rule: its constraint name, where, and what is wrong (Chinese and English)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    constraint: str
    scope: str
    zh: str
    en: str


def _finding(constraint: str, scope: str, zh: str, en: str) -> Finding:
    info = CATALOGUE[constraint]
    return Finding(constraint=constraint, scope=scope, zh=f"{info.zh}：{zh}", en=f"{info.en}: {en}")


def check_plan(instance: Instance, plan: Plan, *, verify_bound: bool | None = None,
               time_limit_s: float = 60.0) -> list[Finding]:
    """Every rule the plan breaks and every claim of it that is not true; empty when it keeps
    them all.

    Claims checked besides the moves: the plan's year and each mover's name (what the
    workbook and the notice letters print), each rural shortage's arrivals, departures and
    weight besides its slots filled (`plan.figures`), the instance hash the plan names
    (`plan.instance`), each
    objective level's value recomputed from the moves (`plan.objective`), status, proof flags,
    gaps and level 1's bound — re-proved by the checker's own model (`optimizer.certify`) when
    `verify_bound` (`plan.bound`; None = when `bound_verifiable`, i.e. the instance is not too
    large for the re-solve). An infeasible plan, or an unknown one without moves, is
    checked for having no moves, for explaining itself, and (infeasible) for no plan existing.
    An unknown plan with moves — the greedy baseline's when it misses a quota — is checked like
    any other, so its shortfalls show as findings.
    """
    findings = _check_instance_hash(instance, plan) + _check_year(instance, plan)
    if verify_bound is None:
        verify_bound = bound_verifiable(instance)
    if plan.status == "infeasible" or (plan.status == "unknown" and not plan.moves):
        findings += _check_no_plan(plan)
        if plan.status == "infeasible" and verify_bound:
            findings += _check_infeasible(instance, time_limit_s)
        return findings
    shape = _check_claim_shape(plan)
    if shape:  # NaN or misnamed levels: the value checks below would compare nothing
        return findings + shape
    findings += _check_objectives(instance, plan)
    if verify_bound:
        findings += _check_bound(instance, plan, time_limit_s)
    findings += _check_moves(instance, plan)
    findings += _check_pins(instance, plan)
    findings += _check_capacity(instance, plan)
    findings += _check_sections(instance, plan)
    findings += _check_principals(instance, plan)
    findings += _check_quotas(instance, plan)
    findings += _check_shortages(instance, plan)
    return findings


def bound_verifiable(instance: Instance) -> bool:
    """Whether `check_plan` re-proves level 1 by default: the checker's problem is small
    enough (`optimizer.certify.PROOF_MAX_ARCS`)."""
    return proof_size(instance) <= PROOF_MAX_ARCS


def _check_instance_hash(instance: Instance, plan: Plan) -> list[Finding]:
    """The plan names the instance it was made from by its SHA-256; the instance at hand must be
    that one (an exemption deleted or a date moved after solving changes the hash). Plans made
    before the canonical hash carry pydantic's JSON hash, accepted as well."""
    claimed = plan.provenance.instance_sha256
    actual = instance_sha256(instance)
    if claimed in (actual, legacy_instance_sha256(instance)):
        return []
    return [_finding("plan.instance", "plan",
                     f"方案记录的实例摘要{claimed[:12]}…与所附实例{actual[:12]}…不符（实例在求解后被改动）",
                     f"the plan's instance hash {claimed[:12]}… does not match the instance "
                     f"{actual[:12]}… (edited after solving)")]


LEVEL_ORDER: tuple[tuple[str, str], ...] = (
    ("rural_shortage_filled", "max"), ("preference", "max"), ("distance", "min"))
"""The objective levels a plan may report, in order, with their sense (optimizer.plan): the
checker's own copy, so that a plan cannot redefine a level's sense."""


def _check_claim_shape(plan: Plan) -> list[Finding]:
    """The plan's claims are well-formed before their values are checked: every reported number
    finite (NaN compares false with everything, so a NaN value or bound would pass each
    comparison below), the levels the first ones of `LEVEL_ORDER` with their own sense (a
    distance level relabelled 'max' would turn the bound check around), and each stated gap
    the one its bound and value give, the plan's gap their largest."""
    findings = []
    numbers = [("best_bound", plan.best_bound), ("relative_gap", plan.relative_gap)]
    numbers += [(f"{level.name}.{field}", getattr(level, field)) for level in plan.objectives
                for field in ("value", "bound", "relative_gap")]
    numbers += [(f"{m.staff_no}.distance_km", m.distance_km) for m in plan.moves]
    for where, number in numbers:
        if number is not None and not math.isfinite(number):
            findings.append(_finding("plan.objective", where, f"{where}为{number}，不是有限数",
                                     f"{where} is {number}, not a finite number"))
    claimed = [(level.name, level.sense) for level in plan.objectives]
    if claimed != list(LEVEL_ORDER[:len(claimed)]):
        expected = "、".join(f"{name}（{sense}）" for name, sense in LEVEL_ORDER)
        findings.append(_finding(
            "plan.objective", "plan",
            f"目标层为{claimed}，应依次为{expected}中的前{len(claimed)}层",
            f"objective levels {claimed}; expected the first {len(claimed)} of "
            f"{list(LEVEL_ORDER)}, in that order"))
    if findings:
        return findings
    for level in plan.objectives:
        true = (None if level.bound is None or level.value is None
                else abs(level.bound - level.value) / max(1.0, abs(level.value)))
        # value and bound are stated to 0.001 (optimizer.solve), the gap to 1e-6
        tolerance = None if true is None else 1e-6 + 1e-3 / max(1.0, abs(level.value))
        if (level.relative_gap is None) != (true is None) or (
                true is not None and abs(level.relative_gap - true) > tolerance):
            findings.append(_finding("plan.bound", level.name,
                                     f"{level.name}的相对差距报告为{level.relative_gap}，"
                                     f"按其界与值应为{true}",
                                     f"{level.name} relative gap reported as "
                                     f"{level.relative_gap}, its bound and value give {true}"))
    gaps = [level.relative_gap for level in plan.objectives if level.relative_gap is not None]
    largest = max(gaps) if gaps else None
    if plan.relative_gap != largest:
        findings.append(_finding("plan.bound", "plan",
                                 f"方案的相对差距报告为{plan.relative_gap}，各层最大为{largest}",
                                 f"the plan's relative gap is reported as {plan.relative_gap}, "
                                 f"the largest of its levels' is {largest}"))
    return findings




def _check_objectives(instance: Instance, plan: Plan) -> list[Finding]:
    """Each reported objective value equals its value recomputed from the moves; the status,
    proof flags and gaps agree with the values and bounds; each move's distance is true."""
    findings = []
    truth = objective_values(instance, plan.moves)
    for level in plan.objectives:
        true = truth[level.name]
        label = OBJECTIVES[level.name].zh
        tolerance = 0.05 if level.name == "distance" else 1e-6
        if level.value is None or abs(level.value - true) > tolerance:
            findings.append(_finding("plan.objective", level.name,
                                     f"{label}报告为{level.value}，按交流名单实为{true:g}",
                                     f"{level.name} reported as {level.value}, the moves give "
                                     f"{true:g}"))
        if level.proven_optimal:
            gap = (None if level.bound is None or level.value is None
                   else abs(level.bound - level.value) / max(1.0, abs(level.value)))
            if gap is None or gap > plan.provenance.settings.relative_gap + 1e-9:
                findings.append(_finding("plan.bound", level.name,
                                         f"{label}标为已证明最优，但其界{level.bound}与值"
                                         f"{level.value}不符",
                                         f"{level.name} marked proven optimal, but its bound "
                                         f"{level.bound} does not match its value {level.value}"))
        if level.bound is not None and level.value is not None and (
                (level.sense == "max" and level.bound < level.value - 1e-6)
                or (level.sense == "min" and level.bound > level.value + 1e-6)):
            findings.append(_finding("plan.bound", level.name,
                                     f"{label}的界{level.bound}比方案值{level.value}还差",
                                     f"{level.name} bound {level.bound} is worse than the value "
                                     f"{level.value}"))
    names = [level.name for level in plan.objectives]
    if plan.status == "optimal" and (
            names != ["rural_shortage_filled", "preference", "distance"]
            or not all(level.proven_optimal for level in plan.objectives)):
        findings.append(_finding("plan.bound", "plan", "状态为optimal，但并非每一层目标都已证明最优",
                                 "status optimal, but not every objective level is proven"))
    first = plan.objectives[0] if plan.objectives else None
    if first is not None and plan.best_bound != first.bound:
        findings.append(_finding("plan.bound", "plan",
                                 f"方案的最优界{plan.best_bound}与第一层目标的界{first.bound}不符",
                                 f"best bound {plan.best_bound} differs from level 1's bound "
                                 f"{first.bound}"))
    for m in plan.moves:
        src = instance.school_by_code.get(m.from_school)
        dst = instance.school_by_code.get(m.to_school)
        if src and dst and abs(m.distance_km - round(school_distance_km(src, dst), 1)) > 0.051:
            findings.append(_finding("plan.objective", m.staff_no,
                                     f"{m.name}（{src.name}→{dst.name}）距离报告为{m.distance_km}公里，"
                                     f"实为{school_distance_km(src, dst):.1f}公里",
                                     f"{m.name} ({src.code} → {dst.code}) distance reported as "
                                     f"{m.distance_km} km, actually "
                                     f"{school_distance_km(src, dst):.1f} km"))
    return findings


def _check_bound(instance: Instance, plan: Plan, time_limit_s: float) -> list[Finding]:
    """Level 1's claimed bound and optimality, re-proved by the checker's own model."""
    first = plan.objectives[0] if plan.objectives else None
    if first is None or first.name != "rural_shortage_filled" or (
            first.bound is None and not first.proven_optimal):
        return []  # no claim to verify (the greedy baseline claims none)
    value = objective_values(instance, plan.moves)["rural_shortage_filled"]
    proof = prove_level_one(instance, time_limit_s, target=value)
    label = OBJECTIVES["rural_shortage_filled"].zh
    if proof.status == "unknown" or proof.upper is None:
        return [_finding("plan.bound", "rural_shortage_filled",
                         f"{label}：独立复核在时限内未能证明方案所称的界{first.bound}（{proof.method}）",
                         f"{label}: the independent re-solve could not confirm the claimed bound "
                         f"{first.bound} within the time limit ({proof.method})")]
    findings = []
    if first.bound is not None and first.bound < proof.upper - 1e-6:
        findings.append(_finding(
            "plan.bound", "rural_shortage_filled",
            f"方案称任何方案至多补充{first.bound:g}，独立复核证明的界为{proof.upper:g}"
            f"（{proof.method}）——所称的界不成立",
            f"the plan claims no plan fills more than {first.bound:g}; the independent re-solve "
            f"proves only {proof.upper:g} ({proof.method}): the claimed bound does not hold"))
    if first.proven_optimal and value < proof.upper - 1e-6:
        findings.append(_finding(
            "plan.bound", "rural_shortage_filled",
            f"方案称已证明最优（{value:g}），独立复核的界为{proof.upper:g}（{proof.method}）",
            f"the plan claims proven optimality at {value:g}; the independent re-solve's bound "
            f"is {proof.upper:g} ({proof.method})"))
    return findings


def _check_infeasible(instance: Instance, time_limit_s: float) -> list[Finding]:
    """An infeasible result is verified: the checker's own problem has no solution either."""
    proof = prove_level_one(instance, time_limit_s)
    if proof.status == "infeasible":
        return []
    if proof.status == "optimal":
        zh = f"方案称无解，但独立复核找到了满足全部规则的方案（补充{proof.upper:g}）"
        en = f"the plan claims no plan exists, but the independent re-solve found one " \
             f"(filling {proof.upper:g})"
    else:
        zh, en = "方案称无解，独立复核在时限内未能证实", \
            "the plan claims no plan exists; the independent re-solve could not confirm it in time"
    return [_finding("plan.bound", "plan", zh, en)]


def _check_no_plan(plan: Plan) -> list[Finding]:
    findings = []
    if plan.moves:
        findings.append(_finding("plan.figures", "plan", f"状态为{plan.status}却列出了交流",
                                 f"status {plan.status} but the plan lists moves"))
    if plan.status == "infeasible" and not (plan.conflicts and plan.relaxation):
        findings.append(_finding("plan.figures", "plan", "无解却没有说明冲突与放宽方案",
                                 "infeasible without conflicts and a relaxation"))
    return findings


def _who(t: Teacher) -> tuple[str, str]:
    return teacher_label(t, 0), teacher_label(t, 1)


def _at(s: School) -> tuple[str, str]:
    return school_label(s, 0), school_label(s, 1)


def _subject(code: str | None) -> tuple[str, str]:
    return code_label("subjects", code, 0), code_label("subjects", code, 1)


def _check_moves(instance: Instance, plan: Plan) -> list[Finding]:
    """Per move: once, known people and schools, eligibility, subject, certificate, direction,
    role, dates, and the flags the plan reports. Each finding names the teacher (name and staff
    number) and the schools (name and code)."""
    rules, as_of = instance.rules, instance.as_of
    findings = []
    names = {m.staff_no: m.name for m in plan.moves}
    for staff_no, n in Counter(m.staff_no for m in plan.moves).items():
        if n > 1:
            t = instance.teacher_by_staff_no.get(staff_no)
            zh, en = _who(t) if t else (f"{names[staff_no]}（工号{staff_no}）",
                                        f"{names[staff_no]} (staff no. {staff_no})")
            findings.append(_finding("move.once", staff_no, f"{zh}在方案中出现{n}次",
                                     f"{en} appears {n} times"))
    for m in plan.moves:
        teacher = instance.teacher_by_staff_no.get(m.staff_no)
        dest = instance.school_by_code.get(m.to_school)
        if teacher is None or dest is None or teacher.school != m.from_school:
            problem = ("实例中没有该教师" if teacher is None else
                       f"接收学校代码{m.to_school}不在实例中" if dest is None else
                       f"该教师在{school_label(instance.school_by_code[teacher.school], 0)}任职，"
                       f"方案记为{m.from_school}")
            problem_en = ("no such teacher in the instance" if teacher is None else
                          f"receiving school {m.to_school} is not in the instance" if dest is None
                          else f"the teacher's school is "
                          f"{school_label(instance.school_by_code[teacher.school], 1)}, the plan "
                          f"says {m.from_school}")
            findings.append(_finding("plan.figures", m.staff_no,
                                     f"{m.name}（工号{m.staff_no}）：{problem}",
                                     f"{m.name} (staff no. {m.staff_no}): {problem_en}"))
            continue
        source = instance.school_by_code[teacher.school]
        who, who_en = _who(teacher)
        src, src_en = _at(source)
        dst, dst_en = _at(dest)
        for blocker in eligibility_blockers(teacher, as_of, rules):
            findings.append(_finding(blocker.constraint, m.staff_no,
                                     f"{who}（{src}）不符合交流条件：{blocker_text(blocker, 0)}",
                                     f"{who_en} ({src_en}) may not rotate: "
                                     f"{blocker_text(blocker, 1)}"))
        role = "principal" if teacher.is_principal else "teacher"
        if m.role != role:
            roles = {"principal": ("校长", "principal"), "teacher": ("教师", "teacher")}
            findings.append(_finding("principal.post", m.staff_no,
                                     f"{who}的岗位是{roles[role][0]}，方案记为{roles[m.role][0]}",
                                     f"{who_en} is a {roles[role][1]}, the plan says "
                                     f"{roles[m.role][1]}"))
        if m.role == "teacher" and (m.subject is None or m.subject not in teacher.can_teach):
            subj, subj_en = _subject(m.subject)
            findings.append(_finding(
                "move.subject", m.staff_no,
                f"{who}到{dst}任教{subj or '（未填学科）'}，不在其可教学科"
                f"（{code_labels('subjects', teacher.can_teach, 0)}）内",
                f"{who_en} is to teach {subj_en or '(no subject)'} at {dst_en}, not among "
                f"{code_labels('subjects', teacher.can_teach, 1)}"))
        if not cert_covers(teacher.cert_levels, dest, rules):
            need = rules.certificates.required_by_school_level[dest.level]
            findings.append(_finding(
                "move.certificate", m.staff_no,
                f"{who}持有{code_labels('certificate_levels', teacher.cert_levels, 0)}，"
                f"{dst}为{code_label('school_levels', dest.level, 0)}，须"
                f"{code_label('certificate_levels', need, 0)}或更高",
                f"{who_en} holds {code_labels('certificate_levels', teacher.cert_levels, 1)}; "
                f"{dst_en} is a {code_label('school_levels', dest.level, 1)} and needs "
                f"{code_label('certificate_levels', need, 1)} or higher"))
        if move_direction(source, dest, rules) is None:
            findings.append(_finding(
                "move.direction", m.staff_no,
                f"{who}：{src}（{school_kind(source, 0)}）→{dst}（{school_kind(dest, 0)}）"
                "不是允许的交流方向",
                f"{who_en}: {src_en} ({school_kind(source, 1)}) → {dst_en} "
                f"({school_kind(dest, 1)}) is not an allowed direction"))
        if teacher.is_principal and not principal_direction_ok(source, dest, rules):
            findings.append(_finding(
                "principal.direction", m.staff_no,
                f"{who}（{src}校长）→{dst}（{school_kind(dest, 0)}）：城区校长只到乡村学校或薄弱学校",
                f"{who_en} (principal of {src_en}) → {dst_en} ({school_kind(dest, 1)}): an "
                "urban principal goes only to a rural or a weak school"))
        end = add_years(as_of, rules.terms.secondment_years) if m.kind == "secondment" else None
        if m.kind != rules.terms.default_kind or m.start != as_of or m.planned_end != end:
            kind = rules.terms.default_kind
            want_end = (add_years(as_of, rules.terms.secondment_years)
                        if kind == "secondment" else None)
            findings.append(_finding(
                "plan.terms", m.staff_no,
                f"{who}：方案记为{code_label('rotation_kinds', m.kind, 0)} {m.start}至"
                f"{m.planned_end or '—'}，按规则应为{code_label('rotation_kinds', kind, 0)} "
                f"{as_of}至{want_end or '—'}",
                f"{who_en}: the plan has {m.kind} {m.start} to {m.planned_end or '—'}, the rules "
                f"give {kind} {as_of} to {want_end or '—'}"))
        if m.name != teacher.name:  # the name the workbook and the notice letter print
            findings.append(_finding(
                "plan.figures", m.staff_no,
                f"{who}：方案记的姓名为“{m.name}”，与实例不符",
                f"{who_en}: the plan gives the name {m.name!r}, not the instance's"))
        rank = teacher.wishes.index(m.to_school) + 1 if m.to_school in teacher.wishes else None
        key = is_key(teacher, as_of, rules)
        if m.wish_rank != rank or m.is_key != key:
            findings.append(_finding(
                "plan.figures", m.staff_no,
                f"{who}：志愿序号报告为{m.wish_rank}、实为{rank}；骨干标记报告为{m.is_key}、实为{key}",
                f"{who_en}: wish rank reported {m.wish_rank}, actually {rank}; key flag "
                f"reported {m.is_key}, actually {key}"))
    return findings


_PIN_BROKEN = {"must_move": ("须交流，却未安排", "must move but stays"),
               "must_stay": ("须留任，却被安排交流", "must stay but moves"),
               "must_go": ("须到指定学校", "must go to the named school"),
               "forbid": ("不得到指定学校", "must not go to the named school")}


def _check_pins(instance: Instance, plan: Plan) -> list[Finding]:
    moved = {m.staff_no: m.to_school for m in plan.moves}
    findings = []
    for pin in instance.pins:
        dest = moved.get(pin.staff_no)
        broken = {
            "must_move": dest is None,
            "must_stay": dest is not None,
            "must_go": dest != pin.school,
            "forbid": dest is not None and dest == pin.school,
        }[pin.kind]
        if broken:
            who, who_en = _who(instance.teacher_by_staff_no[pin.staff_no])
            named = instance.school_by_code.get(pin.school or "")
            actual = instance.school_by_code.get(dest or "")
            target = f"（{school_label(named, 0)}）" if named else ""
            target_en = f" ({school_label(named, 1)})" if named else ""
            findings.append(_finding(
                f"pin.{pin.kind}", pin.staff_no,
                f"{who}{_PIN_BROKEN[pin.kind][0]}{target}；方案中的去向："
                f"{school_label(actual, 0) if actual else '留任'}",
                f"{who_en} {_PIN_BROKEN[pin.kind][1]}{target_en}; in the plan: "
                f"{school_label(actual, 1) if actual else 'stays'}"))
    return findings


def _check_capacity(instance: Instance, plan: Plan) -> list[Finding]:
    """Subject capacity, post ceiling and minimum kept, from the counts of the moves."""
    main = {t.staff_no: t.main_subject for t in instance.teachers}
    arrivals = Counter((m.to_school, m.subject) for m in plan.moves if m.role == "teacher")
    departures = Counter((m.from_school, main[m.staff_no]) for m in plan.moves
                         if m.role == "teacher" and m.staff_no in main)
    findings = []
    for (school, subject), n in sorted(arrivals.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        s = instance.school_by_code.get(school)
        if s is None:
            continue  # named by the move checks
        short, out = s.shortage(subject), departures[(school, subject)]
        if n > short + out:
            at, at_en = _at(s)
            subj, subj_en = _subject(subject)
            findings.append(_finding(
                "capacity.subject", f"{school}:{subject}",
                f"{at}{subj}：调入{n}人，而缺口{short}人加本校该学科调出{out}人只容{short + out}人",
                f"{at_en}, {subj_en}: {n} arrive, but the shortage of {short} plus {out} "
                f"departing makes room for {short + out}"))
    headcount = Counter(t.school for t in instance.teachers if t.post_type == "established")
    net = Counter(m.to_school for m in plan.moves)
    net.subtract(Counter(m.from_school for m in plan.moves))
    for school in instance.schools:
        at, at_en = _at(school)
        free = max(0, school.post_ceiling - headcount[school.code])
        if net[school.code] > free:
            findings.append(_finding(
                "capacity.post_ceiling", school.code,
                f"{at}：净增{net[school.code]}人，核定编制{school.post_ceiling}人、在编"
                f"{headcount[school.code]}人，空余编制仅{free}人",
                f"{at_en}: net gain {net[school.code]}, post ceiling {school.post_ceiling}, "
                f"{headcount[school.code]} established, so only {free} free posts"))
        for entry in school.staffing:
            loss = departures[(school.code, entry.subject)] - arrivals[(school.code, entry.subject)]
            limit, name = max_net_loss(entry)
            if loss > limit:
                subj, subj_en = _subject(entry.subject)
                if name == "sending.shortage_kept":
                    zh = f"{at}{subj}：本身缺{entry.shortage}人，却净调出{loss}人"
                    en = f"{at_en}, {subj_en}: short of {entry.shortage} itself, yet loses {loss}"
                else:
                    zh = (f"{at}{subj}：净调出{loss}人，在岗{entry.in_post}人须保留"
                          f"{entry.min_keep}人，至多调出{limit}人")
                    en = (f"{at_en}, {subj_en}: net loss {loss}; {entry.in_post} in post, "
                          f"{entry.min_keep} must stay, so at most {limit} may leave")
                findings.append(_finding(name, f"{school.code}:{entry.subject}", zh, en))
    return findings


def _check_sections(instance: Instance, plan: Plan) -> list[Finding]:
    """The two sections of a complete secondary school with section figures, from the movers'
    certificates: teachers without a senior-level one fill only the junior section's slots
    (`capacity.section`), and senior-certified teachers leave only as far as the senior
    section allows (`sending.section_*`). Each finding names the school, the subject, the
    figures and the teachers who broke it (name and staff number)."""
    places = {(school.code, e.subject): (school, e, e.senior, loss)
              for school in instance.schools for e in school.staffing
              if e.senior is not None and (loss := max_senior_net_loss(e)) is not None}
    if not places:
        return []
    # per place and certificate (True: senior-level): the movers coming (teaching the
    # subject there) and going (of that main subject)
    coming: dict[tuple[str, str, bool], list[Teacher]] = {}
    going: dict[tuple[str, str, bool], list[Teacher]] = {}
    for m in plan.moves:
        t = instance.teacher_by_staff_no.get(m.staff_no)
        if m.role != "teacher" or t is None or t.school != m.from_school:
            continue  # named by the move checks
        certified = cert_rank(t.cert_levels) >= SENIOR_CERT_RANK
        if (m.to_school, m.subject) in places:
            coming.setdefault((m.to_school, m.subject or "", certified), []).append(t)
        if (t.school, t.main_subject) in places:
            going.setdefault((t.school, t.main_subject, certified), []).append(t)
    findings = []
    for (code, subject), (school, entry, senior, (limit, name)) in sorted(places.items()):
        at, at_en = _at(school)
        subj, subj_en = _subject(subject)
        junior = junior_section_slots(entry)
        came = coming.get((code, subject, False), [])
        went = going.get((code, subject, False), [])
        if junior is not None and len(came) - len(went) > junior:
            who, who_en = _names(came)
            findings.append(_finding(
                "capacity.section", f"{code}:{subject}",
                f"{at}{subj}：缺{entry.shortage}人，其中高中部{entry.shortage - junior}人只能由持"
                f"高级中学教师资格的教师补充、初中部{junior}人；未持该资格的{who}调入，同类教师"
                f"调出{len(went)}人，净增{len(came) - len(went)}人，超出初中部缺口",
                f"{at_en}, {subj_en}: short of {entry.shortage}, of which "
                f"{entry.shortage - junior} in the senior section, for teachers with a "
                f"senior-secondary certificate only, and {junior} in the junior section; "
                f"{who_en} arrive without one and {len(went)} such teachers leave: a net "
                f"{len(came) - len(went)}, more than the junior section's shortage"))
        left = going.get((code, subject, True), [])
        back = coming.get((code, subject, True), [])
        if len(left) - len(back) > limit:
            who, who_en = _names(left)
            if name == "sending.section_shortage_kept":
                zh = (f"{at}{subj}：高中部本身缺{senior.shortage}人，持高级中学教师资格的{who}"
                      f"调出，此类教师调入{len(back)}人，净调出{len(left) - len(back)}人")
                en = (f"{at_en}, {subj_en}: the senior section is short of {senior.shortage} "
                      f"itself, yet {who_en}, with a senior-secondary certificate, leave and "
                      f"{len(back)} such teachers arrive: a net loss of "
                      f"{len(left) - len(back)}")
            else:
                zh = (f"{at}{subj}：持高级中学教师资格的在编教师{senior.in_post}人，高中部须保留"
                      f"{senior.min_keep}人，至多净调出{limit}人；{who}调出，此类教师调入"
                      f"{len(back)}人，净调出{len(left) - len(back)}人")
                en = (f"{at_en}, {subj_en}: {senior.in_post} established teachers with a "
                      f"senior-secondary certificate, {senior.min_keep} of whom the senior "
                      f"section keeps, so at most {limit} may leave on balance; {who_en} leave "
                      f"and {len(back)} such teachers arrive: a net loss of "
                      f"{len(left) - len(back)}")
            findings.append(_finding(name, f"{code}:{subject}", zh, en))
    return findings


def _names(teachers: list[Teacher]) -> tuple[str, str]:
    """Teachers by name and staff number, joined ('、' in Chinese), in staff-number order."""
    ordered = sorted(teachers, key=lambda t: t.staff_no)
    return ("、".join(teacher_label(t, 0) for t in ordered),
            ", ".join(teacher_label(t, 1) for t in ordered))


def _check_principals(instance: Instance, plan: Plan) -> list[Finding]:
    """Principal posts (vacant or vacated) and principals who must rotate."""
    rules, as_of = instance.rules, instance.as_of
    staffed = {t.school for t in instance.teachers if t.is_principal}
    p_in = Counter(m.to_school for m in plan.moves if m.role == "principal")
    p_out = Counter(m.from_school for m in plan.moves if m.role == "principal")
    findings = []
    for school, n in sorted(p_in.items()):
        s = instance.school_by_code.get(school)
        if s is not None and n > p_out[school] + (school not in staffed):
            at, at_en = _at(s)
            findings.append(_finding(
                "principal.post", school,
                f"{at}：到任校长{n}人，但校长岗位{'无人空出' if school in staffed else '只空缺1个'}",
                f"{at_en}: {n} principals arrive, but "
                f"{'no post is vacated' if school in staffed else 'only one post is vacant'}"))
    moved = {m.staff_no for m in plan.moves}
    for t in instance.teachers:
        if (must_rotate_principal(t, rules) and is_available(t, as_of, rules)
                and t.staff_no not in moved):
            who, who_en = _who(t)
            at, at_en = _at(instance.school_by_code[t.school])
            findings.append(_finding(
                "principal.two_terms", t.staff_no,
                f"{who}在{at}任校长满{t.principal_terms_at_school}届，未安排交流",
                f"{who_en}, principal of {at_en} for {t.principal_terms_at_school} full terms, "
                "is not rotated"))
    return findings


def _check_quotas(instance: Instance, plan: Plan) -> list[Finding]:
    """Each quota is met, and the figures the plan reports for it are true."""
    rules, as_of = instance.rules, instance.as_of
    q = rules.quotas
    moves = plan.moves
    at = instance.school_by_code
    known = [m for m in moves if m.from_school in at and m.to_school in at]
    district_base = district_share_base(instance)
    counted = sum(counts_toward_district_share(at[m.from_school], at[m.to_school], rules)
                  for m in known)
    truth = {("quota.district_share", "district"):
             (district_base, share_target(q.district_share, district_base), counted)}
    base = Counter(t.school for t in instance.teachers if counts_in_quota_base(t, as_of, rules))
    leaving = Counter(m.from_school for m in moves)
    for school in instance.schools:
        if in_school_quota_scope(school):
            n = base[school.code]
            truth[("quota.school_share", school.code)] = (
                n, share_target(q.school_share, n), leaving[school.code])
    share = key_share_fraction(rules)
    in_base = [m for m in known if in_key_share_base(at[m.from_school], rules)]
    key_moves = sum(is_key(instance.teacher_by_staff_no[m.staff_no], as_of, rules)
                    for m in in_base if m.staff_no in instance.teacher_by_staff_no)
    truth[("quota.key_share", "district")] = (
        len(in_base), key_share_target(share, len(in_base)), key_moves)
    reported = {(r.name, r.scope): r for r in plan.quotas}
    shares = {"quota.district_share": percent(q.district_share),
              "quota.school_share": percent(q.school_share),
              "quota.key_share": percent(q.key_share)}
    findings = []
    for (name, scope), (n, target, achieved) in sorted(truth.items()):
        if name == "quota.school_share":
            at, at_en = _at(instance.school_by_code[scope])
            what = (f"{at}须交流不少于{target}人（{_BASE_ZH[q.school_quota_base]}{n}人的"
                    f"{shares[name]}%）",
                    f"{at_en} must rotate at least {target} ({shares[name]}% of {n} "
                    f"{_BASE_EN[q.school_quota_base]})")
        elif name == "quota.district_share":
            base_zh, base_en = DISTRICT_BASE_LABELS[q.district_share_base]
            counts_zh, counts_en = ("", "") if q.reverse_flows_count else (
                "，跟岗学习的反向交流不计", "; reverse flows not counted")
            what = (f"全区须交流不少于{target}人（{base_zh}{n}人的{shares[name]}%{counts_zh}）",
                    f"the district must rotate at least {target} ({shares[name]}% of {n} "
                    f"{base_en}{counts_en})")
        else:
            moved_zh, moved_en = KEY_BASE_LABELS[q.key_share_base]
            what = (f"{moved_zh}{n}人中骨干教师须不少于{target}人（{shares[name]}%）",
                    f"of {n} {moved_en}, at least {target} must be key teachers "
                    f"({shares[name]}%)")
        if achieved < target:
            findings.append(_finding(name, scope, f"{what[0]}，方案只有{achieved}人",
                                     f"{what[1]}; the plan has {achieved}"))
        r = reported.get((name, scope))
        if r is None or (r.base, r.target, r.achieved, r.margin, r.met) != (
                n, target, achieved, achieved - target, achieved >= target):
            said = ("未报告" if r is None else
                    f"报告为基数{r.base}、须{r.target}、完成{r.achieved}、余量{r.margin}")
            said_en = ("not reported" if r is None else f"reported base {r.base}, target "
                       f"{r.target}, achieved {r.achieved}, margin {r.margin}")
            findings.append(_finding(
                "plan.figures", f"{scope}:{name}",
                f"{CATALOGUE[name].zh}——{what[0]}，实际完成{achieved}人；方案{said}",
                f"{CATALOGUE[name].en}: {what[1]}, achieved {achieved}; the plan {said_en}"))
    return findings


def _check_year(instance: Instance, plan: Plan) -> list[Finding]:
    """The plan's year is its instance's (the year its workbook and letters print)."""
    if plan.year == instance.year:
        return []
    return [_finding("plan.figures", "plan",
                     f"方案报告为{plan.year}年度，实例是{instance.year}年度",
                     f"the plan says year {plan.year}, the instance is of {instance.year}")]


_BASE_ZH = {k: v[0] for k, v in QUOTA_BASE_LABELS.items()}
_BASE_EN = {k: v[1] for k, v in QUOTA_BASE_LABELS.items()}


def _check_shortages(instance: Instance, plan: Plan) -> list[Finding]:
    """The reported rural shortage figures match the moves."""
    main = {t.staff_no: t.main_subject for t in instance.teachers}
    arrivals = Counter((m.to_school, m.subject) for m in plan.moves if m.role == "teacher")
    departures = Counter((m.from_school, main.get(m.staff_no)) for m in plan.moves
                         if m.role == "teacher")
    senior = {t.staff_no for t in instance.teachers
              if cert_rank(t.cert_levels) >= SENIOR_CERT_RANK}
    senior_moves = [m for m in plan.moves if m.role == "teacher" and m.staff_no in senior]
    senior_arrivals = Counter((m.to_school, m.subject) for m in senior_moves)
    senior_departures = Counter((m.from_school, main.get(m.staff_no)) for m in senior_moves)
    truth = {}
    flows: dict[tuple[str, str], tuple[int, int, int]] = {}
    for school in instance.schools:
        if school.zone == "rural":
            for entry in school.staffing:
                if entry.shortage > 0:
                    key = (school.code, entry.subject)
                    filled = slots_filled(entry, arrivals[key], departures[key],
                                          senior_arrivals[key], senior_departures[key])
                    truth[key] = (entry.shortage, filled, entry.shortage - filled)
                    flows[key] = (arrivals[key], departures[key],
                                  subject_weight(entry.subject, instance.rules))
    reported = {(r.school, r.subject): (r.slots, r.filled, r.unfilled) for r in plan.shortages}
    said_flows = {(r.school, r.subject): (r.arrivals, r.departures, r.weight)
                  for r in plan.shortages}
    findings = _check_flows(instance, flows, said_flows)
    if reported == truth:
        return findings
    wrong = sorted(k for k in truth.keys() | reported.keys() if truth.get(k) != reported.get(k))
    for s, j in wrong:
        school = instance.school_by_code.get(s)
        at, at_en = _at(school) if school else (s, s)
        subj, subj_en = _subject(j)
        said, real = reported.get((s, j)), truth.get((s, j))
        findings.append(_finding("plan.figures", f"{s}:{j}",
                                 f"{at}{subj}：方案报告{_slots(said, 0)}，实际{_slots(real, 0)}",
                                 f"{at_en}, {subj_en}: the plan reports {_slots(said, 1)}, in "
                                 f"fact {_slots(real, 1)}"))
    return findings


def _check_flows(instance: Instance, truth: dict[tuple[str, str], tuple[int, int, int]],
                 reported: dict[tuple[str, str], tuple[int, int, int]]) -> list[Finding]:
    """The arrivals, departures and weight each listed shortage reports (the workbook's
    columns) are those of the moves and the rules; a shortage listed or left out wrongly is
    named by the figures check."""
    findings = []
    for (s, j), said in sorted(reported.items()):
        real = truth.get((s, j))
        if real is None or real == said:
            continue
        school = instance.school_by_code.get(s)
        at, at_en = _at(school) if school else (s, s)
        subj, subj_en = _subject(j)
        findings.append(_finding(
            "plan.figures", f"{s}:{j}",
            f"{at}{subj}：方案报告调入{said[0]}人、调出{said[1]}人、权重{said[2]}，"
            f"实际调入{real[0]}人、调出{real[1]}人、权重{real[2]}",
            f"{at_en}, {subj_en}: the plan reports {said[0]} arriving, {said[1]} leaving, "
            f"weight {said[2]}; in fact {real[0]} arriving, {real[1]} leaving, weight {real[2]}"))
    return findings


def _slots(figures: tuple[int, int, int] | None, lang: int) -> str:
    """A shortage's (slots, filled, unfilled) in words; '无' / 'none' when not listed."""
    if figures is None:
        return "none" if lang else "无"
    slots, filled, unfilled = figures
    if lang:
        return f"{slots} slots, {filled} filled, {unfilled} unfilled"
    return f"缺{slots}人、补{filled}人、未补{unfilled}人"
