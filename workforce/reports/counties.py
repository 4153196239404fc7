"""Reports of a prefecture city: one county's schools (``county=``), or a breakdown by county.

A school's county is ``School.county`` (所属县（区）); a registry of one county records none,
and then every report looks as it always did: no county scope, no by-county view. Schools
whose county is not recorded form one group, ``NO_COUNTY`` (""), as in
:func:`workforce.snapshot.counties`, which the rotation plans are made per.
"""

from __future__ import annotations

import pandas as pd

from workforce.models import School
from workforce.reports.result import Note
from workforce.reports.scope import ReportError
from workforce.snapshot import NO_COUNTY

COUNTY_COLUMN = "county"


def county_names(schools: pd.DataFrame) -> pd.Series:
    """Each school's county, ``NO_COUNTY`` where none is recorded (NULL or blank)."""
    return schools[COUNTY_COLUMN].fillna(NO_COUNTY).astype(object).map(lambda c: c or NO_COUNTY)


def has_counties(schools: pd.DataFrame) -> bool:
    """Whether any school has a county recorded (a city's registry, not one county's)."""
    return bool((county_names(schools) != NO_COUNTY).any())


def county_schools(schools: pd.DataFrame, county: str | None) -> pd.DataFrame:
    """The schools of ``county`` (all of them for None); an unknown county is a ReportError
    naming it and the counties recorded."""
    if county is None:
        return schools
    names = county_names(schools)
    if county not in set(names):
        known = "、".join(sorted(c for c in set(names) if c)) or "—"
        raise ReportError.of("unknown_county", county=county, known=known)
    return schools[names == county]


def check_school_in_county(school: School | None, county: str | None) -> None:
    """A report asked for one school and one county must not answer, silently empty, for a
    school of another county: a ReportError naming both."""
    if school is None or county is None:
        return
    actual = school.county or NO_COUNTY
    if actual != county:
        raise ReportError.of(
            "school_outside_county",
            school=school.name,
            code=school.code,
            county=county,
            actual=actual or "—",
        )


def county_parameter(county: str | None) -> dict[str, str]:
    """``{"county": county}`` for a report's parameters when it is of one county; nothing
    otherwise, so a registry without counties gives the reports it always gave."""
    return {} if county is None else {"county": county}


def school_unit(school: School | None) -> Note | None:
    """The reporting unit (填报单位) of a one-school report: the school itself."""
    return None if school is None else Note(zh=school.name, en=school.name)


def scoped_note(scope: Note | None, county: str | None, school: School | None = None) -> Note | None:
    """The report's scope in words with the county and the school in front, when the report
    is of one: a one-school report must not read as the district's."""
    if county is None and school is None:
        return scope
    zh_parts, en_parts = [], []
    if county is not None:
        zh_parts.append(f"县（区）：{county or '未登记县（区）的学校'}")
        en_parts.append(f"County: {county or 'schools without a county recorded'}")
    if school is not None:
        zh_parts.append(f"学校：{school.name}（{school.code}）")
        en_parts.append(f"School: {school.name} ({school.code})")
    zh, en = "；".join(zh_parts), "; ".join(en_parts)
    if scope is None:
        return Note(zh=zh, en=en)
    return Note(zh=f"{zh}；{scope.zh}", en=f"{en}; {scope.en}")
