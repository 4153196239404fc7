"""Pinyin initials of a name, for the teacher search (``zxh`` finds 张小红).

Stored in ``Teacher.name_initials`` when a teacher is created or renamed (registry services,
import, sample loader; migration 0012 fills the rows before it), so a search compares an
indexed column instead of converting 100,000 names per request. Each character's most common
reading is taken (pypinyin's default): a surname read otherwise (曾 zēng is stored ``c``) is
found by its name instead. Characters that are not Chinese keep their lower-case first letter
of each run (``Anna李`` → ``al``); digits and punctuation are left out.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

MAX_LENGTH = 50


@lru_cache(maxsize=100_000)
def name_initials(name: str) -> str:
    """The lower-case initials of ``name``'s syllables (cached: names repeat)."""
    parts = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda text: text.split())
    letters = "".join(part[:1] for part in parts if part[:1].isascii() and part[:1].isalpha())
    return letters.lower()[:MAX_LENGTH]
