"""Dates as clerks write them: Excel serial dates, ``2019-09-01``, ``2019/9/1``,
``2019.9.1``, ``2019年9月1日`` (also ``2019-9`` style months are refused: a date is a day).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

EXCEL_EPOCH = dt.date(1899, 12, 30)
"""Excel's day zero on Windows (serial 1 = 1900-01-01, with its fictitious 1900-02-29)."""
_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class DateError(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


def parse_date(value: object) -> dt.date:
    """Read one date cell; raise :class:`DateError` naming the value when it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _COMPACT_NUMBERS[0] <= value <= _COMPACT_NUMBERS[1] and value == int(value):
            return _parse_text(str(int(value)))  # 20190901 typed in a number cell
        return _from_serial(float(value))
    return _parse_text(str(value).strip())


_COMPACT_NUMBERS = (1000_01_01, 9999_12_31)
"""A number in this range is a date typed as ``YYYYMMDD`` (Excel keeps it a number): far
beyond the last Excel serial (2958465, 9999-12-31), so the two never meet."""
_TIME = re.compile(r"^(\S+?)(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
"""A time after a date, as a date-and-time cell saved as CSV shows it (``2019/9/1 0:00``,
``2019-09-01 00:00:00``): the day is what counts, as for a date-and-time cell of a workbook."""


@lru_cache(maxsize=65536)
def _parse_text(text: str) -> dt.date:
    timed = _TIME.match(text)
    text = timed.group(1) if timed else text
    m = _YMD.match(text) or _COMPACT.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        try:
            return dt.date(y, mo, d)
        except ValueError:
            raise DateError(f"日期“{text}”不存在", f"{text!r} is not a real date") from None
    shown = _shown(text)
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _from_serial(float(text))
    raise DateError(
        f"无法识别的日期“{shown}”（可写作 2019-09-01、2019/9/1、2019.9.1 或 2019年9月1日）",
        f"unrecognised date {shown!r} (write 2019-09-01, 2019/9/1, 2019.9.1 or 2019年9月1日)",
    )


SHOWN_CHARACTERS = 40
"""How much of a value that is no date its message repeats."""


def _shown(text: str) -> str:
    """``text`` as a message may repeat it: at most :data:`SHOWN_CHARACTERS` (a 10,000-character
    cell was echoed whole), and a lone surrogate (``\ud800`` in JSON), which no encoder takes,
    written as its escape — sent back as it was, it made the answer itself fail (a 500)."""
    cut = text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS] + "…"
    return cut.encode("utf-8", "backslashreplace").decode("utf-8")


def _from_serial(serial: float) -> dt.date:
    if not 1 <= serial < 2958466 or serial != int(serial):
        shown = f"{serial:.15g}"  # 20190901.5, not 2.01909e+07
        raise DateError(f"“{shown}”不是有效的Excel日期", f"{shown} is not an Excel date")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def years_between(start: dt.date, end: dt.date) -> int:
    """Whole years from ``start`` to ``end`` (an anniversary counts on its day)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


CHINA_TIME = dt.timezone(dt.timedelta(hours=8), "CST")
"""Times are stored in UTC and shown in China Standard Time (UTC+8 all year, no DST)."""


def local_time(moment: dt.datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time (naive or aware) as Beijing time, as every page, command and message
    shows it (blank for none): the command line printed UTC where the pages showed Beijing
    time, eight hours apart for one event in an auditor's two views."""
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(CHINA_TIME).strftime(pattern)
