"""Cell types: how one spreadsheet cell is read into a registry value and written back.

Each type has ``parse(raw)`` (a non-blank cell as calamine or the CSV reader gives it:
``str``, ``float``, ``int``, ``bool``, ``date`` or ``datetime``) that returns the value or
raises :class:`CellError`, and ``export(value, language)`` that gives what a sheet shows
(text, number or date) such that parsing it again yields the same value — the round trip
import → export → import changes nothing. Parsing is deterministic: the importer parses
each distinct raw value of a column once (dates, codes and flags repeat a lot).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, ClassVar

from workforce.codes import code_list, list_label
from workforce.dates import DateError, parse_date
from workforce.idnumber import IdNumberError, normalised_id_number
from workforce.io.messages import Language, Text, message, message_each

LIST_SEPARATORS = re.compile(r"[、;；，,]")
"""Separators clerks put between codes in one cell (、 ; ； ， ,)."""
YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "t"})
NO = frozenset({"否", "n", "no", "false", "0", "×", "f"})


class CellError(ValueError):
    """A cell that cannot be read; ``text`` says why in both languages."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


LINE_BREAKS = frozenset("\n\r\t")
"""Control characters a multi-line text (a note) may hold: line breaks and tabs."""


@cache
def _translation() -> dict[int, str | None]:
    """What every text cell goes through (issue #15), as one ``str.translate`` table:

    - format characters (Unicode category Cf: zero-width space and joiners, the BOM, bidi
      marks, soft hyphen, tags) are dropped — invisible, they would make a different key;
    - a digit or Latin letter in any compatibility form (full-width ``１２Ａ``, circled,
      super- or subscript …) becomes its ASCII form, as NFKC maps it;
    - any other space (no-break, ideographic U+3000 …) becomes an ASCII space.

    Other characters — Chinese, full-width punctuation such as （ ） — are left as written.
    Built once, over the planes that hold such characters (the basic and supplementary
    multilingual planes and the tags; the ideograph planes have none): about 0.1 s.
    """
    table: dict[int, str | None] = {}
    for point in (*range(0x20000), *range(0xE0000, 0xE1000)):
        char = chr(point)
        category = unicodedata.category(char)
        if category == "Cf":
            table[point] = None
        elif point > 127:
            if category == "Zs":
                table[point] = " "
                continue
            mapped = unicodedata.normalize("NFKC", char)
            if mapped != char and mapped.isascii() and mapped.isalnum():
                table[point] = mapped
    return table


def _refused_character(text: str, multiline: bool) -> str | None:
    """The first character a text cell may not hold: a control character (Cc; line breaks
    and tabs only where ``multiline``), a line or paragraph separator in a single-line
    cell, or a lone surrogate (no file can carry one)."""
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc":
            if not (multiline and char in LINE_BREAKS):
                return char
        elif category == "Cs" or (category in ("Zl", "Zp") and not multiline):
            return char
    return None


def character_name(char: str) -> str:
    """``U+0000`` and the character's Unicode name (or its category for control ones)."""
    name = unicodedata.name(char, "") or {"Cc": "CONTROL", "Cs": "SURROGATE"}.get(
        unicodedata.category(char), "?"
    )
    return f"U+{ord(char):04X} {name}"


def clean_text(text: str, *, multiline: bool = False) -> str:
    """A text cell normalised (see :func:`_translation`; a note's line breaks as ``\n``) and
    trimmed; raises :class:`CellError` naming the first control character it holds.

    Plain printable ASCII — almost every staff number, code and date — is only trimmed.
    """
    if text.isascii() and text.isprintable():
        return text.strip()
    refused = _refused_character(text, multiline)
    if refused is not None:
        raise CellError(message("control_character", character=character_name(refused)))
    if multiline:  # one kind of line break, whichever system wrote the file
        text = text.replace("\r\n", "\n").translate(_LINE_BREAK_FORMS)
    return text.translate(_translation()).strip()


_LINE_BREAK_FORMS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n"})
"""A note's line breaks as stored: a lone carriage return (old Mac files) and the Unicode line
and paragraph separators become ``\n``, as ``\r\n`` (Windows) does before them."""


def stripped_texts(raws: list[str]) -> list[str] | None:
    """``as_text`` of many ``str`` cells in one pass: a column of staff numbers or names
    holds as many distinct values as rows, so parsing each on its own costs a call per row.
    None when some cell is refused: the caller then parses cell by cell to report each."""
    try:
        return [clean_text(raw) for raw in raws]
    except CellError:
        return None


