"""The training rule: what a teacher owes in a cycle and the status definitions."""

from __future__ import annotations

import datetime as dt

import pytest

from workforce.rules.training import (
    TrainingRuleError,
    assess,
    default_training_rules,
    load_training_rules,
    required_hours,
)

RULES = default_training_rules()
CYCLE = RULES.cycle("2021-2025")


def test_defaults_are_pinned_to_their_sources() -> None:
    assert RULES.hours_per_cycle == 360
    assert RULES.probation_hours == 120
    assert [c.name for c in RULES.cycles] == ["2021-2025", "2026-2030"]
    assert (CYCLE.start, CYCLE.end) == (dt.date(2021, 1, 1), dt.date(2025, 12, 31))
    assert "360学时" in RULES.sources["hours_per_cycle"].text
    assert "120学时" in RULES.sources["probation_hours"].text


def test_teacher_employed_before_the_cycle_or_unknown_owes_the_full_cycle() -> None:
    assert required_hours(dt.date(2005, 9, 1), CYCLE, RULES) == 360
    assert required_hours(dt.date(2021, 1, 1), CYCLE, RULES) == 360
    assert required_hours(None, CYCLE, RULES) == 360


def test_mid_cycle_joiner_owes_probation_year_plus_pro_rata_rest() -> None:
    # 2023-09-01: probation year 120, then 2024-09-01..2025-12-31 = 487 of 1826 days of 360
    # (96.01): 216.01, rounded up to a whole hour.
    assert required_hours(dt.date(2023, 9, 1), CYCLE, RULES) == 217
    assert required_hours(
        dt.date(2023, 9, 1), CYCLE, load_training_rules(overrides={"round_required_up_to": 0.1})
    ) == pytest.approx(216.1)


def test_probation_year_running_past_the_cycle_end_counts_only_inside_the_cycle() -> None:
    # 2025-07-01: 184 of 366 probation days fall inside the cycle → 120 × 184/366 = 60.3 → 61.
    assert required_hours(dt.date(2025, 7, 1), CYCLE, RULES) == 61


def test_teacher_employed_after_the_cycle_owes_nothing() -> None:
    assert required_hours(dt.date(2026, 3, 1), CYCLE, RULES) == 0


def test_pro_rata_can_be_switched_off() -> None:
    rules = load_training_rules(overrides={"pro_rata_mid_cycle": False})
    assert required_hours(dt.date(2023, 9, 1), rules.cycle("2021-2025"), rules) == 360


@pytest.mark.parametrize(
    ("hours", "as_of", "status"),
    [
        (360, dt.date(2024, 6, 30), "done"),
        (400, dt.date(2022, 1, 1), "done"),
        # 1.5 years left; even pace needs 72/year: 252 left → 168/year → ratio 2.33.
        (108, dt.date(2024, 7, 2), "cannot_finish"),
        # 216 left over 1.5 years = 144/year, exactly the credible maximum → behind.
        (144, dt.date(2024, 7, 2), "behind"),
        # 162 left over 1.5 years = 108/year = 1.5 × 72 → at risk (boundary included).
        (198, dt.date(2024, 7, 2), "at_risk"),
        # 135 left over 1.5 years = 90/year = 1.25 × 72 → on track (boundary included).
        (225, dt.date(2024, 7, 2), "on_track"),
        # cycle over and short: final.
        (359, dt.date(2026, 1, 5), "cannot_finish"),
    ],
)
def test_status_boundaries_for_a_full_cycle_teacher(
    hours: float, as_of: dt.date, status: str
) -> None:
    rules = load_training_rules(overrides={"min_remaining_years": 0})
    cycle = rules.cycle("2021-2025")
    # Place as_of so that exactly 1.5 years of 365.2425 days remain where the test needs it.
    if as_of == dt.date(2024, 7, 2):
        as_of = cycle.end - dt.timedelta(days=round(1.5 * 365.2425))
    result = assess(hours, dt.date(2010, 9, 1), cycle, as_of, rules)
    assert result.status == status
    assert (result.needed_pace is None) == (as_of > cycle.end)


