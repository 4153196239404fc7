"""What an import needs to know of the registry, each loaded with one query: school codes,
staff numbers and ID-number hashes, mapped to ids (and back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cached_property

from sqlalchemy import select
from sqlmodel import Session

from workforce.models import School, Teacher

IN_CHUNK = 500
"""Staff numbers per ``IN (…)`` query (well below every database's parameter limit)."""


class RegistryIndex:
    """Natural keys of schools and teachers in the database; :meth:`refresh` after writes."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @cached_property
    def school_ids(self) -> dict[str, int]:
        return dict(self.session.execute(select(School.code, School.id)).all())

    @cached_property
    def teacher_ids(self) -> dict[str, int]:
        return dict(self.session.execute(select(Teacher.staff_no, Teacher.id)).all())

    @cached_property
    def id_hash_owners(self) -> dict[str, str]:
        """Stored ID-number hash → staff number of the teacher who holds it."""
        rows = self.session.execute(
            select(Teacher.id_number_hash, Teacher.staff_no).where(
                Teacher.id_number_hash.is_not(None)  # type: ignore[union-attr]
            )
        )
        return dict(rows.all())

    def birth_facts(self, staff_nos: Iterable[str], county: str | None
                    ) -> dict[str, tuple[dt.date, str, bool]]:
        """Staff number → (birth date, gender, whether an ID number is on file) of these
        registered teachers — of ``county``'s schools only when given (another county's
        teacher is not looked at: an answer would tell their birth date). Read once per
        teacher for every check of the import that needs them (a birth month read back, a
        birth date or gender beside a stored number); a whole registry re-imported is one
        pass over the table."""
        asked = set(staff_nos)
        read = self._birth_facts_read.setdefault(county, {})
        wanted = sorted(asked - read.keys())
        columns = (Teacher.staff_no, Teacher.birth_date, Teacher.gender,
                   Teacher.id_number_encrypted.is_not(None))  # type: ignore[union-attr]  # fmt: skip
        queries = (
            [select(*columns)]
            if len(wanted) > 4 * IN_CHUNK
            else [
                select(*columns).where(Teacher.staff_no.in_(wanted[start : start + IN_CHUNK]))  # type: ignore[attr-defined]
                for start in range(0, len(wanted), IN_CHUNK)
            ]
        )
        found: dict[str, tuple[dt.date, str, bool]] = {}
        for query in queries:
            if county is not None:
                query = query.join(School, Teacher.school_id == School.id).where(  # type: ignore[arg-type]
                    School.county == county
                )
            found.update((row[0], tuple(row[1:])) for row in self.session.execute(query))
        for staff_no in wanted:
            read[staff_no] = found.get(staff_no)
        return {s: f for s in asked if (f := read.get(s)) is not None}

    @cached_property
    def _birth_facts_read(self) -> dict[str | None, dict[str, tuple[dt.date, str, bool] | None]]:
        """What :meth:`birth_facts` has read, by county asked for (None: not a teacher of that
        county, or not one)."""
        return {}

    def ids(self, target: str) -> dict[str, int]:
        """Key → id for ``schools`` (by code) or ``teachers`` (by staff number)."""
        return self.school_ids if target == "schools" else self.teacher_ids

    def keys(self, target: str) -> dict[int, str]:
        """Id → key, the reverse of :meth:`ids`."""
        return {id_: key for key, id_ in self.ids(target).items()}

    def refresh(self) -> None:
        for name in ("school_ids", "teacher_ids", "id_hash_owners", "_birth_facts_read"):
            self.__dict__.pop(name, None)
