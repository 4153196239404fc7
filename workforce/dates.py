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
        return _from_serial(float(value))
    return _parse_text(str(value).strip())


@lru_cache(maxsize=65536)
def _parse_text(text: str) -> dt.date:
    text = text.split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    m = _YMD.match(text) or _COMPACT.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        try:
            return dt.date(y, mo, d)
        except ValueError:
            raise DateError(f"日期“{text}”不存在", f"{text!r} is not a real date") from None
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _from_serial(float(text))
    raise DateError(
        f"无法识别的日期“{text}”（可写作 2019-09-01、2019/9/1、2019.9.1 或 2019年9月1日）",
        f"unrecognised date {text!r} (write 2019-09-01, 2019/9/1, 2019.9.1 or 2019年9月1日)",
    )


def _from_serial(serial: float) -> dt.date:
    if not 1 <= serial < 2958466 or serial != int(serial):
        raise DateError(f"“{serial:g}”不是有效的Excel日期", f"{serial:g} is not an Excel date")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def years_between(start: dt.date, end: dt.date) -> int:
    """Whole years from ``start`` to ``end`` (an anniversary counts on its day)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years