def as_text(raw: object) -> str:
    """A cell as text, cleaned (:func:`clean_text`); an integral number (Excel's 123.0)
    becomes ``"123"``."""
    if isinstance(raw, str):
        return clean_text(raw)
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime) and raw.time() == dt.time():
        return raw.date().isoformat()
    return str(raw).strip()


@dataclass(frozen=True)
class TextCell:
    max_length: int | None = None
    multiline: bool = False
    """Whether line breaks and tabs are allowed (a note); names and codes are single-line."""
    forbidden: str = ""
    """Characters a key may not hold (a staff number: a space, or the separators that end it
    in an audit entry's key, :mod:`workforce.accounts.audit_scope`)."""
    describe: ClassVar[Text] = Text("文本", "text")

    def parse(self, raw: object) -> str:
        text = clean_text(raw, multiline=self.multiline) if isinstance(raw, str) else as_text(raw)
        if self.max_length is not None and len(text) > self.max_length:
            raise CellError(message("too_long", limit=self.max_length))
        if self.forbidden and not set(text).isdisjoint(self.forbidden):
            shown = " ".join("空格" if c == " " else c for c in self.forbidden)
            raise CellError(message("forbidden_characters", characters=shown))
        return text

    def parse_texts(self, raws: list[str]) -> list[str | None] | None:
        """:meth:`parse` of a column of text cells at once (blank ones None), or None when
        a cell is refused (too long, a control character): the caller then parses cell by
        cell, to report each."""
        texts = None if self.multiline else stripped_texts(raws)
        if texts is None:
            return None
        if self.max_length is not None and max(map(len, texts), default=0) > self.max_length:
            return None
        if self.forbidden and any(not set(self.forbidden).isdisjoint(t) for t in texts):
            return None
        return [text or None for text in texts]

    def export(self, value: Any, language: Language) -> Any:
        return value


_SPACE_BETWEEN_HAN = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def person_name(text: str) -> str:
    """A person's name without the spaces between its Chinese characters: ``李 芳`` (two
    characters lined up with three in an Excel column, a common habit) is 李芳. A Chinese name
    never holds a space there — minority names join their parts with ``·`` — and kept, the
    space made a second spelling of one teacher that a search for 李芳 did not find."""
    return _SPACE_BETWEEN_HAN.sub("", text) if " " in text else text


@dataclass(frozen=True)
class NameCell(TextCell):
    """A person's name: text, then :func:`person_name`."""

    def parse(self, raw: object) -> str:
        return person_name(super().parse(raw))

    def parse_texts(self, raws: list[str]) -> list[str | None] | None:
        texts = super().parse_texts(raws)
        return None if texts is None else [t and person_name(t) for t in texts]


DATABASE_INT_MAX = 2**31 - 1
"""The largest whole number an ``INTEGER`` column holds on PostgreSQL: a count beyond it
(在校生数 1E+20) passed the checks and then failed the write — a traceback on SQLite, a
refusal naming no row on PostgreSQL — or, below SQLite's 2**63, was stored."""


@dataclass(frozen=True)
class IntCell:
    minimum: int | None = 0
    maximum: int = DATABASE_INT_MAX
    describe: ClassVar[Text] = Text("整数", "whole number")

    def parse(self, raw: object) -> int:
        try:
            number = float(as_text(raw)) if not isinstance(raw, (int, float)) else raw
        except ValueError:
            raise CellError(message("not_int", value=as_text(raw))) from None
        if isinstance(raw, bool) or not float(number).is_integer():
            raise CellError(message("not_int", value=as_text(raw)))
        value = int(number)
        if self.minimum is not None and value < self.minimum:
            raise CellError(message("below_minimum", minimum=self.minimum))
        if value > self.maximum:
            raise CellError(message("above_maximum", maximum=f"{self.maximum:,}"))
        return value

    def export(self, value: Any, language: Language) -> Any:
        return value


@dataclass(frozen=True)
class DecimalCell:
    """A decimal such as class hours (学时); ``positive`` refuses 0 and below."""

    places: int = 1
    positive: bool = True
    describe: ClassVar[Text] = Text("数字（可带一位小数）", "number (one decimal place)")

    def parse(self, raw: object) -> Decimal:
        try:
            value = Decimal(repr(raw) if isinstance(raw, float) else as_text(raw))
        except InvalidOperation:
            raise CellError(message("not_number", value=as_text(raw))) from None
        if not value.is_finite():
            raise CellError(message("not_number", value=as_text(raw)))
        if self.positive and value <= 0:
            raise CellError(message("not_positive"))
        rounded = value.quantize(Decimal(1).scaleb(-self.places))
        if rounded != value:
            raise CellError(message("too_many_places", places=self.places))
        return rounded

    def export(self, value: Any, language: Language) -> Any:
        return float(value)


