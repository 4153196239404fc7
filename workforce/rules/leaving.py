"""When a teacher left service (离岗日期, ``Teacher.left_on``), and what a report dated in the
past makes of it.

A teacher who left (离职/调出) or retired stays in the registry with that status. Without the
day they left, a report dated before it could not count them (a September staffing report
printed in December left out everyone who had left since) and a retiree was placed by the
statutory retirement date, which an early or deferred retirement does not follow. ``left_on``
is the first day out of service: the teacher serves on the days before it.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

SERVING = ("active", "seconded")
"""Statuses of a teacher in service (在岗, 借调)."""
GONE = ("left", "retired")
"""Statuses of a teacher out of service (离职/调出, 退休): the ones with a leaving date."""

LeavingConflict = Literal["left_on_while_serving", "left_before_joining", "left_on_ahead"]


def leaving_date_conflict(
    status: str | None,
    left_on: dt.date | None,
    joined_school_on: dt.date | None,
    today: dt.date | None = None,
) -> LeavingConflict | None:
    """What is wrong with a leaving date beside the teacher's status and arrival, or None: a
    teacher in service has no leaving date; nobody leaves a school before joining it (on the
    day they joined is a day at the school, so leaving that day is allowed); and a leaving is
    recorded once it has happened — a date after ``today`` (default: the real date) would mark
    a teacher out of service who still teaches, which the staffing figures and the dashboard
    read from the status alone (as a retirement date after today is not relied on)."""
    if left_on is None:
        return None
    if status in SERVING:
        return "left_on_while_serving"
    if joined_school_on is not None and left_on < joined_school_on:
        return "left_before_joining"
    if left_on > (today or dt.date.today()):
        return "left_on_ahead"
    return None
