"""What every report is asked about: the as-of date and, optionally, one school.

Bad input (an unknown school code) raises :class:`ReportError` with Chinese and English text,
which the CLI prints as is; the web API maps it to a 4xx response.
"""

from __future__ import annotations

from sqlmodel import Session, select

from workforce.models import School
from workforce.reports.messages import error


class ReportError(ValueError):
    """A report cannot be made as asked; ``zh`` and ``en`` say why, naming the input."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    @classmethod
    def of(cls, key: str, **values: object) -> ReportError:
        return cls(error(key, "zh", **values), error(key, "en", **values))


def school_by_code(session: Session, code: str | None) -> School | None:
    """The school with ``code``; None when no code is given; ReportError when unknown."""
    if code is None:
        return None
    school = session.exec(select(School).where(School.code == code)).first()
    if school is None:
        raise ReportError.of("unknown_school", code=code)
    return school
