"""Message catalogue: every sentence the optimizer writes, in Chinese and English.

`render(code, **params)` makes a `Reason`. Parameters keep their raw values (codes, numbers);
a few are shown through labels: `subject` (subject code), `direction` (direction name) and
`blockers` (comma-separated constraint names, shown with the catalogue's plain words).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from optimizer.constraints import CATALOGUE
from optimizer.plan import ParamValue, Reason

if TYPE_CHECKING:
    from optimizer.instance import School, Teacher
    from optimizer.rules import Blocker

CODES_DIR = Path(__file__).resolve().parent.parent / "data" / "codes"
"""The project's code lists (data/codes/*.csv: code, zh, en, …): the labels users know."""

SUBJECT_LABELS: dict[str, tuple[str, str]] = {
    "chinese": ("语文", "Chinese"), "math": ("数学", "maths"), "english": ("英语", "English"),
    "pe": ("体育", "PE"), "music": ("音乐", "music"), "art": ("美术", "art"),
    "science": ("科学", "science"), "psychology": ("心理健康", "psychology"),
    "it": ("信息科技", "IT"), "physics": ("物理", "physics"), "chemistry": ("化学", "chemistry"),
    "biology": ("生物", "biology"), "history": ("历史", "history"),
    "geography": ("地理", "geography"), "politics": ("道德与法治", "politics"),
    "labour": ("劳动", "labour"), "special_ed": ("特殊教育", "special education"),
    "preschool": ("学前教育", "pre-school"),
}

DIRECTION_LABELS: dict[str, tuple[str, str]] = {
    "urban_to_rural": ("城区→农村", "urban → rural"),
    "quality_to_non_quality": ("优质学校→非优质学校", "quality school → non-quality school"),
    "rural_to_urban": ("农村→城区", "rural → urban"),
    "non_quality_to_quality": ("非优质学校→优质学校", "non-quality school → quality school"),
    "lateral": ("同类学校之间", "between schools of the same kind"),
}
"""The allowed directions by their rule (optimizer.rules.DirectionRules), in neutral words: a
non-quality school is not a weak one (薄弱学校 is a category of its own), and whether a reverse
move is 跟岗学习 depends on who moves (a teacher learns; a principal takes a post)."""

