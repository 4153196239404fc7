"""Export in the template's layout: import → export → import changes nothing; formulas stay
text; ID numbers masked unless asked, and the unmasked export is audited."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.workforce.io.conftest import LI_ID, WANG_ID, rendered, snapshot
from workforce.idnumber import mask
from workforce.io.entities import SPECS, TEACHERS, TRAINING
from workforce.io.exporter import UnknownSchool, export_entity
from workforce.io.importer import import_file
from workforce.models import AuditLog

RECORDS = {
    "certificates.csv": (
        ["工号", "资格种类", "任教学科", "证书编号", "有效期至"],
        [["T001", "小学", "数学", "C-1", "2027-08-31"], ["T002", "初中", "语文", "C-2", ""]],
    ),
    "designations.csv": (
        ["工号", "称号类别", "级别", "学科", "任期开始", "任期结束", "认定单位"],
        [["T001", "骨干教师", "区级", "数学", "2023-09-01", "2026-08-31", "源城区教育局"]],
    ),
    "training.csv": (
        ["工号", "培训日期", "学时", "培训类别", "培训机构", "证书编号", "培训项目"],
        [
            ["T001", "2024-07-15", "24", "集中", '=HYPERLINK("http://x")', "", "+新课标"],
            ["T001", "2024-07-16", "2.5", "校本", "@school", "''7", "-减负"],
        ],
    ),
    "exemptions.csv": (
        ["工号", "暂缓原因", "开始日期", "结束日期", "备注"],
        [["T002", "哺乳期", "2025-03-01", "2026-02-28", ""]],
    ),
    "rotations.csv": (
        ["工号", "原学校代码", "交流学校代码", "交流方式", "开始日期", "计划结束日期"],
        [["T001", "S02", "S01", "交流", "2021-09-01", "2024-08-31"]],
    ),
    "wishes.csv": (
        ["工号", "年度", "志愿顺序", "志愿学校代码"],
        [["T002", "2027", "1", "S01"], ["T002", "2027", "2", "S02"]],
    ),
}


@pytest.fixture
def full_registry(registry, write_csv):
    for name, (header, rows) in RECORDS.items():
        report = import_file(registry, write_csv(name, header, rows), actor="setup")
        assert report.status == "committed", rendered(report)
    return registry


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_import_export_import_changes_nothing_for_every_entity(full_registry, tmp_path, suffix):
    before = snapshot(full_registry)
    for spec in SPECS.values():
        out = tmp_path / f"{spec.name}-export.{suffix}"
        assert export_entity(full_registry, spec, out, actor="clerk") > 0
        report = import_file(full_registry, out, actor="clerk")
        assert report.status == "unchanged", (spec.name, rendered(report), report.counts())
        assert report.changes[0].spec is spec
    after = snapshot(full_registry)
    unchanged_tables = set(after) - {"importbatch", "auditlog"}
    assert {t: after[t] for t in unchanged_tables} == {t: before[t] for t in unchanged_tables}


def test_reimporting_an_unmasked_export_changes_nothing(full_registry, tmp_path):
    out = tmp_path / "teachers.xlsx"
    export_entity(full_registry, TEACHERS, out, actor="hr", unmask_id_numbers=True)
    again = import_file(full_registry, out, actor="hr")
    assert again.status == "unchanged"


def test_formula_like_text_is_written_as_text_in_xlsx_and_protected_in_csv(full_registry, tmp_path):
    xlsx, csv_path = tmp_path / "training.xlsx", tmp_path / "training.csv"
    export_entity(full_registry, TRAINING, xlsx, actor="clerk")
    export_entity(full_registry, TRAINING, csv_path, actor="clerk")
    sheet = openpyxl.load_workbook(xlsx)["继续教育"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value is not None]
    formula_like = [c for c in cells if str(c.value)[0] in "=+-@"]
    assert {c.value for c in formula_like} >= {
        '=HYPERLINK("http://x")',
        "+新课标",
        "@school",
        "-减负",
    }
    assert all(c.data_type == "s" for c in formula_like)
    text = csv_path.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'+新课标" in text and "'@school" in text
    assert "''7" in text  # a text that itself starts with the marker keeps it after the round trip
    for path in (xlsx, csv_path):
        assert import_file(full_registry, path, actor="clerk").status == "unchanged"


def test_id_numbers_are_masked_unless_asked_and_unmasking_is_audited(full_registry, tmp_path):
    masked, clear = tmp_path / "masked.csv", tmp_path / "clear.csv"
    export_entity(full_registry, TEACHERS, masked, actor="clerk")
    text = masked.read_text(encoding="utf-8-sig")
    assert mask(LI_ID) in text and LI_ID not in text
    with Session(full_registry) as session:
        assert not session.exec(select(AuditLog).where(AuditLog.action == "unmask")).all()
    export_entity(full_registry, TEACHERS, clear, actor="hr-chief", unmask_id_numbers=True)
    assert LI_ID in clear.read_text(encoding="utf-8-sig")
    with Session(full_registry) as session:
        entries = session.exec(select(AuditLog).where(AuditLog.action == "unmask")).scalars().all()
    assert {(e.actor, e.entity, e.entity_key) for e in entries} == {
        ("hr-chief", "teacher", "T001"), ("hr-chief", "teacher", "T002")
    }  # fmt: skip
    assert all(LI_ID not in str(e.note) and WANG_ID not in str(e.note) for e in entries)


def test_an_unmasked_export_is_never_on_disk_without_its_audit_entries(full_registry, tmp_path,
                                                                       monkeypatch):
    """Before, the file was written first and the unmasking logged after: a failed commit left
    every full ID number on disk with no entry saying who took them."""
    from workforce.io import exporter

    def failing(*_args, **_kwargs):
        raise RuntimeError("the audit log cannot be written")

    monkeypatch.setattr(exporter.audit, "record_many", failing)
    out = tmp_path / "clear.csv"
    with pytest.raises(RuntimeError):
        export_entity(full_registry, TEACHERS, out, actor="hr-chief", unmask_id_numbers=True)
    assert not out.exists()


def test_an_export_can_be_limited_to_one_school(full_registry, tmp_path):
    out = tmp_path / "s01.csv"
    assert export_entity(full_registry, TEACHERS, out, actor="clerk", school="S01") == 1
    assert "T001" in out.read_text(encoding="utf-8-sig") and "T002" not in out.read_text(
        encoding="utf-8-sig"
    )
    assert (
        export_entity(full_registry, TRAINING, tmp_path / "t.csv", actor="clerk", school="S02") == 0
    )
    with pytest.raises(UnknownSchool):
        export_entity(full_registry, TEACHERS, out, actor="clerk", school="S99")


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_masked_export_shows_birth_months_and_imports_back_unchanged(
    full_registry, tmp_path, suffix
):
    """The command's masked export wrote each full birth date beside the masked number: with
    the area and the gender, the day leaves 500 numbers where the month leaves 14,000 — the
    masking rule shows the month (docs/security.md), as the web export does. The month imports
    back as the stored date."""
    masked, clear = tmp_path / f"masked.{suffix}", tmp_path / f"clear.{suffix}"
    export_entity(full_registry, TEACHERS, masked, actor="clerk")
    export_entity(full_registry, TEACHERS, clear, actor="hr", unmask_id_numbers=True)

    def births(path):
        if suffix == "csv":
            lines = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
        else:
            lines = [[c.value for c in r] for r in openpyxl.load_workbook(path).worksheets[0].rows]
        at = lines[0].index("出生日期")
        return [str(line[at])[:10] for line in lines[1:]]

    assert births(masked) == ["1985-03", "1990-07"]
    assert births(clear) == ["1985-03-12", "1990-07-01"]
    before = snapshot(full_registry)
    again = import_file(full_registry, masked, actor="clerk")
    assert again.status == "unchanged", rendered(again)
    after = snapshot(full_registry)
    assert len(after.pop("importbatch")) == len(before.pop("importbatch")) + 1
    assert after == before
