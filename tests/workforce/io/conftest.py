"""Fixtures of the import/export tests: real files in ``tmp_path`` and a small registry
loaded through the importer itself."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from workforce.idnumber import check_character
from workforce.io.importer import ImportReport, import_file
from workforce.models import AuditLog

SCHOOLS_HEADER = [
    "学校代码",
    "学校名称",
    "所在街道/镇",
    "城乡类别",
    "学段",
    "各年级班数",
    "核定编制",
]
SCHOOLS_ROWS = [
    ["S01", "埔前中心小学", "埔前", "农村", "小学", "3,3,3,3,3,3", "40"],
    ["S02", "东埔中学", "东埔", "城区", "初中", "8,8,8", "70"],
]
TEACHERS_HEADER = [
    "工号", "姓名", "性别", "出生日期", "身份证号", "用人类型", "学校代码", "到本校任教时间",
    "主教学科", "兼教学科", "职称", "是否班主任",
]  # fmt: skip


def id_number(birth: dt.date, sequence: int, area: str = "441602") -> str:
    """A valid GB 11643 number; an odd ``sequence`` makes a man's number."""
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


LI_ID = id_number(dt.date(1985, 3, 12), 123)
WANG_ID = id_number(dt.date(1990, 7, 1), 222)
TEACHERS_ROWS = [
    ["T001", "李明", "男", "1985-03-12", LI_ID, "在编", "S01", "2015-08-28", "数学", "科学", "一级", "是"],
    ["T002", "王芳", "女", "1990-07-01", WANG_ID, "在编", "S02", "2018-09-01", "语文", "", "二级", "否"],
]  # fmt: skip

WriteCsv = Callable[..., Path]


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    """Write a CSV file: ``write_csv("name.csv", header, rows, encoding="utf-8")``."""

    def write(
        name: str, header: Sequence[str], rows: Sequence[Sequence[object]], encoding: str = "utf-8"
    ) -> Path:
        path = tmp_path / name
        with path.open("w", encoding=encoding, newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    return write


@pytest.fixture
def registry(engine: Engine, write_csv: WriteCsv) -> Engine:
    """Two schools and two teachers, imported through the importer."""
    for name, header, rows in (
        ("schools.csv", SCHOOLS_HEADER, SCHOOLS_ROWS),
        ("teachers.csv", TEACHERS_HEADER, TEACHERS_ROWS),
    ):
        report = import_file(engine, write_csv(name, header, rows), actor="setup")
        assert report.status == "committed", [p.render("en") for p in report.problems]
    return engine


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in id order: to prove that nothing changed."""
    with engine.connect() as conn:
        return {
            table.name: [
                tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key))
            ]
            for table in SQLModel.metadata.sorted_tables
        }


def disclosures_only(
    engine: Engine, before: dict[str, list[tuple]], *, logged: bool = False
) -> list[tuple[str, str, str]]:
    """Assert that nothing changed since ``before`` (a :func:`snapshot`) but entries added to
    the audit log (and their seals; with ``logged``, the import log's too); return those as
    (action, staff number, note): what a dry run writes is the ``unmask`` entries of the
    numbers its answer discloses."""
    after = snapshot(engine)
    appended = {"auditlog", "auditseal"} | ({"importbatch"} if logged else set())
    for table in appended:
        assert after[table][: len(before[table])] == before[table]
    assert {k: v for k, v in after.items() if k not in appended} == {
        k: v for k, v in before.items() if k not in appended}  # fmt: skip
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditLog.action, AuditLog.entity_key, AuditLog.note)
            .where(AuditLog.id > max((row[0] for row in before["auditlog"]), default=0))
            .order_by(AuditLog.id)
        )  # fmt: skip
        return [tuple(row) for row in rows]


def rendered(report: ImportReport) -> list[str]:
    return [p.render("en") for p in report.problems]


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