TEMPLATES: dict[str, tuple[str, str]] = {
    # why this teacher
    "why.teacher.eligible": ("自{since}起符合交流条件（{from_name}任教{years}年）",
                             "meets the conditions since {since} ({years} years at {from_name})"),
    "why.teacher.key": ("骨干教师，计入骨干教师交流比例", "key teacher: counts towards the key share"),
    "why.teacher.order": ("同类可互换教师{size}人中，按在校年限（再按工号）排第{position}位",
                          "number {position} of {size} interchangeable teachers by years at the "
                          "school, then staff number"),
    "why.teacher.wish": ("第{rank}志愿学校", "the teacher's wish number {rank}"),
    "why.teacher.volunteer": ("本人申请交流", "asked to rotate"),
    "why.teacher.pinned": ("人事股指定（{pin}）", "pinned by the personnel office ({pin})"),
    "why.principal.two_terms": ("在本校任校长满{terms}届，应交流",
                                "{terms} full terms as principal here: must rotate"),
    "why.principal.post": ("到{to_name}任校长（岗位空缺或原校长交流）",
                           "takes the principal post at {to_name} (vacant or vacated)"),
    # why this school
    "why.school.shortage": ("{to_name}{subject}缺{slots}人", "{to_name} is short of {slots} "
                            "{subject} teacher(s)"),
    "why.school.swap": ("{to_name}有{subject}教师同时交流出去，空出岗位",
                        "a {subject} teacher of {to_name} rotates out, freeing the place"),
    "why.school.direction": ("方向：{from_kind}→{to_kind}（{direction}）",
                             "direction: {from_kind} → {to_kind} ({direction})"),
    "why.school.direction.learn": ("方向：{from_kind}→{to_kind}（{direction}，跟岗学习）",
                                   "direction: {from_kind} → {to_kind} ({direction}, to learn)"),
    "why.teacher.school_quota": (
        "{school_name}须交流不少于{target}人（{base_label}{base}人的{share}%），方案交流{achieved}人",
        "{school_name_en} must rotate at least {target} ({share}% of {base} {base_label_en}); the "
        "plan moves {achieved}"),
    "why.teacher.district_quota": (
        "全区须交流不少于{target}人（{base_label}{base}人的{share}%），方案计入{achieved}人",
        "the district must rotate at least {target} ({share}% of {base} {base_label_en}); "
        "the plan counts {achieved}"),
    "why.school.distance": ("距离{km}公里", "{km} km away"),
    # quotas
    "quota.figure.district": (
        "{base_label}{base}人，按{share}%须交流不少于{target}人；方案计入{achieved}人{counting}，余量{margin}",
        "{base} {base_label_en}; {share}% means at least {target}; the plan counts "
        "{achieved}{counting_en} (margin {margin})"),
    "quota.figure.school": (
        "{school_name}：{base_label}{base}人，按{share}%须交流不少于{target}人；方案交流{achieved}人，"
        "余量{margin}",
        "{school_name_en}: {base} {base_label_en}; {share}% means at least {target}; "
        "the plan moves {achieved} (margin {margin})"),
    "quota.figure.key": (
        "{moved_label}{total}人，骨干教师须不少于{share}%即{target}人；其中骨干教师{achieved}人，余量{margin}",
        "{total} {moved_label_en}; key teachers must be at least {share}%, i.e. {target}; the "
        "plan has {achieved} (margin {margin})"),
    # unfilled shortages
    "unfilled.no_candidate": (
        "全区没有可交流且能任教{subject}、证书覆盖本校学段、方向允许的教师",
        "no teacher who may rotate, can teach {subject}, holds a certificate for this school's "
        "level and may move here in an allowed direction"),
    "unfilled.used_elsewhere": ("{count}名候选教师已安排到其他更需要的岗位",
                                "{count} candidate teachers were placed where they were needed more"),
    "unfilled.source_min_keep": ("{count}名候选教师所在学校调出后将低于该学科最低保留人数",
                                 "{count} candidates' schools would fall below their minimum in "
                                 "that subject"),
    "unfilled.post_ceiling": ("决定性原因：{school_name}交流后在编人数已达核定编制{ceiling}人，"
                              "再调入须先有人调出",
                              "decisive: {school_name} is at its post ceiling of {ceiling} after "
                              "the moves; another arrival needs a departure first"),
    "unfilled.bound": ("经证明，任何满足全部规则的方案都不能补充更多缺口（第一层目标已达其界{bound}）",
                       "proven: no plan that keeps every rule fills more (level 1 reaches its "
                       "bound {bound})"),
    "unfilled.key_share": ("再调入非骨干教师将使骨干教师比例低于要求",
                           "another non-key teacher would push the key share below its minimum"),
    "unfilled.pruned": ("候选教师所在学校不在其最近的{nearest}所候选学校内（已剪枝）",
                        "the candidates' nearest {nearest} destinations do not include this "
                        "school (pruned model)"),
    "unfilled.trade_off": ("其余{count}名候选教师调入会占用其他规则所需的名额（派出学校保留数、"
                           "编制或指标）",
                           "moving the other {count} candidates would break another rule at "
                           "their school (minimum kept, ceiling or a quota)"),
    "unfilled.greedy": ("按顺序分配时已无可用的候选教师", "no candidate was left when its turn came"),
    # conflicts
    "conflict.quota.school_share": (
        "{school_name}：{base_label}{base}人，按{share}%须交流{target}人；其中{blocked}人不能交流"
        "（{blocked_detail}），可交流{available}人，最多能安排{achievable}人",
        "{school_name_en}: {base} {base_label_en}; {share}% needs {target}; {blocked} "
        "cannot rotate ({blocked_detail}), {available} may, and at most {achievable} can be "
        "placed"),
    "conflict.quota.district_share": (
        "{base_label}{base}人，按{share}%须交流{target}人；可交流教师{available}人，"
        "受接收学校缺口、编制和派出学校最低保留数所限最多能安排{achievable}人",
        "{base} {base_label_en}; {share}% needs {target}; {available} may rotate, and "
        "receiving shortages, ceilings and minimum staffing allow at most {achievable}"),
    "conflict.quota.key_share": (
        "骨干教师须不少于{base_label}人数的{share}%；其中可交流的骨干教师{available}人，"
        "还差{relax_by}人",
        "key teachers must be at least {share}% of those {base_label_en}; {available} key "
        "teachers among them may rotate, {relax_by} short"),
    "conflict.principal.two_terms": (
        "{name}（{school_name}校长，任满{terms}届）须交流，但没有可去的校长岗位"
        "（须为空缺或原校长可交流、方向允许、证书覆盖）",
        "{name_en} (principal of {school_name_en}, {terms} terms) must rotate, but no principal "
        "post "
        "is open in an allowed direction with certificate cover"),
    "conflict.pin": (
        "{name}被指定{pin}，但{why}",
        "{name_en} is pinned to {pin_en}, but {why_en}"),
    "conflict.pin.blocked": (
        "指定{pin}的教师{name}不符合交流条件：{why}。请取消该指定",
        "{name_en}, pinned to {pin_en}, may not rotate: {why_en}. Please remove the pin"),
    "pin.why.blocked": ("该教师不符合交流条件：{blockers}", "the teacher may not rotate: {blockers}"),
    "pin.why.no_destination": ("没有方向允许、证书和学科都符合的学校",
                               "no school fits in direction, certificate and subject"),
    "pin.why.capacity": ("接收学校没有该学科的空缺或编制",
                         "no receiving school has room in the teacher's subjects or posts"),
    "blocked.detail": ("{blockers}", "{blockers}"),
    "relax": ("将“{rule}”（{scope}）从{target}降到{achievable}",
              "lower “{rule_en}” ({scope}) from {target} to {achievable}"),
    # why planning ahead (optimizer.whatif) leaves a teacher or school out
    "whatif.principal": ("校长只交流到校长岗位，不补学科空缺",
                         "a principal rotates to principal posts only, not to subject vacancies"),
    "whatif.own_school": ("已在该校任职", "already at this school"),
    "whatif.no_opening": ("该校没有本人可任教学科的空缺，也没有同学科教师同时交流出去",
                          "no opening there in a subject the teacher can teach (no shortage, "
                          "and no teacher of it who may leave)"),
    "whatif.infeasible": ("固定该调动后重新求解，没有满足全部规则的方案",
                          "re-solving with this move pinned finds no plan that keeps every rule"),
    "whatif.other_subject": ("固定该调动后重新求解，该教师在该校任教其他学科，不补此空缺",
                             "re-solving with the move pinned has the teacher teach another "
                             "subject there, not this vacancy"),
    "whatif.not_checked": ("符合规则但按估算排在后面，未重新求解",
                           "passes the rules but ranked lower by the estimate; not re-solved"),
    "whatif.unknown": ("在时限内未求得固定该调动的方案",
                       "no plan keeping this move was found within the time limit"),
    # marginal values of the rules (optimizer.duals): the change a sentence speaks of …
    "marginal.capacity.post_ceiling": ("{school}多1个编制", "one more post at {school}"),
    "marginal.capacity.subject": ("{school}{subject}多1个岗位",
                                  "one more {subject} slot at {school}"),
    "marginal.sending.min_keep": ("{school}{subject}最低保留人数少1人",
                                  "{school} keeps one {subject} teacher fewer at least"),
    "marginal.sending.shortage_kept": ("{school}{subject}允许净调出1人",
                                       "{school} may lose one {subject} teacher on balance"),
    "marginal.principal.post": ("{school}多1个校长岗位", "one more principal post at {school}"),
    "marginal.quota.district_share": ("全区交流人数要求每多1人",
                                      "each more person the district share requires"),
    "marginal.quota.school_share": ("{school}交流人数要求每多1人",
                                    "each more person {school}'s quota requires"),
    "marginal.quota.key_share": ("骨干教师交流人数要求每多1人",
                                 "each more key teacher the key share requires"),
    "marginal.principal.two_terms": ("{teacher}不再须交流", "{teacher} no longer has to rotate"),
    "marginal.pin.must_go": ("取消人事股对{teacher}的指定去向",
                             "without the office's pin sending {teacher} to a named school"),
    "marginal.pin.must_move": ("取消人事股对{teacher}须交流的指定",
                               "without the office's pin making {teacher} move"),
    "marginal.move.once": ("{school}{subject}可交流教师多1人",
                           "one more {subject} teacher at {school} who may rotate"),
    # … and what it does to the level
    "marginal.effect.rural_shortage_filled": ("农村学校缺口补充（加权）{change}",
                                              "rural shortage filled (weighted) {change}"),
    "marginal.effect.preference": ("意愿得分{change}", "preference score {change}"),
    "marginal.effect.distance": ("交流总距离{change}公里", "total distance {change} km"),
    "marginal.no_plan": ("线性松弛无解：任何方案都做不到", "the LP has no solution: no plan can"),
    "marginal.no_plan_later": ("线性松弛无解：不降低前面的目标层级就做不到",
                               "the LP has no solution: not without losing on an earlier level"),
    "marginal.fills": ("可多补充{subject}{count}个岗位（{school}）",
                       "fills {count} more {subject} slot(s) at {school}"),
    "marginal.caveat": ("对偶值是局部变化率：只在规则作很小改动时成立，改动较大时请用政策模拟重新"
                        "求解；线性规划退化时对偶值不唯一，可能有同样最优的另一组数值。",
                        "a dual is a local rate: it holds only for small changes of the rule "
                        "(simulate larger ones with a re-solve); when the LP is degenerate the "
                        "duals are not unique and another set would be just as optimal."),
    # policy simulation (optimizer.simulate)
    "policy.unknown_school": ("编制调整：未知学校代码“{school}”",
                              "post change: unknown school code {school!r}"),
    "policy.negative_ceiling": ("编制调整：{school}核定编制{ceiling}个，不能减少{change}个",
                                "post change: {school} has {ceiling} posts, cannot remove "
                                "{change}"),
    "policy.subject_weight": ("乡村学校{subject}缺口每补充1个的权重",
                              "weight of one filled rural {subject} slot"),
    "policy.post_ceiling": ("{school}核定编制", "approved posts at {school}"),
}


