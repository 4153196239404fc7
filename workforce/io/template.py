"""The blank template of an entity: the header row the importer expects (each header with
a comment: English header, accepted form, required or not, an example), drop-down lists
for code and yes/no columns, and the codes sheet (Chinese and English labels)."""

from __future__ import annotations

from pathlib import Path

from workforce.io.messages import Language
from workforce.io.spec import EntitySpec
from workforce.io.writers import SheetData, write_xlsx


def write_template(spec: EntitySpec, out: Path, language: Language = "zh") -> None:
    write_xlsx(out, [SheetData(spec, [])], language)
