"""The catalogue of named constraints: one stable name per rule, in plain Chinese and English.

The same names appear in the model's constraint rows, in move explanations, in the conflicts of
an infeasible solve and in the checker's findings. `rule_keys` point into
`RotationRules.sources` (data/rules/rotation.yaml), where each default's policy source lives;
`source` names the document for rules that have no configurable number.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConstraintInfo:
    name: str
    zh: str
    en: str
    source: str
    rule_keys: tuple[str, ...] = ()


_OPINION_2014 = "教育部等《关于推进县（区）域内义务教育学校校长教师交流轮岗的意见》(2014)"
_PLAN = "《源城区教育发展\"十四五\"规划》第三章第三节"
_TEACHER_CERTIFICATES = "《教师资格条例》(1995)"

CATALOGUE: dict[str, ConstraintInfo] = {
    c.name: c
    for c in (
        ConstraintInfo("eligibility.established_post", "只有在编教师参加交流",
                       "only established-post (在编) teachers rotate", _PLAN,
                       ("eligibility.established_only",)),
        ConstraintInfo("eligibility.on_secondment", "正在外校交流的教师不再列入",
                       "a teacher already seconded elsewhere is not rotated again", _OPINION_2014),
        ConstraintInfo("eligibility.service_years", "须在现学校连续任教满规定年限",
                       "the teacher must have served the required years at the current school",
                       _OPINION_2014, ("eligibility.min_years_at_school",)),
        ConstraintInfo("eligibility.retirement_margin", "距法定退休须多于规定年限",
                       "more than the required years must remain to statutory retirement",
                       "地方实践", ("eligibility.min_years_to_retirement",)),
        ConstraintInfo("eligibility.exemption", "处于暂缓或免于交流期间的教师不交流",
                       "a teacher who is deferred or exempt on the reference date does not rotate",
                       "地方实践"),
        ConstraintInfo("eligibility.cooldown", "上次交流结束未满规定年限的不再交流",
                       "no rotation within the cool-down years after the last one",
                       "地方实践", ("eligibility.cooldown_years",)),
        ConstraintInfo("eligibility.age_cap", "超过交流年龄上限的不交流",
                       "teachers above the age cap do not rotate", "地方实践",
                       ("eligibility.max_age_male", "eligibility.max_age_female")),
        ConstraintInfo("quota.district_share", "全区交流人数不低于在编教师总数的规定比例",
                       "district-wide, at least the set share of all established teachers rotate",
                       _PLAN, ("quotas.district_share",)),
        ConstraintInfo("quota.school_share",
                       "城区学校、优质学校交流人数不低于符合交流条件教师的规定比例",
                       "each urban or quality school rotates at least the set share of its "
                       "teachers who meet the conditions", _PLAN,
                       ("quotas.school_share", "quotas.school_quota_base")),
        ConstraintInfo("quota.key_share", "骨干教师不低于交流人数（按规定口径）的规定比例",
                       "key teachers are at least the set share of the moves the rule counts "
                       "(by default those out of urban and quality schools)", _PLAN,
                       ("quotas.key_share", "quotas.key_share_base", "quotas.key_kinds",
                        "quotas.key_min_tier")),
        ConstraintInfo("move.once", "每位教师每年至多交流一次",
                       "each teacher moves at most once a year", "本系统约定"),
        ConstraintInfo("move.direction", "交流须符合允许的方向（城区→农村、优质→非优质等）",
                       "a move must follow an allowed direction (urban → rural, quality → "
                       "non-quality …)",
                       _OPINION_2014,
                       ("directions.urban_to_rural", "directions.quality_to_non_quality",
                        "directions.rural_to_urban", "directions.non_quality_to_quality",
                        "directions.lateral")),
        ConstraintInfo("move.certificate", "教师资格证书学段须覆盖接收学校学段",
                       "the teacher's certificate level must cover the receiving school's level",
                       _TEACHER_CERTIFICATES, ("certificates.required_by_school_level",)),
        ConstraintInfo("move.subject", "到接收学校任教的学科须为本人可教学科",
                       "the subject taught at the destination must be one the teacher can teach",
                       "本系统约定"),
        ConstraintInfo("capacity.subject",
                       "某学科调入人数不超过接收学校该学科缺口加本校该学科调出人数",
                       "arrivals in a subject are at most the school's shortage in it plus its "
                       "own departures in it", "本系统约定"),
        ConstraintInfo("capacity.post_ceiling", "交流后在岗人数不超过核定编制",
                       "headcount after the moves stays within the approved post ceiling "
                       "(a school already above it may not grow)", "编制管理规定"),
        ConstraintInfo("sending.min_keep", "派出学校各学科须保留最低人数",
                       "the sending school keeps at least its minimum in every subject",
                       "本系统约定"),
        ConstraintInfo("sending.shortage_kept", "学校缺编的学科不得净调出",
                       "a school short of a subject does not lose teachers of it on balance",
                       "本系统约定"),
        ConstraintInfo("capacity.section",
                       "完全中学高中部的缺口只由持高级中学教师资格的教师补充：未持该资格的教师"
                       "调入某学科（减去该学科此类教师调出）不超过初中部的缺口",
                       "at a complete secondary school only teachers with a senior-secondary "
                       "certificate fill the senior section's shortage: arrivals in a subject "
                       "without one (less such departures in it) are at most the junior "
                       "section's shortage", _TEACHER_CERTIFICATES),
        ConstraintInfo("sending.section_min_keep",
                       "完全中学各学科须保留高中部所需的持高级中学教师资格的教师",
                       "a complete secondary school keeps the senior-certified teachers its "
                       "senior section needs in every subject",
                       f"{_TEACHER_CERTIFICATES}；本系统约定"),
        ConstraintInfo("sending.section_shortage_kept",
                       "完全中学高中部缺编的学科不得净调出持高级中学教师资格的教师",
                       "a complete secondary school short in a subject's senior section does "
                       "not lose senior-certified teachers of it on balance",
                       f"{_TEACHER_CERTIFICATES}；本系统约定"),
        ConstraintInfo("principal.two_terms", "校长在同一学校任满两届应交流",
                       "a principal who served two full terms at one school must rotate",
                       _OPINION_2014, ("principals.must_rotate_after_terms",)),
        ConstraintInfo("principal.direction", "城区校长交流到乡村学校或薄弱学校",
                       "an urban principal goes to a rural or a weak school",
                       "《源城区教育发展\"十四五\"规划》第三章第四节",
                       ("principals.urban_to_rural_or_weak",)),
        ConstraintInfo("principal.post", "校长只到空出的校长岗位",
                       "a principal only fills a principal post that is vacant or vacated",
                       "本系统约定"),
        ConstraintInfo("pin.must_move", "人事股指定：该教师须交流",
                       "pinned by the personnel office: the teacher must move", "人事股指定"),
        ConstraintInfo("pin.must_stay", "人事股指定：该教师留任",
                       "pinned by the personnel office: the teacher stays", "人事股指定"),
        ConstraintInfo("pin.must_go", "人事股指定：该教师须到指定学校",
                       "pinned by the personnel office: the teacher goes to the named school",
                       "人事股指定"),
        ConstraintInfo("pin.forbid", "人事股指定：该教师不到指定学校",
                       "pinned by the personnel office: the teacher does not go to the named school",
                       "人事股指定"),
        ConstraintInfo("plan.figures", "方案中报告的指标与缺口数字须与实际一致",
                       "the quota and shortage figures reported in the plan must be true",
                       "本系统约定"),
        ConstraintInfo("plan.instance", "方案须出自所附的实例（实例摘要一致）",
                       "the plan must come from the instance at hand (same instance hash)",
                       "本系统约定"),
        ConstraintInfo("plan.objective", "方案报告的目标值与距离须与交流名单一致",
                       "the objective values and distances the plan reports must be true",
                       "本系统约定"),
        ConstraintInfo("plan.bound", "方案所称的界、最优性与无解须经独立复核成立",
                       "the plan's bound, optimality and infeasibility claims must hold on an "
                       "independent re-solve", "本系统约定"),
        ConstraintInfo("plan.registry", "方案文件须与信息库中的同号方案一致",
                       "a plan file must match the registry's plan of the same number",
                       "本系统约定"),
        ConstraintInfo("plan.terms", "交流期限与起止日期须符合规则",
                       "the kind, start and planned end of each move follow the rules",
                       _OPINION_2014, ("terms.default_kind", "terms.secondment_years")),
        ConstraintInfo("roadmap.once", "规划期内每位教师至多交流一次（交流期满返回后进入冷静期）",
                       "each teacher rotates at most once in the roadmap's horizon (after the "
                       "term comes the cool-down; the horizon is at most term + cool-down)",
                       "地方实践（交流期一般为3年）",
                       ("terms.secondment_years", "eligibility.cooldown_years")),
        ConstraintInfo("roadmap.term", "交流期内在接收学校任教并占其缺口，原学校岗位保留，期满返回",
                       "a secondee teaches at the host and fills its shortage for the term; the "
                       "home post is held and taken again on return", _OPINION_2014,
                       ("terms.default_kind", "terms.secondment_years")),
        ConstraintInfo("roadmap.quota_shortfall", "以后各年的交流指标尽量达成（首年为硬约束）",
                       "later years' quotas are met as far as possible (hard in the first year); "
                       "the shortfall in people is the roadmap's first objective level", _PLAN,
                       ("quotas.district_share", "quotas.school_share", "quotas.key_share")),
        ConstraintInfo("roadmap.coverage", "规划期内符合交流条件的教师尽量都至少交流一次",
                       "every teacher who becomes eligible within the horizon rotates at least "
                       "once, as far as possible (soft: uncovered teachers are minimised)",
                       _OPINION_2014, ("eligibility.min_years_at_school",)),
        ConstraintInfo("roadmap.key_spread", "骨干教师交流人数在各年之间尽量均衡",
                       "key teachers' moves spread evenly over the years (soft: the gap between "
                       "the busiest and the quietest year is minimised)", _PLAN,
                       ("quotas.key_share",)),
    )
}


@dataclass(frozen=True)
class ObjectiveInfo:
    """A soft objective level as users read it (solved in this order, each kept by the next)."""

    name: str
    zh: str
    en: str


OBJECTIVES: dict[str, ObjectiveInfo] = {
    o.name: o
    for o in (
        ObjectiveInfo("rural_shortage_filled", "农村学校缺口补充（加权）",
                      "rural shortage slots filled (weighted)"),
        ObjectiveInfo("preference", "意愿得分", "preference score"),
        ObjectiveInfo("distance", "交流总距离（公里）", "total distance (km)"),
    )
}
"""The objective levels by name, in the order they are solved."""
