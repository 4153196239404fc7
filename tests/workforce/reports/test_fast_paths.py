"""The training report's fast paths give what the plain computation gives: each teacher
assessed by the rule itself (no memo), the per-teacher and certificate views in the order a
sort on the text columns gives, the summaries equal to a groupby on (group, status), and
``frames.records`` equal to building each row's dict from the frame's cells."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from workforce.reports import frames
from workforce.reports.training import STATUSES, status_summary, training_report
from workforce.rules.training import assess, default_training_rules

AS_OF = dt.date(2025, 6, 30)
HOURS = (360, 200, 200, 0, 300, 355, 120)
FIRSTS = (None, dt.date(2010, 9, 1), dt.date(2021, 1, 1), dt.date(2023, 9, 1),
          dt.date(2024, 9, 1), dt.date(2021, 1, 2))  # fmt: skip


@pytest.fixture
def district(build):  # type: ignore[no-untyped-def]
    """Schools created out of code order, staff numbers out of order within them, hours and
    first-employment dates repeating (the memo's groups), certificates expiring on shared
    days across schools and twice for one teacher."""
    schools = [
        build.school("B2", zone="rural", town="源南"),
        build.school("A1", level="junior"),
        build.school("C3", level="kindergarten"),
        build.school("A0", ownership="private"),
    ]
    teachers = []
    for n in range(42):
        school = schools[(n * 5) % 4]
        teacher = build.teacher(
            school,
            staff_no=f"S{(n * 37) % 100:03d}",
            first_employed_on=FIRSTS[n % len(FIRSTS)],
            joined_school_on=FIRSTS[n % len(FIRSTS)] or dt.date(2015, 9, 1),
            main_subject=("math", "chinese", "pe")[n % 3],
        )
        if HOURS[n % len(HOURS)]:
            build.training(teacher, HOURS[n % len(HOURS)], dt.date(2023, 3, 1))
        teachers.append(teacher)
    for n, teacher in enumerate(teachers):
        if n % 2 == 0:
            until = (dt.date(2025, 8, 31), dt.date(2024, 12, 31), dt.date(2025, 12, 31))[n % 3]
            build.certificate(teacher, "primary", "chinese", until, number=f"C{n:02d}a")
        if n % 7 == 0:
            build.certificate(teacher, "junior", "math", dt.date(2025, 8, 31), number=f"C{n:02d}b")
    build.session.commit()
    return teachers


def test_each_teacher_as_the_rule_assesses_and_views_in_text_order(session, district) -> None:  # type: ignore[no-untyped-def]
    rules = default_training_rules()
    cycle = rules.cycle_on(AS_OF)
    report = training_report(session, as_of=AS_OF)
    rows = report.view("training.teachers").rows
    assert len(rows) == 42  # nobody employed after the as-of date, nobody left
    for row in rows:
        first = (
            dt.date.fromisoformat(row["first_employed_on"]) if row["first_employed_on"] else None
        )
        want = assess(float(row["hours"]), first, cycle, AS_OF, rules)
        assert row["required"] == want.required and row["status"] == want.status, row
        for key in ("remaining", "years_left", "standard_pace", "needed_pace"):
            got, expected = row[key], getattr(want, key)
            assert got == expected or math.isclose(got, expected), (key, row)
    assert len({r["status"] for r in rows}) >= 3
    order = [(r["school_code"], r["staff_no"]) for r in rows]
    assert order == sorted(order) and order[0][0] == "A0"

    certificates = report.view("training.certificates").rows
    short = {r["staff_no"] for r in rows if r["status"] != "done"}
    expected_certificates = sum(
        (n % 2 == 0) + (n % 7 == 0) for n, t in enumerate(district) if t.staff_no in short
    )
    assert len(certificates) == expected_certificates > 10
    keys = [(r["valid_until"], r["school_code"], r["staff_no"]) for r in certificates]
    assert keys == sorted(keys)
    assert all(r["days_to_expiry"] == (dt.date.fromisoformat(r["valid_until"]) - AS_OF).days
               for r in certificates)  # fmt: skip


def test_summaries_equal_a_groupby_on_group_and_status(session, district) -> None:  # type: ignore[no-untyped-def]
    report = training_report(session, as_of=AS_OF)
    people = pd.DataFrame(report.view("training.teachers").rows)
    checked = 0
    for by in (["school_code", "school_name", "zone", "level"], ["main_subject"], ["level"]):
        plain = (
            people.groupby([*by, "status"], sort=True)
            .size()
            .unstack("status", fill_value=0)
            .reindex(columns=list(STATUSES), fill_value=0)
        )
        fast = status_summary(people, by).set_index(by)[list(STATUSES)]
        assert fast.to_dict("index") == plain.to_dict("index")
        checked += len(fast)
    assert checked == 4 + 3 + 3
    schools = report.view("training.schools").rows
    assert [r["school_code"] for r in schools] == ["A0", "A1", "B2", "C3"]
    counted = people.groupby("school_code").size().to_dict()
    assert {r["school_code"]: r["teachers"] for r in schools} == counted


def test_records_are_each_rows_cells_as_json() -> None:
    frame = pd.DataFrame(
        {
            "n": [1, 2, 3],
            "x": [0.5, float("nan"), 2.0],
            "text": pd.Series(["a", None, "c"], dtype="str"),
            "day": [dt.date(2025, 1, 2), None, dt.date(2024, 2, 29)],
            "flag": [True, False, True],
        }
    )
    assert frames.records(frame, ("day", "n", "x", "text", "flag")) == [
        {"day": "2025-01-02", "n": 1, "x": 0.5, "text": "a", "flag": True},
        {"day": None, "n": 2, "x": None, "text": None, "flag": False},
        {"day": "2024-02-29", "n": 3, "x": 2.0, "text": "c", "flag": True},
    ]
    assert frames.records(frame, ("n",)) == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert frames.records(frame, ()) == [{}, {}, {}]
    assert frames.records(frame.iloc[:0], ("n", "x")) == []