def _label(key: str, value: ParamValue, lang: int) -> ParamValue:
    if key == "subject" and isinstance(value, str):
        return SUBJECT_LABELS.get(value, (value, value))[lang]
    if key == "direction" and isinstance(value, str):
        return DIRECTION_LABELS[value][lang]
    if key == "blockers" and isinstance(value, str):
        parts = [CATALOGUE[c] for c in value.split(",") if c]
        return ("；" if lang == 0 else "; ").join(p.zh if lang == 0 else p.en for p in parts)
    return value


def render(code: str, **params: ParamValue) -> Reason:
    """A reason with both texts filled from the catalogue."""
    zh, en = TEMPLATES[code]
    return Reason(
        code=code, params=params,
        zh=zh.format(**{k: _label(k, v, 0) for k, v in params.items()}),
        en=en.format(**{k: _label(k, v, 1) for k, v in params.items()}),
    )


def percent(share: float) -> str:
    """0.05 → '5', 0.125 → '12.5'."""
    return f"{share * 100:g}"


@cache
def _code_list(name: str) -> dict[str, tuple[str, str]]:
    path = CODES_DIR / f"{name}.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        return {row["code"]: (row["zh"], row["en"]) for row in csv.DictReader(f)}


def code_label(list_name: str, code: str | None, lang: int) -> str:
    """The label of `code` in a code list (0 = Chinese, 1 = English); the code itself when the
    list does not have it (a county's own code). Subjects fall back to `SUBJECT_LABELS`."""
    if code is None:
        return ""
    labels = _code_list(list_name)
    if code in labels:
        return labels[code][lang]
    if list_name == "subjects" and code in SUBJECT_LABELS:
        return SUBJECT_LABELS[code][lang]
    return code


