"""Every report's Chinese workbook is fit to file: title rows, print setup, integers for
counts, and Chinese labels only (no code, module path, 'None' or 'district+' in a cell)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import openpyxl
from sqlmodel import Session

from workforce.codes import code_list
from workforce.reports.output import save_report
from workforce.reports.qualifications import qualifications_report
from workforce.reports.rotation import rotation_report
from workforce.reports.staffing import staffing_report
from workforce.reports.talent import talent_report
from workforce.reports.training import training_report
from workforce.sample import generate_district, load_district

REPORTS = (training_report, talent_report, qualifications_report, staffing_report, rotation_report)
LIST_NAMES = ("subjects", "school_levels", "zones", "post_types", "designation_kinds",
              "designation_tiers", "certificate_levels", "ownership", "teacher_statuses")  # fmt: skip
FORBIDDEN = re.compile(r"\bNone\b|district\+|\boptimizer\.|\bworkforce\.|\bservice\b")


def test_every_chinese_workbook_is_fit_to_file(session: Session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sample = generate_district(teachers=400, seed=11)
    load_district(session, sample)
    session.commit()
    codes = {c.code for name in LIST_NAMES for c in code_list(name).codes}
    checked_cells = 0
    for make in REPORTS:
        report = make(session, as_of=sample.as_of)
        path = tmp_path / f"{report.name}.xlsx"
        save_report(report, path)
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            assert sheet["A1"].value.startswith("源城区"), (report.name, sheet.title)
            assert sheet["A2"].value.startswith(f"统计日期：{sample.as_of.isoformat()}")
            assert "统计范围：" in sheet["A2"].value
            assert sheet["A3"].value.startswith("填报单位：源城区教育局　制表日期：")
            assert sheet.freeze_panes == "A5"
            assert sheet.page_setup.orientation == "landscape"
            assert sheet.page_setup.paperSize == 9  # A4
            # fitToWidth 1 is the format default (left unwritten); height 0 = as many pages as needed
            assert sheet.page_setup.fitToHeight == 0 and sheet.sheet_properties.pageSetUpPr.fitToPage
            assert sheet.print_title_rows == "$1:$4"
            headers = [c.value for c in sheet[4]]
            for row in sheet.iter_rows(min_row=1, values_only=True):
                for value in row:
                    if isinstance(value, str):
                        assert not FORBIDDEN.search(value), (report.name, sheet.title, value)
                        assert value not in codes, (report.name, sheet.title, value)
                        checked_cells += 1
            for col, header in enumerate(headers):
                if header and header.endswith("（人）"):
                    for (value,) in sheet.iter_rows(
                        min_row=5, min_col=col + 1, max_col=col + 1, values_only=True
                    ):
                        assert value is None or float(value).is_integer(), (sheet.title, header)
        with zipfile.ZipFile(path) as archive:
            assert any(n.startswith("xl/worksheets/") for n in archive.namelist())
    assert checked_cells > 10_000
    assert sample.as_of == dt.date(2026, 9, 1)
