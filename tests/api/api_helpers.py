"""Helpers for the API tests (imported by name: pytest puts this folder on ``sys.path``)."""

from __future__ import annotations

import datetime as dt

from workforce.idnumber import check_character


def id_number(birth: dt.date, sequence: int, area: str = "441602") -> str:
    """A valid GB 11643 number; an odd ``sequence`` makes it a man's."""
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)
