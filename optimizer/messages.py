"""Message catalogue: every sentence the optimizer writes, in Chinese and English.

`render(code, **params)` makes a `Reason`. Parameters keep their raw values (codes, numbers);
a few are shown through labels: `subject` (subject code), `direction` (direction name) and
`blockers` (comma-separated constraint names, shown with the catalogue's plain words).
"""

from __future__ import annotations

from optimizer.constraints import CATALOGUE
from optimizer.plan import ParamValue, Reason

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
    "urban_to_rural": ("城区学校→乡村学校", "urban school → rural school"),
    "quality_to_non_quality": ("优质学校→薄弱（非优质）学校", "quality school → non-quality school"),
    "rural_to_urban": ("乡村学校→城区学校（跟岗学习）", "rural school → urban school (to learn)"),
    "non_quality_to_quality": ("非优质学校→优质学校（跟岗学习）",
                               "non-quality school → quality school (to learn)"),
    "lateral": ("同类学校之间", "between schools of the same kind"),
}

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
    "why.school.direction": ("方向：{direction}", "direction: {direction}"),
    "why.school.distance": ("距离{km}公里", "{km} km away"),
    # quotas
    "quota.figure.district": (
        "全区在编教师{base}人，按{share}%须交流不少于{target}人；方案交流{achieved}人，余量{margin}",
        "{base} established teachers; {share}% means at least {target}; the plan moves "
        "{achieved} (margin {margin})"),
    "quota.figure.school": (
        "{school_name}：符合交流条件教师{base}人，按{share}%须交流不少于{target}人；方案交流{achieved}人，"
        "余量{margin}",
        "{school_name}: {base} teachers meet the conditions; {share}% means at least {target}; "
        "the plan moves {achieved} (margin {margin})"),
    "quota.figure.key": (
        "交流{total}人，骨干教师须不少于{share}%即{target}人；方案中骨干教师{achieved}人，余量{margin}",
        "{total} move; key teachers must be at least {share}%, i.e. {target}; the plan has "
        "{achieved} (margin {margin})"),
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
    "unfilled.post_ceiling": ("本校交流后在岗人数已达核定编制{ceiling}人",
                              "the school would exceed its post ceiling of {ceiling}"),
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
        "{school_name}：符合交流条件教师{base}人，按{share}%须交流{target}人；其中{blocked}人不能交流"
        "（{blocked_detail}），可交流{available}人，最多能安排{achievable}人",
        "{school_name}: {base} teachers meet the conditions; {share}% needs {target}; {blocked} "
        "cannot rotate ({blocked_detail}), {available} may, and at most {achievable} can be "
        "placed"),
    "conflict.quota.district_share": (
        "全区在编教师{base}人，按{share}%须交流{target}人；可交流教师{available}人，"
        "受接收学校缺口、编制和派出学校最低保留数所限最多能安排{achievable}人",
        "{base} established teachers; {share}% needs {target}; {available} may rotate, and "
        "receiving shortages, ceilings and minimum staffing allow at most {achievable}"),
    "conflict.quota.key_share": (
        "骨干教师须不少于交流总数的{share}%；可交流的骨干教师{available}人，还差{relax_by}人",
        "key teachers must be at least {share}% of all moved; {available} key teachers may "
        "rotate, {relax_by} short"),
    "conflict.principal.two_terms": (
        "{name}（{school_name}校长，任满{terms}届）须交流，但没有可去的校长岗位"
        "（须为空缺或原校长可交流、方向允许、证书覆盖）",
        "{name} (principal of {school_name}, {terms} terms) must rotate, but no principal post "
        "is open in an allowed direction with certificate cover"),
    "conflict.pin": (
        "{name}被指定{pin}，但{why}",
        "{name} is pinned to {pin_en}, but {why_en}"),
    "pin.why.blocked": ("该教师不符合交流条件：{blockers}", "the teacher may not rotate: {blockers}"),
    "pin.why.no_destination": ("没有方向允许、证书和学科都符合的学校",
                               "no school fits in direction, certificate and subject"),
    "pin.why.capacity": ("接收学校没有该学科的空缺或编制",
                         "no receiving school has room in the teacher's subjects or posts"),
    "blocked.detail": ("{blockers}", "{blockers}"),
    "relax": ("将“{rule}”（{scope}）从{target}降到{achievable}",
              "lower “{rule_en}” ({scope}) from {target} to {achievable}"),
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
