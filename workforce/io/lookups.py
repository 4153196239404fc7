"""What an import needs to know of the registry, each loaded with one query: school codes,
staff numbers and ID-number hashes, mapped to ids (and back).
"""

from __future__ import annotations

from functools import cached_property

from sqlalchemy import select
from sqlmodel import Session

from workforce.models import School, Teacher


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

    def ids(self, target: str) -> dict[str, int]:
        """Key → id for ``schools`` (by code) or ``teachers`` (by staff number)."""
        return self.school_ids if target == "schools" else self.teacher_ids

    def keys(self, target: str) -> dict[int, str]:
        """Id → key, the reverse of :meth:`ids`."""
        return {id_: key for key, id_ in self.ids(target).items()}

    def refresh(self) -> None:
        for name in ("school_ids", "teacher_ids", "id_hash_owners"):
            self.__dict__.pop(name, None)