@dataclass(frozen=True)
class FloatCell:
    """A coordinate or other real number within ``[minimum, maximum]``."""

    minimum: float
    maximum: float
    describe: ClassVar[Text] = Text("数字", "number")

    def parse(self, raw: object) -> float:
        try:
            value = float(raw) if isinstance(raw, (int, float)) else float(as_text(raw))
        except ValueError:
            raise CellError(message("not_number", value=as_text(raw))) from None
        if value != value or value < self.minimum:
            raise CellError(message("below_minimum", minimum=self.minimum))
        if value > self.maximum:
            raise CellError(message("above_maximum", maximum=self.maximum))
        return value

    def export(self, value: Any, language: Language) -> Any:
        return value


@dataclass(frozen=True)
class BoolCell:
    describe: ClassVar[Text] = Text("是/否", "是 (yes) / 否 (no)")

    def parse(self, raw: object) -> bool:
        if isinstance(raw, bool):
            return raw
        text = as_text(raw).casefold()
        if text in YES:
            return True
        if text in NO:
            return False
        raise CellError(message("not_bool", value=as_text(raw)))

    def export(self, value: Any, language: Language) -> Any:
        return message("yes" if value else "no").render(language)


@dataclass(frozen=True)
class DateCell:
    describe: ClassVar[Text] = Text(
        "日期（2019-09-01、2019/9/1、2019.9.1 或 2019年9月1日）",
        "date (2019-09-01, 2019/9/1, 2019.9.1 or 2019年9月1日)",
    )

    def parse(self, raw: object) -> dt.date:
        try:
            return parse_date(as_text(raw) if isinstance(raw, str) else raw)
        except DateError as error:
            raise CellError(Text.of(error)) from None

    def export(self, value: Any, language: Language) -> Any:
        return value


@dataclass(frozen=True)
class BirthMonth:
    """A birth date written as its month, as a masked export shows it (``1985-03``,
    :func:`workforce.idnumber.birth_month`): it means the stored birth date, when that lies in
    this month (:func:`workforce.io.validate.birth_months`)."""

    year: int
    month: int
    text: str


_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


@dataclass(frozen=True)
class CareerMonthCell(DateCell):
    """A date of a career (参加工作时间, 到本校任教时间): also its month alone, as personnel
    files record them (``2015.9``, ``2015年9月``, ``2015-09``), read as the month's first day.
    Refused, a clerk's sheet of months failed on every row; the day does not matter to any
    rule (years at a school, of service), and the dry run shows the date kept."""

    describe: ClassVar[Text] = Text(
        "日期（2019-09-01、2019/9/1、2019.9.1 或 2019年9月1日）；只写年月（如 2015.9、"
        "2015年9月）按当月1日记录",
        "date (2019-09-01, 2019/9/1, 2019.9.1 or 2019年9月1日); a month alone (2015.9, "
        "2015年9月) is read as its first day",
    )

    def parse(self, raw: object) -> dt.date:
        if isinstance(raw, str):
            found = _MONTH.match(as_text(raw))
            if found and 1 <= int(found.group(2)) <= 12:
                return super().parse(f"{found.group(1)}-{int(found.group(2)):02d}-01")
        return super().parse(raw)


@dataclass(frozen=True)
class BirthDateCell(DateCell):
    """A birth date; also its month alone (:class:`BirthMonth`), as masked exports write it."""

    describe: ClassVar[Text] = Text(
        "日期（2019-09-01、2019/9/1、2019.9.1 或 2019年9月1日）；"
        "已登记教师可写遮蔽导出的年月（如 1985-03），表示不修改",
        "date (2019-09-01, 2019/9/1, 2019.9.1 or 2019年9月1日); for a registered teacher "
        "the month a masked export shows (e.g. 1985-03) means unchanged",
    )

    def parse(self, raw: object) -> dt.date | BirthMonth:  # type: ignore[override]
        if isinstance(raw, str):
            text = as_text(raw)
            found = _MONTH.match(text)
            if found and 1 <= int(found.group(2)) <= 12:
                return BirthMonth(int(found.group(1)), int(found.group(2)), text)
        return super().parse(raw)


