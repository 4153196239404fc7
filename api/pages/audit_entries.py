"""Audit entries as a person reads them (issue #13, item 3): the action and what it was about
in words (修改 · 教师), who or what it concerns by name (``T001 张三（源城区第一小学）``, a
school by its name, a plan by its year), each changed field by its sheet header with its values
as code-list labels (not ``senior`` → ``principal_senior``, not raw JSON), and the import a
change came from (batch number and file name).

The values are the reader's view that :func:`workforce.audit.shown_values` already made (birth
dates as months, ID numbers masked); nothing here unmasks. The names are looked up once per
page (one query per kind), so a page of 50 entries costs a handful of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, select

from api.i18n import Language
from api.i18n.catalogue import UI
from api.pages.teacher_values import field_label, shown_value
from api.schemas.accounts import AuditEntryPublic
from workforce.accounts.roles import ROLE_LABELS
from workforce.audit import key_head
from workforce.codes import code_list
from workforce.io.entities import SPECS
from workforce.io.spec import EntitySpec
from workforce.models import ImportBatch, RotationPlan, School, Teacher

SPEC_OF_ENTITY: dict[str, EntitySpec] = {
    **{str(spec.table.name): spec for spec in SPECS.values()},
    "teacher": SPECS["teachers"],
    "school": SPECS["schools"],
    "training": SPECS["training"],
    "designation": SPECS["designations"],
}
"""The import sheet whose headers name an entity's fields: an imported row's entity is its
table's name (``trainingrecord``), a service's its own (``training``)."""
UNCHANGED = object()
BOOKKEEPING = frozenset({"id", "version", "created_at", "updated_at", "name_initials"})
"""Fields a snapshot holds for the database's sake, not a reader's (a row's version counter)."""
ROLE_TEXT = {role.value: text for role, text in ROLE_LABELS.items()}
CODED_BY_PAGE = (
    ({"rotation_plan"}, "status", "status"),
    ({"correction"}, "status", "correction_status"),
    ({"plan_pin"}, "kind", "pin"),
)
"""Coded values the page catalogue names: (entities, field, catalogue prefix)."""


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class ShownEntry:
    """One row of the audit page."""

    at: dt.datetime
    actor: str
    action: str
    entity: str
    subject: str
    changes: tuple[Change, ...]
    note: str | None
    batch: str | None


def describe(
    session: Session, entries: Sequence[AuditEntryPublic], language: Language
) -> list[ShownEntry]:
    """The page's rows for ``entries`` (already the reader's masked view)."""
    names = _Names(session, entries)
    return [
        ShownEntry(
            at=entry.at,
            actor=entry.actor,
            action=_label("audit_action", entry.action, language),
            entity=entity_label(entry.entity, language),
            subject=names.subject(entry),
            changes=tuple(changes(entry.entity, entry.before, entry.after, language, names)),
            note=entry.note,
            batch=names.batch(entry.import_batch_id, language),
        )
        for entry in entries
    ]


def entity_label(entity: str, language: Language) -> str:
    """What an entry is about, in words: an import sheet's name, or the page catalogue's."""
    spec = SPEC_OF_ENTITY.get(entity)
    if spec is not None:
        return spec.zh if language == "zh" else spec.en
    return _label("audit_entity", entity, language)


def changes(
    entity: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    language: Language,
    names: _Names | None = None,
) -> list[Change]:
    """The fields whose value differs between ``before`` and ``after``, in the order the entry
    holds them: all of ``after`` for a creation, all of ``before`` for a deletion."""
    before, after = before or {}, after or {}
    fields = list(dict.fromkeys([*before, *after]))
    shown: list[Change] = []
    for field in fields:
        if field in BOOKKEEPING:
            continue
        old, new = before.get(field, UNCHANGED), after.get(field, UNCHANGED)
        if old == new or (old is UNCHANGED and new is None) or (new is UNCHANGED and old is None):
            continue
        before_text = _value(entity, field, old, language, names)
        after_text = _value(entity, field, new, language, names)
        if before_text != after_text:  # e.g. no other subjects before ([]) and after (None)
            shown.append(Change(_field_label(entity, field, language), before_text, after_text))
    return shown


def _field_label(entity: str, field: str, language: Language) -> str:
    field = field.removesuffix("_masked")  # a service's snapshot of an ID number, masked
    spec = SPEC_OF_ENTITY.get(entity)
    if spec is not None and spec is not SPECS["teachers"]:
        for column in spec.columns:
            if field in (column.key, column.model_field):
                return column.header(language)
    if f"audit_field_{field}" in UI:
        return _label("audit_field", field, language)
    return field_label(field, language)


def _value(entity: str, field: str, value: Any, language: Language, names: _Names | None) -> str:
    if value is UNCHANGED:
        return "—"
    spec = SPEC_OF_ENTITY.get(entity)
    if spec is not None and spec is not SPECS["teachers"] and value not in (None, "", []):
        for column in spec.columns:
            if field in (column.key, column.model_field) and column.code_list:
                return _code_labels(column.code_list, value, language)
    if value is None:
        return "—"
    if field == "school_id" and names is not None:
        return names.school_name(int(value))
    if field == "teacher_id" and names is not None:
        return names.teacher_name(int(value))
    if field == "role" and str(value) in ROLE_TEXT:
        zh, en = ROLE_TEXT[str(value)]
        return zh if language == "zh" else en
    if field == "field" and entity == "correction":
        return field_label(str(value), language)
    for entities, name, prefix in CODED_BY_PAGE:
        if entity in entities and field == name and f"{prefix}_{value}" in UI:
            return _label(prefix, str(value), language)
    if isinstance(value, bool):
        return shown_value("is_principal", value, language)
    return shown_value(field, value, language)


def _code_labels(list_name: str, value: Any, language: Language) -> str:
    codes = code_list(list_name)
    labels = []
    for code in value if isinstance(value, list) else [value]:
        try:
            labels.append(codes.label(code, language))
        except KeyError:
            labels.append(str(code))
    return "、".join(labels)


def _label(prefix: str, code: str, language: Language) -> str:
    """``prefix_code`` from the page catalogue; the code itself when the catalogue has none
    (a test asserts every action and entity the code writes has one)."""
    key = f"{prefix}_{code}"
    if key not in UI:
        return code
    text = UI.text(key)
    return text.zh if language == "zh" else text.en


class _Names:
    """The names the entries of one page mention, read once."""

    def __init__(self, session: Session, entries: Iterable[AuditEntryPublic]) -> None:
        entries = list(entries)
        teacher_ids = {e.teacher_id for e in entries if e.teacher_id is not None} | {
            int(values["teacher_id"])
            for e in entries
            for values in (e.before, e.after)
            if values and isinstance(values.get("teacher_id"), int)
        }
        self.teachers = {
            t.id: (t.staff_no, t.name, t.school_id)
            for t in session.exec(select(Teacher).where(Teacher.id.in_(teacher_ids)))  # type: ignore[union-attr]
        }
        school_ids = {school for _, _, school in self.teachers.values() if school is not None} | {
            int(values["school_id"])
            for e in entries
            for values in (e.before, e.after)
            if values and isinstance(values.get("school_id"), int)
        }
        codes = {e.entity_key for e in entries if e.entity == "school"}
        named = select(School).where(or_(School.id.in_(school_ids), School.code.in_(codes)))  # type: ignore[union-attr]
        self.schools = {s.id: (s.code, s.name) for s in session.exec(named)}
        self.school_by_code = {code: name for code, name in self.schools.values()}
        plan_ids = {
            int(e.entity_key.partition(":")[0])
            for e in entries
            if e.entity in {"rotation_plan", "plan_pin"}
            and e.entity_key.partition(":")[0].isdigit()
        }
        self.plans = {
            p.id: (p.year, p.county)
            for p in session.exec(select(RotationPlan).where(RotationPlan.id.in_(plan_ids)))  # type: ignore[union-attr]
        }
        batch_ids = {e.import_batch_id for e in entries if e.import_batch_id is not None}
        self.batches = {
            b.id: b.file_name
            for b in session.exec(select(ImportBatch).where(ImportBatch.id.in_(batch_ids)))  # type: ignore[union-attr]
        }

    def teacher_name(self, teacher_id: int) -> str:
        found = self.teachers.get(teacher_id)
        return f"{found[0]} {found[1]}" if found else str(teacher_id)

    def school_name(self, school_id: int) -> str:
        return self.schools.get(school_id, ("", str(school_id)))[1]

    def subject(self, entry: AuditEntryPublic) -> str:
        """Who or what the entry is about, by name; the stored key when nothing is on file."""
        if entry.teacher_id in self.teachers:
            staff_no, name, school_id = self.teachers[entry.teacher_id]
            school = self.school_name(school_id) if school_id is not None else ""
            now = f"{staff_no} {name}" + (f"（{school}）" if school else "")
            return now if key_head(entry.entity_key) == staff_no else f"{entry.entity_key} → {now}"
        if entry.entity == "school" and entry.entity_key in self.school_by_code:
            return f"{entry.entity_key} {self.school_by_code[entry.entity_key]}"
        head = entry.entity_key.partition(":")[0]
        if entry.entity in {"rotation_plan", "plan_pin"} and head.isdigit():
            plan = self.plans.get(int(head))
            if plan is not None:
                year, county = plan
                return f"#{head} {year}" + (f" {county}" if county else "")
        return entry.entity_key

    def batch(self, batch_id: int | None, language: Language) -> str | None:
        if batch_id is None:
            return None
        text = UI.text("audit_from_import", batch=batch_id, file=self.batches.get(batch_id, "—"))
        return text.zh if language == "zh" else text.en


AUDIT_ACTIONS = (
    "create", "update", "delete", "unmask", "propose", "accept", "reject", "approve", "apply",
    "supersede", "deactivate", "load_sample", "rotate_secret",
)  # fmt: skip
"""Every action the code writes (``AuditLog.action`` is free text): each has a label
``audit_action_<action>`` in the page catalogue, which a test holds the code to."""
AUDIT_ENTITIES = ("user", "district", "instance", "rotation_plan", "plan_pin", "correction")
"""Entities not named by an import sheet (those are :data:`SPEC_OF_ENTITY`): each has a label
``audit_entity_<entity>``."""
