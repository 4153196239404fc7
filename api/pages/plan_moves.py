"""The plan page's list of moves, filtered and paged on the server, and the teacher picker of
its pin form.

A district's plan may move 2,000 teachers; the page shows :data:`PAGE_SIZE` of them at a time,
filtered by school (leaving or arriving), subject, direction (urban/rural → urban/rural), key
teacher and a search on name or staff number. The filters live in the address (query
parameters), so a link, the pager and the redirect after pinning keep them. The pin form picks
a teacher by a search box fed by :func:`teacher_matches` (a few matches, never the whole
district), so the page holds no list of every teacher or school per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from urllib.parse import urlencode

from api.i18n.catalogue import UI
from optimizer import Instance
from optimizer.plan import Move
from workforce.services.errors import InvalidInput

PAGE_SIZE = 50
"""Moves a page shows: a screenful or two, whatever the size of the plan."""

DIRECTIONS = ("to_rural", "to_urban", "within_urban", "within_rural")
"""A move's direction by the zones (城区 urban / 乡村 rural) of its two schools."""

MATCHES = 10
"""Teachers the picker offers for what was typed."""


def direction_of(move: Move, zones: dict[str, str]) -> str:
    """The move's direction code (one of :data:`DIRECTIONS`); an unknown school counts as
    urban (a plan's schools are all in its instance, so this does not happen in practice)."""
    rural_from = zones.get(move.from_school) == "rural"
    rural_to = zones.get(move.to_school) == "rural"
    if rural_from == rural_to:
        return "within_rural" if rural_to else "within_urban"
    return "to_rural" if rural_to else "to_urban"


@dataclass(frozen=True)
class MoveFilters:
    """The list's filters as the address gives them; blank means any."""

    school: str = ""
    subject: str = ""
    direction: str = ""
    key: str = ""
    q: str = ""

    def check(self) -> None:
        """Refuse a direction that does not exist (a typo would otherwise show nothing)."""
        if self.direction and self.direction not in DIRECTIONS:
            raise InvalidInput(UI.text("direction_invalid", value=self.direction))

    def matches(self, move: Move, zones: dict[str, str]) -> bool:
        if self.school and self.school not in (move.from_school, move.to_school):
            return False
        if self.subject and move.subject != self.subject:
            return False
        if self.direction and direction_of(move, zones) != self.direction:
            return False
        if self.key and move.is_key != (self.key == "yes"):
            return False
        needle = self.q.strip().casefold()
        return not needle or needle in move.name.casefold() or needle in move.staff_no.casefold()

    def apply(self, moves: Sequence[Move], zones: dict[str, str]) -> list[Move]:
        return [m for m in moves if self.matches(m, zones)]

    def query(self, page: int | None = None) -> str:
        """The query string of these filters (and ``page``), blank values left out."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        if page is not None and page > 1:
            values["page"] = str(page)
        return urlencode({k: v for k, v in values.items() if v})


def parse_page(raw: str) -> int | None:
    """The page number of the address, or None when it is not a whole number from 1."""
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        return None
    number = int(text)
    return number if number >= 1 else None


@dataclass(frozen=True)
class MovePage:
    moves: list[Move]
    matching: int
    page: int
    pages: int


def page_of(moves: list[Move], page: int) -> MovePage:
    """Page ``page`` of ``moves``; a page past the end shows the last one."""
    pages = max(1, -(-len(moves) // PAGE_SIZE))
    page = min(page, pages)
    start = (page - 1) * PAGE_SIZE
    return MovePage(moves[start : start + PAGE_SIZE], len(moves), page, pages)


def teacher_matches(instance: Instance, typed: str, moving: set[str]) -> list[dict[str, object]]:
    """Up to :data:`MATCHES` teachers of the plan's instance whose staff number starts with, or
    whose name contains, ``typed``: exact staff numbers first, then name prefixes."""
    needle = typed.strip().casefold()
    if not needle:
        return []
    names = {s.code: s.name for s in instance.schools}
    found = []
    for teacher in instance.teachers:
        staff_no, name = teacher.staff_no.casefold(), teacher.name.casefold()
        if staff_no == needle:
            rank = 0
        elif staff_no.startswith(needle) or name.startswith(needle):
            rank = 1
        elif needle in name:
            rank = 2
        else:
            continue
        found.append((rank, teacher.staff_no, teacher))
    found.sort(key=lambda item: (item[0], item[1]))
    return [
        {
            "staff_no": t.staff_no,
            "name": t.name,
            "school": names.get(t.school, t.school),
            "moving": t.staff_no in moving,
        }
        for _, _, t in found[:MATCHES]
    ]


def resolve_teacher(instance: Instance, typed: str) -> str:
    """The staff number the pin form's teacher box names: a staff number as is, or a name
    held by exactly one teacher of the instance. Picker choices read "staff no. name"; the
    first word is tried as a staff number."""
    text = typed.strip()
    staff_nos = {t.staff_no for t in instance.teachers}
    if text in staff_nos:
        return text
    first = text.split(" ")[0] if text else ""
    if first in staff_nos:
        return first
    named = [t.staff_no for t in instance.teachers if t.name == text]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise InvalidInput(UI.text("pin_teacher_ambiguous", name=text, count=len(named)))
    raise InvalidInput(UI.text("pin_teacher", staff_no=text))


def resolve_school(instance: Instance, typed: str) -> str:
    """The school code the pin form's school box names: a code, or a school's name."""
    text = typed.strip()
    for school in instance.schools:
        if text in (school.code, school.name):
            return school.code
    return text