def code_labels(list_name: str, codes: list[str] | tuple[str, ...], lang: int) -> str:
    """Several codes' labels, joined ('、' in Chinese); '无'/'none' for an empty list."""
    if not codes:
        return ("无", "none")[lang]
    return ("、", ", ")[lang].join(code_label(list_name, c, lang) for c in codes)


def teacher_label(teacher: Teacher, lang: int) -> str:
    """'张三（工号T001）' / 'Zhang San (staff no. T001)'."""
    return (f"{teacher.name}（工号{teacher.staff_no}）",
            f"{teacher.name} (staff no. {teacher.staff_no})")[lang]


def school_label(school: School, lang: int) -> str:
    """'源城中学（S01）' / '源城中学 (S01)': the name users know and the code that is unique."""
    return (f"{school.name}（{school.code}）", f"{school.name} ({school.code})")[lang]


def school_kind(school: School, lang: int) -> str:
    """The school's actual categories: zone, and quality or weak where it is one of them
    ('城区、优质学校', '农村、薄弱学校', '城区学校')."""
    zone = code_label("zones", school.zone, lang)
    if school.is_quality:
        return (f"{zone}、优质学校", f"{zone.lower()}, quality school")[lang]
    if school.is_weak:
        return (f"{zone}、薄弱学校", f"{zone.lower()}, weak school")[lang]
    return (f"{zone}学校", f"{zone.lower()} school")[lang]