def test_needed_pace_and_remaining() -> None:
    result = assess(60, dt.date(2010, 9, 1), CYCLE, dt.date(2023, 1, 1), RULES)
    assert result.required == 360
    assert result.remaining == 300
    assert result.years_left == pytest.approx(1095 / 365.2425)
    assert result.needed_pace == pytest.approx(300 / (1095 / 365.2425))
    assert result.standard_pace == pytest.approx(360 / (1826 / 365.2425))


def test_floor_on_remaining_time_keeps_a_few_hours_in_december_finishable() -> None:
    # 10 hours short with 10 days left: floored at 0.25 year → 40/year, on track.
    result = assess(350, dt.date(2010, 9, 1), CYCLE, dt.date(2025, 12, 21), RULES)
    assert result.status == "on_track"
    assert result.needed_pace == pytest.approx(40)


def test_probation_teacher_is_measured_against_their_own_pace() -> None:
    # Joined 2025-03-01: owes 120 × 306/365 → 101 in the cycle, at 120.6 h/year. With 60 hours on
    # 2025-10-01, 41 left over 0.25 year (the floor) = 164 h/year: 1.36 × their pace → at risk.
    result = assess(60, dt.date(2025, 3, 1), CYCLE, dt.date(2025, 10, 1), RULES)
    assert result.required == 101
    assert result.status == "at_risk"
    assert assess(70, dt.date(2025, 3, 1), CYCLE, dt.date(2025, 10, 1), RULES).status == "on_track"


def test_unknown_cycle_and_dates_outside_cycles_are_refused_with_clear_text() -> None:
    with pytest.raises(TrainingRuleError, match="unknown training cycle '2016-2020'"):
        RULES.cycle("2016-2020")
    with pytest.raises(TrainingRuleError) as err:
        RULES.cycle_on(dt.date(2019, 5, 1))
    assert "不在任何已配置的培训周期内" in err.value.zh
    # what the user can pick instead, not a path inside the installed package
    assert "已配置的周期：2021-2025（2021-01-01至2025-12-31）" in err.value.zh
    assert "data/" not in err.value.zh + err.value.en
    with pytest.raises(TrainingRuleError, match="before the start"):
        assess(0, None, CYCLE, dt.date(2020, 12, 31), RULES)


def test_unknown_override_is_refused() -> None:
    with pytest.raises(TrainingRuleError, match="unknown training rule 'hours'"):
        load_training_rules(overrides={"hours": 300})


def test_the_training_rules_cite_their_sources_exactly() -> None:
    """Citations checked against the texts: the cycle is the plan's ch.3 §3 (2); the 120-hour
    probation training is article 9 of the 1999 regulation; 360 hours a cycle comes from the
    2011 opinion (教师〔2011〕1号)."""
    import yaml

    from workforce.config import DATA_DIR

    data = yaml.safe_load((DATA_DIR / "rules" / "training.yaml").read_text(encoding="utf-8"))
    sources = {key: entry["source"]["document"] for key, entry in data.items()}
    assert "第三章第三节（二）" in sources["cycles"]
    assert "第九条" in sources["probation_hours"] and "第八条" not in sources["probation_hours"]
    assert "教师〔2011〕1号" in sources["hours_per_cycle"]
    assert len(sources) >= 5


def test_the_cycles_last_day_is_still_inside_it() -> None:
    """On 31 December of the cycle's last year (a year-end report's date) the cycle is not
    over: a teacher a few hours short is judged at the floored pace like the day before, not
    as one who can no longer finish; from the next day on the shortfall is final."""
    cases = [
        (dt.date(2025, 12, 30), "on_track", 40.0),
        (dt.date(2025, 12, 31), "on_track", 40.0),  # 10 left over the 0.25-year floor
        (dt.date(2026, 1, 1), "cannot_finish", None),
    ]
    for as_of, status, needed in cases:
        result = assess(350, dt.date(2010, 9, 1), CYCLE, as_of, RULES)
        assert (result.status, result.needed_pace) == (status, needed), as_of
    assert len(cases) == 3
    # With no floor, nothing is left of the cycle on its last day: 10 hours short is final.
    no_floor = load_training_rules(overrides={"min_remaining_years": 0})
    last = assess(350, dt.date(2010, 9, 1), CYCLE, dt.date(2025, 12, 31), no_floor)
    assert last.status == "cannot_finish"
