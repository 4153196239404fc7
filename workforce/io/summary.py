"""An import report as lines for people: status, per-sheet counts, field-by-field changes
(before → after, codes as labels), problems and notices; long lists are cut at ``limit``
with a line saying how many more there are (the error report file has them all)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from workforce.idnumber import birth_month
from workforce.io.changes import FieldChange
from workforce.io.importer import ImportReport
from workforce.io.messages import Language, message
from workforce.io.spec import EntitySpec


def summary_lines(report: ImportReport, language: Language = "zh", limit: int = 100) -> list[str]:
    lines = [n.render(language) for n in report.notices]
    if report.status == "failed":
        lines += _capped(
            (p.render(language) for p in report.problems), len(report.problems), limit, language
        )
        lines.append(message("failed", count=len(report.problems)).render(language))
        return lines
    if report.status == "dry_run":
        lines.append(message("dry_run").render(language))
    for changes in report.changes:
        spec = changes.spec
        lines.append(
            message(
                "sheet_summary", entity=spec.zh, entity_en=spec.en,
                rows=len(changes.parsed.records), created=len(changes.creates),
                updated=len(changes.updates), unchanged=changes.unchanged,
            ).render(language)
        )  # fmt: skip
    changes = [
        (c.spec, c.parsed.records[u.position], f)
        for c in report.changes
        for u in c.updates
        for f in u.changes
    ]
    lines += _capped(
        (_change_line(spec, record, f, language) for spec, record, f in changes),
        len(changes), limit, language,
    )  # fmt: skip
    if report.status == "unchanged":
        lines.append(message("nothing_changed").render(language))
    elif report.status == "committed":
        lines.append(message("committed", batch=report.batch_id).render(language))
    return lines


def _capped(lines: Iterator[str], total: int, limit: int, language: Language) -> list[str]:
    out = [line for _, line in zip(range(limit), lines, strict=False)]
    if total > limit:
        out.append(message("more_lines", count=total - limit).render(language))
    return out


def _change_line(
    spec: EntitySpec, record: dict[str, Any], change: FieldChange, language: Language
) -> str:
    return message(
        "field_change",
        entity=spec.label(language),
        key=spec.key_text(record),
        header=change.column.header(language),
        before=_shown(change, change.before, language),
        after=_shown(change, change.after, language),
    ).render(language)


def _shown(change: FieldChange, value: Any, language: Language) -> str:
    if value is None or value == []:
        return message("blank").render(language)
    if change.column.key == "id_number":
        return str(value)  # already masked
    if change.column.key == "birth_date":
        return str(birth_month(value))  # the day would give the masked number back
    return str(change.column.cell.export(value, language))