def blocker_text(blocker: Blocker, lang: int) -> str:
    """Why a teacher may not rotate, in plain words with the dates and numbers behind it."""
    p = blocker.params
    name = blocker.constraint
    if name == "eligibility.established_post":
        post = code_label("post_types", p.get("post_type"), lang)
        return (f"岗位类别为{post}，只有在编教师参加交流",
                f"post type {post}: only established-post teachers rotate")[lang]
    if name == "eligibility.on_secondment":
        return ("正在外校交流", "already seconded to another school")[lang]
    if name == "eligibility.service_years":
        return (f"{p['joined']}到现学校，须满{p['years']}年（{p['eligible_from']}起）才符合条件",
                f"joined the school on {p['joined']}; {p['years']} years are needed "
                f"(eligible from {p['eligible_from']})")[lang]
    if name == "eligibility.retirement_margin":
        return (f"法定退休日期{p['retirement_date']}，距今不足{p['years']}年",
                f"statutory retirement on {p['retirement_date']}, not more than {p['years']} "
                "years away")[lang]
    if name == "eligibility.exemption":
        reason = code_label("exemption_reasons", p.get("reason"), lang)
        until = p.get("until")
        return (f"暂缓或免于交流（{reason}，{'至' + until if until else '未定期限'}）",
                f"deferred or exempt ({reason}, {'until ' + until if until else 'open-ended'})"
                )[lang]
    if name == "eligibility.cooldown":
        return (f"上次交流于{p['last_rotation_end']}结束，未满{p['years']}年",
                f"the last rotation ended on {p['last_rotation_end']}, fewer than {p['years']} "
                "years ago")[lang]
    if name == "eligibility.age_cap":
        return (f"年龄{p['age']}岁，超过交流年龄上限{p['cap']}岁",
                f"aged {p['age']}, above the cap of {p['cap']}")[lang]
    info = CATALOGUE[name]
    return (info.zh, info.en)[lang]


QUOTA_BASE_LABELS: dict[str, tuple[str, str]] = {
    "available": ("符合交流条件教师", "teachers who may rotate this year"),
    "service": ("任教年限已满的在编教师", "established teachers with the years of service"),
}
"""The school quota's base (rules `quotas.school_quota_base`) in words."""

DISTRICT_BASE_LABELS: dict[str, tuple[str, str]] = {
    "whole_district": ("全区在编教师", "established teachers of the whole district"),
    "compulsory": ("义务教育学校在编教师", "established teachers of the compulsory schools"),
}
"""The district share's base (rules `quotas.district_share_base`) in words."""

KEY_BASE_LABELS: dict[str, tuple[str, str]] = {
    "urban_quality_moves": ("城区、优质学校交流", "moved out of urban and quality schools"),
    "all_moves": ("全区交流", "moved in the district"),
}
"""The key share's base (rules `quotas.key_share_base`) in words."""
