"""The workbook the browser test uploads: a small synthetic district (schools, teachers,
certificates, designations, rotation wishes) exported in the templates' layout.

The district is generated (:mod:`workforce.sample`), loaded into a scratch database and
exported with :mod:`workforce.io.exporter` — the same path a clerk's re-import takes.
Principals are exported as ordinary teachers: in a district this small a principal due to
rotate has no principal post to go to, and the test is about the pages, not that conflict.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session

from workforce.db import make_engine, migrate
from workforce.io.entities import SPECS
from workforce.io.exporter import export_rows
from workforce.io.writers import SheetData, write_xlsx
from workforce.models import Teacher
from workforce.sample import generate_district, load_district

SHEETS = ("schools", "teachers", "certificates", "designations", "wishes")


def write_district_workbook(folder: Path, *, teachers: int = 300, seed: int = 1) -> Path:
    """Write ``district.xlsx`` in ``folder``; returns its path."""
    engine = make_engine(f"sqlite:///{folder / 'scratch.sqlite3'}")
    migrate(engine)
    load_district(engine, generate_district(teachers=teachers, seed=seed), actor="e2e")
    with Session(engine) as session:
        session.execute(update(Teacher).values(is_principal=False))
        sheets = [
            SheetData(SPECS[name], export_rows(session, SPECS[name], unmask_id_numbers=True)[0])
            for name in SHEETS
        ]
    engine.dispose()
    path = folder / "district.xlsx"
    write_xlsx(path, sheets, "zh")
    return path
