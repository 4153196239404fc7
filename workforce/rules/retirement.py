"""Statutory retirement age under the 2025 reform (全国人大常委会《关于实施渐进式延迟法定退休年龄的决定》, 2024-09-13, in force 2025-01-01).

Retirement month = birth month + base × 12 + delay, where
delay = min(cap, ⌊months since the start month ÷ step⌋ + 1) for those born in or after
the start month, and 0 for those born earlier (domain.md §7):

=========  ====  ==========  ==============  ===========
category   base  start       step (months)   cap (months)
=========  ====  ==========  ==============  ===========
male_60    60    1965-01     4               36 (→ 63)
female_55  55    1970-01     4               36 (→ 58)
female_50  50    1975-01     2               60 (→ 55)
=========  ====  ==========  ==============  ===========

The schedule is data, with its source: ``data/rules/retirement.yaml`` (a later change of the law
changes that file, not this code).

Teachers are normally ``male_60`` or ``female_55``. An HR-confirmed retirement date on
the teacher (women with senior titles, special cases) overrides the computed one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from workforce.codes import code_list
from workforce.config import DATA_DIR, read_yaml

RETIREMENT_RULES = DATA_DIR / "rules" / "retirement.yaml"


@dataclass(frozen=True)
class RetirementScheme:
    base_years: int
    start_year: int
    start_month: int
    step_months: int
    cap_months: int


def load_schemes(path: Path | None = None) -> dict[str, RetirementScheme]:
    """The schedule per retirement category from ``data/rules/retirement.yaml`` (or ``path``).
    A file that lacks a field or holds a non-positive step says which category and field; the
    categories must be exactly those of ``data/codes/retirement_categories.csv``, which an
    import accepts (one left out would fail every report on a teacher of it)."""
    path = path or RETIREMENT_RULES
    try:
        data = read_yaml(path)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from None
    categories = data.get("categories") if isinstance(data, dict) else None
    if not isinstance(categories, dict):
        raise ValueError(f"{path}: no 'categories' mapping")
    schemes = {}
    for code, entry in categories.items():
        try:
            scheme = RetirementScheme(
                base_years=int(entry["base_years"]),
                start_year=int(entry["start"]["year"]),
                start_month=int(entry["start"]["month"]),
                step_months=int(entry["step_months"]),
                cap_months=int(entry["cap_months"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: category {code}: missing or bad field {exc}") from None
        if scheme.step_months <= 0 or not 1 <= scheme.start_month <= 12 or scheme.cap_months < 0:
            raise ValueError(f"{path}: category {code}: step, start month or cap out of range")
        schemes[code] = scheme
    known = set(code_list("retirement_categories").code_values)
    if set(schemes) != known:
        raise ValueError(
            f"{path}: categories {sorted(schemes)} are not those of "
            f"data/codes/retirement_categories.csv {sorted(known)} (a teacher of a category "
            "without a schedule could not be given a retirement date)"
        )
    return schemes


SCHEMES: dict[str, RetirementScheme] = load_schemes()
"""The schedule in force (``data/rules/retirement.yaml``), read once at import."""


def default_category(gender: str) -> str:
    """Teachers' usual category: men 60, women in the 55 (cadre) category."""
    return "male_60" if gender == "male" else "female_55"


def delay_months(birth: dt.date, category: str) -> int:
    s = SCHEMES[category]
    months_since_start = (birth.year - s.start_year) * 12 + (birth.month - s.start_month)
    if months_since_start < 0:
        return 0
    return min(s.cap_months, months_since_start // s.step_months + 1)


def statutory_retirement_date(birth: dt.date, category: str) -> dt.date:
    """The first day of the month in which the teacher reaches statutory retirement age (it
    depends on the birth year and month only: computed once per month and category)."""
    return _statutory(birth.year, birth.month, category)


@lru_cache(maxsize=4096)
def _statutory(year: int, month: int, category: str) -> dt.date:
    birth = dt.date(year, month, 1)
    s = SCHEMES[category]
    index = birth.year * 12 + (birth.month - 1) + s.base_years * 12 + delay_months(birth, category)
    return dt.date(index // 12, index % 12 + 1, 1)


def retirement_date(birth: dt.date, category: str, confirmed: dt.date | None = None) -> dt.date:
    """The HR-confirmed date when there is one, else the statutory date."""
    return confirmed or statutory_retirement_date(birth, category)
