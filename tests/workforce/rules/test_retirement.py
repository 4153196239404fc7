"""The 2025 retirement schedule, read from data/rules/retirement.yaml: start dates, steps and
caps per category, checked against the law's own examples (its annex tables)."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from workforce.rules.retirement import (
    RETIREMENT_RULES,
    SCHEMES,
    load_schemes,
    statutory_retirement_date,
)

D = dt.date


def test_the_schedule_is_data_with_its_source() -> None:
    data = yaml.safe_load(RETIREMENT_RULES.read_text(encoding="utf-8"))
    assert "渐进式延迟法定退休年龄" in data["source"]["document"]
    assert set(SCHEMES) == {"male_60", "female_55", "female_50"}
    assert (SCHEMES["male_60"].start_year, SCHEMES["male_60"].step_months) == (1965, 4)
    assert SCHEMES["female_50"].cap_months == 60


@pytest.mark.parametrize(
    ("birth", "category", "retires"),
    [
        (D(1964, 12, 15), "male_60", D(2024, 12, 1)),  # born before the start: 60
        (D(1965, 1, 10), "male_60", D(2025, 2, 1)),  # first month: 60 years 1 month
        (D(1965, 4, 1), "male_60", D(2025, 5, 1)),  # still the first step
        (D(1965, 5, 1), "male_60", D(2025, 7, 1)),  # second step: 2 months
        (D(1976, 9, 1), "male_60", D(2039, 9, 1)),  # cap: 63
        (D(1980, 1, 1), "male_60", D(2043, 1, 1)),
        (D(1970, 1, 1), "female_55", D(2025, 2, 1)),
        (D(1981, 9, 1), "female_55", D(2039, 9, 1)),  # cap: 58
        (D(1975, 1, 1), "female_50", D(2025, 2, 1)),
        (D(1975, 3, 1), "female_50", D(2025, 5, 1)),  # 2-month steps
        (D(1984, 12, 1), "female_50", D(2039, 12, 1)),  # cap: 55
    ],
)
def test_statutory_dates(birth: dt.date, category: str, retires: dt.date) -> None:
    assert statutory_retirement_date(birth, category) == retires


def test_a_changed_file_changes_the_schedule_and_a_broken_one_names_the_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(RETIREMENT_RULES.read_text(encoding="utf-8"))
    data["categories"]["male_60"]["cap_months"] = 24
    changed = tmp_path / "retirement.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_schemes(changed)["male_60"].cap_months == 24
    del data["categories"]["female_55"]["step_months"]
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="female_55.*step_months"):
        load_schemes(changed)


def test_the_categories_must_be_the_code_lists(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An import accepts every code of retirement_categories.csv: a schedule file without one
    of them once loaded and then failed with a KeyError on the first teacher of it."""
    data = yaml.safe_load(RETIREMENT_RULES.read_text(encoding="utf-8"))
    changed = tmp_path / "retirement.yaml"
    cases = 0
    for category in list(data["categories"]):
        fewer = {**data, "categories": {k: v for k, v in data["categories"].items() if k != category}}
        changed.write_text(yaml.safe_dump(fewer, allow_unicode=True), encoding="utf-8")
        with pytest.raises(ValueError, match="retirement_categories.csv"):
            load_schemes(changed)
        cases += 1
    assert cases == 3
    for broken in ("[1, 2]", "categories: [", "other: 1"):
        changed.write_text(broken, encoding="utf-8")
        with pytest.raises(ValueError, match=str(changed)):
            load_schemes(changed)
