"""Code lists (subjects, levels, education, titles, designation kinds …) kept as data.

Each list is a CSV file in ``data/codes/`` with at least ``code``, ``zh`` and ``en``
columns and an optional ``aliases`` column (``;``-separated). Sheets written by clerks
may use the code, the Chinese label, the English label or an alias; :func:`CodeList.parse`
accepts all of them and returns the code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache

from workforce.config import DATA_DIR

CODES_DIR = DATA_DIR / "codes"


@dataclass(frozen=True)
class Code:
    code: str
    zh: str
    en: str
    extra: dict[str, str] = field(default_factory=dict)

    def label(self, language: str = "zh") -> str:
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True)
class CodeList:
    name: str
    codes: tuple[Code, ...]
    _lookup: dict[str, str] = field(repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        for c in self.codes:
            names = [c.code, c.zh, c.en, *c.extra.get("aliases", "").split(";")]
            for name in names:
                key = _normalise(name)
                if key:
                    self._lookup.setdefault(key, c.code)

    def parse(self, value: str) -> str | None:
        """The code that ``value`` names (code, label or alias, any case), else None."""
        return self._lookup.get(_normalise(value))

    def __contains__(self, code: object) -> bool:
        return any(c.code == code for c in self.codes)

    def get(self, code: str) -> Code:
        for c in self.codes:
            if c.code == code:
                return c
        raise KeyError(f"{code!r} is not in code list {self.name!r}")

    def label(self, code: str | None, language: str = "zh") -> str:
        return "" if code is None else self.get(code).label(language)

    def attribute(self, code: str, column: str) -> str:
        return self.get(code).extra[column]

    @property
    def code_values(self) -> list[str]:
        return [c.code for c in self.codes]


def _normalise(text: str) -> str:
    return "".join(str(text).split()).casefold()


@lru_cache
def code_list(name: str) -> CodeList:
    """Load ``data/codes/<name>.csv``."""
    path = CODES_DIR / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    codes = tuple(
        Code(
            code=row["code"],
            zh=row["zh"],
            en=row["en"],
            extra={k: (v or "") for k, v in row.items() if k not in {"code", "zh", "en"}},
        )
        for row in rows
    )
    return CodeList(name=name, codes=codes)


def all_code_lists() -> list[CodeList]:
    return [code_list(p.stem) for p in sorted(CODES_DIR.glob("*.csv"))]


def list_label(name: str, language: str) -> str:
    """A code list as users call it (``titles`` → 职称, ``post_types`` → 用人类型): messages and
    the template's codes sheet named the lists by their file names, ``代码表“titles”``."""
    from texts import exists, text

    message_id = f"codes.list.{name}"
    return text(message_id, language) if exists(message_id) else name
