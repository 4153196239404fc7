"""Every sentence the optimizer writes, in Chinese and English: the ``optimizer.*`` messages of
the project catalogue (:mod:`texts`, which imports nothing of the registry), as mappings
code → (zh, en) templates.

`render(code, **params)` makes a `Reason`. Parameters keep their raw values (codes, numbers);
a few are shown through labels: `subject` (subject code), `direction` (direction name) and
`blockers` (comma-separated constraint names, shown with the catalogue's plain words).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from optimizer.constraints import CATALOGUE
from optimizer.plan import ParamValue, Reason
from texts import Pairs

if TYPE_CHECKING:
    from optimizer.instance import School, Teacher
    from optimizer.rules import Blocker

CODES_DIR = Path(str(files("optimizer._codes")))
"""The project's code lists (data/codes/*.csv: code, zh, en, …): the labels users know. The
build ships them as the optimizer's own package ``optimizer._codes`` (as ``optimizer._rules``),
so an installed copy finds them too — a path through the source tree found nothing there, and
every checker finding fell back to the raw codes (``持有primary``)."""

SUBJECT_LABELS = Pairs("optimizer.subject")
"""Subject labels, used when the code lists have none."""

DIRECTION_LABELS = Pairs("optimizer.direction")
"""The allowed directions by their rule (optimizer.rules.DirectionRules), in neutral words: a
non-quality school is not a weak one (薄弱学校 is a category of its own), and whether a reverse
move is 跟岗学习 depends on who moves (a teacher learns; a principal takes a post)."""

TEMPLATES = Pairs("optimizer.text")
"""The optimizer's sentences (reasons, notes, what-if and policy texts), code → (zh, en)."""

BLOCKERS = Pairs("optimizer.blocker")
"""Why a teacher may not rotate, by constraint name, with the blocker's parameters."""

LABELS = Pairs("optimizer.label")
"""How a teacher, a school and an empty list are written in the optimizer's texts."""


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
        code=code,
        params=params,
        zh=zh.format(**{k: _label(k, v, 0) for k, v in params.items()}),
        en=en.format(**{k: _label(k, v, 1) for k, v in params.items()}),
    )


def percent(share: float) -> str:
    """0.05 → '5', 0.125 → '12.5'."""
    return f"{share * 100:g}"


@cache
def _code_list(name: str) -> dict[str, tuple[str, str]]:
    path = CODES_DIR / f"{name}.csv"  # a list that is not there is a packaging error: raised
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
        return LABELS["none"][lang]
    return ("、", ", ")[lang].join(code_label(list_name, c, lang) for c in codes)


def teacher_label(teacher: Teacher, lang: int) -> str:
    """'张三（工号T001）' / 'Zhang San (staff no. T001)'."""
    return LABELS["teacher"][lang].format(name=teacher.name, staff_no=teacher.staff_no)


def school_label(school: School, lang: int) -> str:
    """'源城中学（S01）' / '源城中学 (S01)': the name users know and the code that is unique."""
    return LABELS["school"][lang].format(name=school.name, code=school.code)


def school_kind(school: School, lang: int) -> str:
    """The school's actual categories: zone, and quality or weak where it is one of them
    ('城区、优质学校', '农村、薄弱学校', '城区学校'; in English the zone in lower case)."""
    zone = code_label("zones", school.zone, lang)
    kind = "quality_school" if school.is_quality else "weak_school" if school.is_weak else None
    return LABELS[kind or "other_school"][lang].format(zone=zone.lower() if lang else zone)


def blocker_text(blocker: Blocker, lang: int) -> str:
    """Why a teacher may not rotate, in plain words with the dates and numbers behind it
    (``optimizer.blocker.<constraint>``); else the constraint's description."""
    name = blocker.constraint
    if name in BLOCKERS:
        p = dict(blocker.params)
        if name == "eligibility.established_post":
            p["post"] = code_label("post_types", p.get("post_type"), lang)
        if name == "eligibility.exemption":
            p["reason"] = code_label("exemption_reasons", p.get("reason"), lang)
            until = p.get("until")
            p["until"] = (LABELS["exemption_until"][lang].format(until=until) if until
                          else LABELS["exemption_open"][lang])  # fmt: skip
        return BLOCKERS[name][lang].format(**p)
    info = CATALOGUE[name]
    return (info.zh, info.en)[lang]


QUOTA_BASE_LABELS = Pairs("optimizer.quota_base")
"""The school quota's base (rules `quotas.school_quota_base`) in words."""

DISTRICT_BASE_LABELS = Pairs("optimizer.district_base")
"""The district share's base (rules `quotas.district_share_base`) in words."""

KEY_BASE_LABELS = Pairs("optimizer.key_base")
"""The key share's base (rules `quotas.key_share_base`) in words."""
