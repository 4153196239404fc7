"""What every report is asked about: the as-of date and, optionally, one school; and what each
indicator covers (``data/reports/scopes.yaml``: schools by ownership and level, post types
counted, groups shown separately, with the source).

Bad input (an unknown school code) raises :class:`ReportError` with Chinese and English text,
which the CLI prints as is; the web API maps it to a 4xx response.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlmodel import Session, select

from workforce.codes import code_list
from workforce.config import DATA_DIR, read_yaml
from workforce.models import School
from workforce.reports.messages import error
from workforce.reports.result import Note


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


SCOPES_FILE = DATA_DIR / "reports" / "scopes.yaml"


class IndicatorScope(BaseModel):
    """Which schools an indicator covers and which teachers count there
    (``data/reports/scopes.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    zh: str
    en: str
    ownership: tuple[Literal["public", "private"], ...]
    levels: tuple[str, ...]
    post_types: dict[Literal["public", "private"], Literal["all"] | tuple[str, ...]]
    separately: tuple[Literal["kindergarten", "private"], ...] = ()
    source: str

    def covers_school(self, ownership: str, level: str) -> bool:
        return ownership in self.ownership and level in self.levels

    def counts_teacher(self, ownership: str, post_type: str) -> bool:
        """Whether a teacher of ``post_type`` at a school of ``ownership`` counts."""
        allowed = self.post_types.get(ownership)  # type: ignore[call-overload]
        return allowed == "all" or (allowed is not None and post_type in allowed)

    def group(self, ownership: str, level: str) -> str | None:
        """``headline`` for a school in scope, the separate group it belongs to
        (``kindergarten``, ``private``), or None when the indicator leaves it out."""
        if "private" in self.separately and ownership == "private":
            return "private"
        if "kindergarten" in self.separately and level == "kindergarten":
            return "kindergarten"
        return "headline" if self.covers_school(ownership, level) else None

    def describe(self, language: str) -> str:
        """The scope in words, for a title row or a note."""
        levels = code_list("school_levels")
        owners = code_list("ownership")
        sep = "、" if language == "zh" else ", "
        schools = sep.join(owners.label(o, language) for o in self.ownership)
        stages = sep.join(levels.label(level, language) for level in self.levels)
        if language == "zh":
            text = f"{schools}学校（{stages}）"
            if self.separately:
                apart = "、".join({"kindergarten": "幼儿园", "private": "民办学校"}[g] for g in self.separately)
                text += f"；{apart}单列"
            return text
        text = f"{schools} schools ({stages})"
        if self.separately:
            text += "; " + ", ".join(
                {"kindergarten": "kindergartens", "private": "private schools"}[g]
                for g in self.separately
            ) + " shown separately"
        return text


class Named(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    zh: str
    en: str


class ReportScopes(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    district: Named
    issuer: Named
    indicators: dict[str, IndicatorScope]

    def note(self, *keys: str) -> Note:
        """The scope of ``keys`` in words, as a report's ``scope``."""
        return Note(
            zh="；".join(f"{self[k].zh}：{self[k].describe('zh')}" for k in keys),
            en="; ".join(f"{self[k].en}: {self[k].describe('en')}" for k in keys),
        )

    def __getitem__(self, key: str) -> IndicatorScope:
        return self.indicators[key]


def load_scopes(path: Path | None = None) -> ReportScopes:
    """Read ``data/reports/scopes.yaml`` (or ``path``); a broken file is a ReportError."""
    path = path or SCOPES_FILE
    try:
        scopes = ReportScopes(**read_yaml(path))
    except (ValidationError, TypeError, yaml.YAMLError) as exc:
        raise ReportError.of("bad_targets", path=str(path), detail=str(exc)) from None
    for key, scope in scopes.indicators.items():
        unknown = set(scope.levels) - set(code_list("school_levels").code_values)
        if unknown:
            raise ReportError.of(
                "bad_targets", path=str(path), detail=f"{key}: unknown levels {sorted(unknown)}"
            )
    return scopes


@lru_cache
def default_scopes() -> ReportScopes:
    return load_scopes()
