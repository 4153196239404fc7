"""The leaving date's rule (`workforce.rules.leaving`): none beside a status in service, never
before the teacher joined the school, never after today, anything else allowed."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from workforce.rules.leaving import GONE, SERVING, leaving_date_conflict

days = st.dates(dt.date(1990, 1, 1), dt.date(2060, 12, 31))
statuses = st.sampled_from([*SERVING, *GONE, None])


@given(statuses, st.none() | days, st.none() | days, days)
def test_a_leaving_date_conflicts_only_with_service_an_earlier_arrival_or_the_future(
    status, left_on, joined, today
):
    conflict = leaving_date_conflict(status, left_on, joined, today)
    if left_on is None:
        assert conflict is None
    elif status in SERVING:
        assert conflict == "left_on_while_serving"
    elif joined is not None and left_on < joined:
        assert conflict == "left_before_joining"
    elif left_on > today:
        assert conflict == "left_on_ahead"
    else:
        assert conflict is None


def test_leaving_on_the_day_of_joining_is_allowed_and_the_day_before_is_not():
    joined = dt.date(2020, 9, 1)
    assert leaving_date_conflict("left", joined, joined) is None
    assert leaving_date_conflict("retired", joined - dt.timedelta(days=1), joined) == (
        "left_before_joining")  # fmt: skip
    assert leaving_date_conflict("active", joined, joined) == "left_on_while_serving"
    assert leaving_date_conflict("left", joined, joined, today=joined) is None
    assert leaving_date_conflict("left", joined + dt.timedelta(days=1), joined, today=joined) == (
        "left_on_ahead")  # fmt: skip
