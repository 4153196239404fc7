"""What an import refuses as impossible and warns about as implausible (issue #15): the
ages and dates of a teacher's life, and the hours of continuing education.

The bounds and why are data (``data/rules/import_limits.yaml``). A check of one row yields
``(column key, text)`` for a problem (the import fails, with row and column) and
``(column key, text, WARNING)`` for a warning (listed in the dry run and the summary).
"Today" is the day of the import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from workforce.config import DATA_DIR, read_yaml
from workforce.dates import years_between
from workforce.io.messages import message

IMPORT_LIMITS = DATA_DIR / "rules" / "import_limits.yaml"
WARNING = "warning"
"""The third element of a finding that is a warning, not a problem."""


@dataclass(frozen=True)
class Plausibility:
    earliest_birth_date: dt.date
    minimum_working_age: int
    arrival_ahead_days: int
    usual_first_employment_age: int
    oldest_active_age: int
    training_hours_per_record: Decimal
    training_hours_per_year: Decimal


@cache
def plausibility(path: Path = IMPORT_LIMITS) -> Plausibility:
    """The bounds of ``data/rules/import_limits.yaml`` (each leaf's ``value``)."""
    data = read_yaml(path)
    value = {key: leaf["value"] for key, leaf in data.items()}
    return Plausibility(
        earliest_birth_date=value["earliest_birth_date"],
        minimum_working_age=int(value["minimum_working_age"]),
        arrival_ahead_days=int(value["arrival_ahead_days"]),
        usual_first_employment_age=int(value["usual_first_employment_age"]),
        oldest_active_age=int(value["oldest_active_age"]),
        training_hours_per_record=Decimal(str(value["training_hours_per_record"])),
        training_hours_per_year=Decimal(str(value["training_hours_per_year"])),
    )


def birthday(birth: dt.date, age: int) -> dt.date:
    """The day one turns ``age`` (29 February birthdays fall on 1 March in other years)."""
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:
        return dt.date(birth.year + age, 3, 1)


def plausible_teacher(row: Mapping[str, Any], spec: Any) -> Iterable[tuple]:
    """A teacher's dates as a life can have them: born after 1900 and not in the future,
    at least 16 at first employment and at arrival at the school, arrived no earlier than
    first employed, first employed not in the future, arrival at most ``arrival_ahead_days``
    ahead. Warns when first employed or arrived before 18, when the arrival is still ahead (a
    transfer entered before it happens), or still active past the oldest retirement age. Ages
    are taken from the first of the birth month: no answer depends on the day of birth."""
    bounds = plausibility()
    today = dt.date.today()
    birth = row.get("birth_date")
    first = row.get("first_employed_on")
    joined = row.get("joined_school_on")
    if birth is not None:
        if birth > today:
            yield "birth_date", message("birth_in_future", date=birth.isoformat())
            birth = None
        elif birth < bounds.earliest_birth_date:
            yield "birth_date", message(
                "birth_too_early", date=birth.isoformat(),
                earliest=bounds.earliest_birth_date.isoformat(),
            )  # fmt: skip
            birth = None
    if first is not None and first > today:
        yield "first_employed_on", message("date_in_future", date=first.isoformat())
    if joined is not None and joined > today:
        if joined > today + dt.timedelta(days=bounds.arrival_ahead_days):
            yield "joined_school_on", message("date_in_future", date=joined.isoformat())
        else:
            yield "joined_school_on", message("arrival_ahead", date=joined.isoformat()), WARNING
    if first is not None and joined is not None and joined < first:
        yield (
            "joined_school_on",
            message("joined_before_employed", joined=joined.isoformat(), first=first.isoformat()),
        )
    if birth is None:
        return
    # Judged by the birth month: the day is the ID number's (a masked export shows the month,
    # and a month read back becomes the stored date before these checks), so an answer that
    # changed with the day — "17 on arrival" for the 11th, nothing for the 12th — would tell
    # the day, and the number with it, in a few dry runs.
    birth = birth.replace(day=1)
    age = years_between(birth, today)
    if age < bounds.minimum_working_age:
        yield "birth_date", message("too_young", age=age, minimum=bounds.minimum_working_age)
        return
    for key, day in (("first_employed_on", first), ("joined_school_on", joined)):
        if day is None:
            continue
        at = years_between(birth, day)
        if day < birth:  # not "aged -1988": before the birth month itself
            yield key, message("date_before_birth", date=day.isoformat(),
                               month=birth.isoformat()[:7])  # fmt: skip
        elif day < birthday(birth, bounds.minimum_working_age):
            yield key, message(
                "employed_too_young", date=day.isoformat(), age=at,
                minimum=bounds.minimum_working_age,
            )  # fmt: skip
        elif day < birthday(birth, bounds.usual_first_employment_age):
            yield key, message(
                "employed_young", date=day.isoformat(), age=at,
                usual=bounds.usual_first_employment_age,
            ), WARNING  # fmt: skip
    if age >= bounds.oldest_active_age and row.get("status") in (None, "active"):
        yield (
            "birth_date",
            message("active_too_old", age=age, oldest=bounds.oldest_active_age),
            WARNING,
        )


def plausible_training(row: Mapping[str, Any], spec: Any) -> Iterable[tuple]:
    """One record's hours at most ``training_hours_per_record`` (the per-year total is
    checked across rows and the database, :mod:`workforce.io.validate`); a date in the
    future is refused."""
    bounds = plausibility()
    hours = row.get("hours")
    if hours is not None and hours > bounds.training_hours_per_record:
        yield (
            "hours",
            message("hours_per_record", hours=hours, limit=bounds.training_hours_per_record),
        )
    day = row.get("date")
    if day is not None and day > dt.date.today():
        yield "date", message("date_in_future", date=day.isoformat())