@dataclass(frozen=True)
class CodeCell:
    """One code of a code list, written as its code, Chinese or English label or an alias."""

    codes: str

    @property
    def describe(self) -> Text:
        return Text(f"{list_label(self.codes, 'zh')}代码表",
                    f"the {list_label(self.codes, 'en')} code list")

    def parse(self, raw: object) -> str:
        found = code_list(self.codes).parse(as_text(raw))
        if found is None:
            raise CellError(self._not_found(as_text(raw)))
        return found

    def _not_found(self, value: str) -> Text:
        codes = code_list(self.codes).codes
        return message_each(
            "not_in_codes",
            zh={"value": value, "codes": list_label(self.codes, "zh"),
                "choices": "、".join(c.zh for c in codes)},
            en={"value": value, "codes": list_label(self.codes, "en"),
                "choices": ", ".join(c.en for c in codes)},
        )

    def export(self, value: Any, language: Language) -> Any:
        return code_list(self.codes).label(value, language)


@dataclass(frozen=True)
class CodesCell(CodeCell):
    """Several codes in one cell, separated by 、 ; ； ， or , (e.g. other subjects)."""

    @property
    def describe(self) -> Text:
        return Text(
            f"代码表“{self.codes}”，多个用“、”分隔",
            f"code list {self.codes!r}, several separated by 、",
        )

    def parse(self, raw: object) -> list[str]:
        values = [part.strip() for part in LIST_SEPARATORS.split(as_text(raw)) if part.strip()]
        return [CodeCell.parse(self, part) for part in values]

    def export(self, value: Any, language: Language) -> Any:
        labels = code_list(self.codes)
        return "、".join(labels.label(code, language) for code in value)


@dataclass(frozen=True)
class IntListCell:
    """Whole numbers in one cell, e.g. classes per grade ``3,3,3,3,3,3``."""

    describe: ClassVar[Text] = Text(
        "逗号分隔的整数，如 3,3,3,3,3,3", "whole numbers, e.g. 3,3,3,3,3,3"
    )

    def parse(self, raw: object) -> list[int]:
        if isinstance(raw, float) and raw.is_integer() and raw >= 0:
            return [int(raw)]
        parts = [part.strip() for part in LIST_SEPARATORS.split(as_text(raw)) if part.strip()]
        if not parts or not all(part.isdigit() for part in parts):
            raise CellError(message("not_int_list", value=as_text(raw)))
        return [int(part) for part in parts]

    def export(self, value: Any, language: Language) -> Any:
        return ",".join(str(n) for n in value)


MASK_CHARACTER = "*"


@dataclass(frozen=True)
class IdNumberCell:
    """A resident ID number; a masked one (with ``*``) is kept as text and means "unchanged"."""

    describe: ClassVar[Text] = Text(
        "18位身份证号（文本格式）；含 * 的掩码表示不修改",
        "18-character ID number (as text); a masked one with * means unchanged",
    )

    def parse(self, raw: object) -> str:
        if isinstance(raw, str):
            raw = as_text(raw)  # full-width digits and X, zero-width characters
            if MASK_CHARACTER in raw:
                return raw
        try:
            return normalised_id_number(raw)
        except IdNumberError as error:
            raise CellError(Text.of(error)) from None

    def export(self, value: Any, language: Language) -> Any:
        return value


@dataclass(frozen=True)
class ReferenceCell:
    """The natural key of another record: a school code or a teacher's staff number."""

    target: str
    """``schools`` or ``teachers``: whose key the cell holds."""

    @property
    def describe(self) -> Text:
        if self.target == "schools":
            return Text(
                "学校代码（须已存在或在本文件中）", "school code (existing or in this file)"
            )
        return Text("工号（须已存在或在本文件中）", "staff number (existing or in this file)")

    def parse(self, raw: object) -> str:
        return as_text(raw)

    def parse_texts(self, raws: list[str]) -> list[str | None] | None:
        """:meth:`parse` of a column of text cells at once (blank ones None), or None when
        a cell is refused (the caller then parses cell by cell)."""
        texts = stripped_texts(raws)
        return None if texts is None else [text or None for text in texts]

    def export(self, value: Any, language: Language) -> Any:
        return value


CellType = (
    TextCell
    | IntCell
    | DecimalCell
    | FloatCell
    | BoolCell
    | DateCell
    | CodeCell
    | CodesCell
    | IntListCell
    | IdNumberCell
    | ReferenceCell
)
