"""When the rules cannot all hold: which ones, in plain words with numbers, and the smallest
relaxation that makes a plan possible.

The elastic model is the same model with a non-negative slack on every quota, pin and
principal-term row, minimising the total slack (in people). Every other row holds with no move
at all, so the elastic model is always feasible, and its optimum is the fewest people by which
the targets must be lowered. Each positive slack becomes a relaxation item and a conflict whose
text counts why the people are missing (deferred, near retirement, no receiving place …).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from optimizer.constraints import CATALOGUE
from optimizer.instance import Instance
from optimizer.levels import solve_level
from optimizer.messages import (
    DISTRICT_BASE_LABELS,
    KEY_BASE_LABELS,
    QUOTA_BASE_LABELS,
    blocker_text,
    percent,
    render,
    school_label,
    teacher_label,
)
from optimizer.model import build_model, set_objective, terms
from optimizer.network import Network
from optimizer.plan import Conflict, RelaxationItem
from optimizer.rules import (
    counts_in_quota_base,
    eligibility_blockers,
    in_key_share_base,
    is_available,
    is_key,
    key_share_fraction,
    key_share_target,
)
from optimizer.settings import SolveSettings

ELASTIC_GLOP_PARAMETERS = "use_implied_free_preprocessor:false"
"""GLOP's parameters for the elastic LP: its presolve without the implied-free-column pass,
which took half of the LP's time and removed nothing the simplex needed (10,000-teacher
counties 2021 and 2024 of `benchmarks/bench_city.py`: 1.06 → 0.54 and 1.15 → 0.61 CPU s, the
same total slack, 1 and 6 people; on 2024 GLOP ends at another optimum of the elastic LP and
names another 6 of the 31 principals who cannot all rotate — an equally small relaxation)."""


def diagnose(instance: Instance, net: Network, settings: SolveSettings
             ) -> tuple[list[Conflict], list[RelaxationItem]]:
    """Conflicts and the minimum-total-slack relaxation of an infeasible instance."""
    model = build_model(instance, net, settings.backend, elastic=True)
    model.glop_parameters = ELASTIC_GLOP_PARAMETERS
    slack = list(model.slack.values())
    set_objective(model, terms(slack, [1.0] * len(slack)), maximize=False)
    result = solve_level(model, False, max(5.0, settings.time_limit_s), settings.threads,
                         settings.seed, 0.0, settings.backend, settings.lp_guided)
    if result.values is None:
        return [], []
    values = result.values
    conflicts, relaxation = [], []
    at = instance.school_by_code
    moved_total = round(sum(  # the moves in the key share's base (quotas.key_share_base)
        values[v] for v, a in zip(np.concatenate((model.x, model.y)).tolist(),
                                  net.arcs + net.principal_arcs, strict=True)
        if in_key_share_base(at[a.source], instance.rules)))
    for (name, scope), column in sorted(model.slack.items()):
        short = round(values[column])
        if short <= 0:
            continue
        target = _target(net, instance, name, scope, moved_total, short)
        achievable = target - short
        conflicts.append(_conflict(instance, net, name, scope, target, achievable, short))
        info = CATALOGUE[name]
        relax = render("relax", rule=info.zh, rule_en=info.en, scope=scope, target=target,
                       achievable=achievable)
        relaxation.append(RelaxationItem(constraint=name, scope=scope, target=target,
                                         achievable=achievable, relax_by=short, zh=relax.zh,
                                         en=relax.en))
    return conflicts, relaxation


def _target(net: Network, instance: Instance, name: str, scope: str, moved: int, short: int
            ) -> int:
    if name == "quota.district_share":
        return net.district_target
    if name == "quota.school_share":
        return net.school_targets[scope]
    if name == "quota.key_share":
        return key_share_target(key_share_fraction(instance.rules), moved)
    return 1


def _conflict(instance: Instance, net: Network, name: str, scope: str, target: int,
              achievable: int, short: int) -> Conflict:
    rules, as_of = instance.rules, instance.as_of
    q = rules.quotas
    if name == "quota.school_share":
        school = instance.school_by_code[scope]
        base = [t for t in instance.teachers
                if t.school == scope and counts_in_quota_base(t, as_of, rules)]
        blocked = Counter()
        available = 0
        for t in base:
            blockers = eligibility_blockers(t, as_of, rules)
            pinned = any(p.kind == "must_stay" for p in instance.pins_by_teacher.get(t.staff_no, []))
            if blockers:
                blocked[blockers[0].constraint] += 1
            elif pinned:
                blocked["pin.must_stay"] += 1
            else:
                available += 1
        detail_zh = "、".join(f"{CATALOGUE[c].zh}{n}人" for c, n in sorted(blocked.items()))
        detail_en = "; ".join(f"{n}: {CATALOGUE[c].en}" for c, n in sorted(blocked.items()))
        labels = QUOTA_BASE_LABELS[q.school_quota_base]
        params = dict(school_name=school_label(school, 0), school_name_en=school_label(school, 1),
                      base=len(base),
                      base_label=labels[0], base_label_en=labels[1], share=percent(q.school_share),
                      target=target, blocked=sum(blocked.values()), available=available,
                      achievable=achievable)
        text = render("conflict.quota.school_share", blocked_detail=detail_zh or "无", **params)
        text_en = render("conflict.quota.school_share", blocked_detail=detail_en or "none",
                         **params)
        return Conflict(constraint=name, scope=scope, params=text.params, zh=text.zh,
                        en=text_en.en)
    if name == "quota.district_share":
        available = sum(is_available(t, as_of, rules) for t in instance.teachers)
        labels = DISTRICT_BASE_LABELS[q.district_share_base]
        text = render("conflict.quota.district_share", base=net.district_base,
                      base_label=labels[0], base_label_en=labels[1],
                      share=percent(q.district_share), target=target, available=available,
                      achievable=achievable)
    elif name == "quota.key_share":
        # only key teachers whose move is in the share's base (quotas.key_share_base) help
        at = instance.school_by_code
        available = sum(is_available(t, as_of, rules) and is_key(t, as_of, rules)
                        and in_key_share_base(at[t.school], rules) for t in instance.teachers)
        labels = KEY_BASE_LABELS[q.key_share_base]
        text = render("conflict.quota.key_share", share=percent(q.key_share),
                      base_label=labels[0], base_label_en=labels[1],
                      available=available, relax_by=short)
    elif name == "principal.two_terms":
        text = _principal_conflict(instance, net, scope)
    else:
        text = _pin_conflict(instance, net, name, scope)
    return Conflict(constraint=name, scope=scope, params=text.params, zh=text.zh, en=text.en)


EXAMPLES = 3
"""How many posts or principals a conflict names before it says how many more there are."""


def _principal_conflict(instance: Instance, net: Network, staff_no: str):
    """Why a principal who must rotate cannot, in facts that hold for this instance.

    With no allowed post at all (every post in an allowed direction with certificate cover
    is held by a principal who may not leave), that is the reason. Otherwise the posts exist
    but every one of them needs its principal to leave first; a chain of such moves ends at a
    vacant post or comes back to the principal's own school. So the conflict counts the
    allowed posts, the vacancies among them, the principals allowed to take this school's post
    and the other principals who must rotate too, whose chains compete for the same posts
    (county 2021 of `benchmarks/bench_city.py`: 20 allowed posts, none vacant, 6 principals who
    could come, 18 others who must rotate — where the old text said there was no post)."""
    t = instance.teacher_by_staff_no[staff_no]
    home = instance.school_by_code[t.school]
    params = dict(name=teacher_label(t, 0), name_en=teacher_label(t, 1),
                  school_name=school_label(home, 0), school_name_en=school_label(home, 1),
                  terms=t.principal_terms_at_school)
    posts = [a.dest for a in net.principal_arcs if net.principals[a.group] == staff_no]
    if not posts:
        return render("conflict.principal.two_terms", **params)
    staffed = {p.school for p in instance.teachers if p.is_principal}
    incoming = sorted({net.principals[a.group] for a in net.principal_arcs
                       if a.dest == t.school})
    at, who = instance.school_by_code, instance.teacher_by_staff_no
    return render(
        "conflict.principal.two_terms_chain", **params, posts=len(posts),
        vacant=sum(d not in staffed for d in posts),
        post_examples=_examples([school_label(at[d], 0) for d in posts], 0),
        post_examples_en=_examples([school_label(at[d], 1) for d in posts], 1),
        incoming=len(incoming),
        incoming_examples=_examples([teacher_label(who[p], 0) for p in incoming], 0, "人"),
        incoming_examples_en=_examples([teacher_label(who[p], 1) for p in incoming], 1),
        others=len(net.must_rotate_principals) - 1)


def _examples(labels: list[str], lang: int, unit: str = "个") -> str:
    """The first EXAMPLES labels, and how many in all: 'A、B、C等5个' / 'A, B, C and 2 more';
    '无' / 'none' when there are none."""
    if not labels:
        return "none" if lang else "无"
    shown = labels[:EXAMPLES]
    if lang == 0:
        return "、".join(shown) + (f"等{len(labels)}{unit}" if len(labels) > EXAMPLES else "")
    return ", ".join(shown) + (f" and {len(labels) - EXAMPLES} more"
                               if len(labels) > EXAMPLES else "")


_PIN_PLAIN = {"must_move": ("必须交流", "must move"), "must_stay": ("必须留任", "must stay"),
              "must_go": ("必须到", "must go to"), "forbid": ("不得到", "must not go to")}


def _pin_conflict(instance: Instance, net: Network, name: str, staff_no: str):
    """A pin that cannot hold, in plain words: who is pinned to what, and why not; a pin on a
    teacher who may not rotate at all asks the office to remove it."""
    teacher = instance.teacher_by_staff_no[staff_no]
    pin = next(p for p in instance.pins_by_teacher[staff_no] if f"pin.{p.kind}" == name)
    blockers = eligibility_blockers(teacher, instance.as_of, instance.rules)
    has_arcs = any(staff_no in net.groups[a.group].members for a in net.arcs) or any(
        net.principals[a.group] == staff_no for a in net.principal_arcs)
    named = instance.school_by_code[pin.school] if pin.school else None
    what = _PIN_PLAIN[pin.kind][0] + (school_label(named, 0) if named else "")
    what_en = _PIN_PLAIN[pin.kind][1] + (f" {school_label(named, 1)}" if named else "")
    who = f"{teacher_label(teacher, 0)}（{school_label(instance.school_by_code[teacher.school], 0)}）"
    who_en = (f"{teacher_label(teacher, 1)} "
              f"({school_label(instance.school_by_code[teacher.school], 1)})")
    if blockers:
        return render("conflict.pin.blocked", name=who, name_en=who_en, pin=what, pin_en=what_en,
                      why="；".join(blocker_text(b, 0) for b in blockers),
                      why_en="; ".join(blocker_text(b, 1) for b in blockers))
    why = render("pin.why.no_destination" if not has_arcs else "pin.why.capacity")
    return render("conflict.pin", name=who, name_en=who_en, pin=what, pin_en=what_en, why=why.zh,
                  why_en=why.en)
