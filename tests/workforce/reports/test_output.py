"""The xlsx and JSON forms of a report, read back from real files."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from workforce.reports.output import save_report
from workforce.reports.result import Column, Note, Report, View
from workforce.reports.scope import ReportError


def _report() -> Report:
    view = View(
        key="v",
        zh="按学校",
        en="By school",
        columns=[
            Column(key="school", zh="学校名称", en="School", kind="text"),
            Column(key="subject", zh="学科", en="Subject", kind="code:subjects"),
            Column(key="n", zh="教师数", en="Teachers", kind="int"),
            Column(key="rate", zh="完成率", en="Completion rate", kind="percent"),
            Column(key="on", zh="日期", en="Date", kind="date"),
            Column(key="ok", zh="达标", en="Meets", kind="bool"),
            Column(key="status", zh="状态", en="Status", kind="enum:training_status"),
        ],
        rows=[
            {
                "school": "源城区某某非常长名字的实验小学",
                "subject": "pe",
                "n": 12,
                "rate": 0.25,
                "on": "2025-08-31",
                "ok": True,
                "status": "at_risk",
            },
            {
                "school": "B",
                "subject": "music",
                "n": 3,
                "rate": None,
                "on": None,
                "ok": False,
                "status": "done",
            },
        ],
    )
    return Report(
        name="demo",
        zh="示例",
        en="Demo",
        as_of=dt.date(2025, 6, 30),
        parameters={"cycle": "2021-2025"},
        views=[view],
        notes=[Note(zh="口径说明", en="Definition")],
    )


def test_xlsx_has_a_sheet_per_view_frozen_header_numbers_and_labels(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "r.xlsx"
    save_report(_report(), path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["按学校", "口径与依据"]
    sheet = book["按学校"]
    assert sheet.freeze_panes == "A5"  # three title rows, then the header
    assert sheet["A1"].value == "源城区示例——按学校"
    assert sheet["A2"].value.startswith("统计日期：2025-06-30")
    assert sheet["A3"].value.startswith("填报单位：源城区教育局　制表日期：")
    assert [c.value for c in sheet[4]] == [
        "学校名称",
        "学科",
        "教师数",
        "完成率（%）",
        "日期",
        "达标",
        "状态",
    ]
    first = [c.value for c in sheet[5]]
    assert first[1:4] == ["体育", 12, 0.25]
    assert first[4] == dt.datetime(2025, 8, 31)
    assert first[5:] == ["是", "有风险"]
    assert sheet["D5"].number_format == "0.0%"
    assert sheet["C6"].value == 3 and sheet["D6"].value is None
    assert sheet.column_dimensions["A"].width >= 30  # the long CJK name fits
    notes = [row[1].value for row in book["口径与依据"].iter_rows(min_row=5)]
    assert "口径说明" in notes and "2021-2025" in notes
    items = [row[0].value for row in book["口径与依据"].iter_rows(min_row=5)]
    assert "培训周期" in items and "cycle" not in items


def test_xlsx_in_english(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "r.xlsx"
    save_report(_report(), path, language="en")
    sheet = openpyxl.load_workbook(path)["By school"]
    assert sheet["B4"].value == "Subject" and sheet["B5"].value == "Physical education"
    assert sheet["G5"].value == "At risk"


def test_json_is_the_typed_result(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "r.json"
    save_report(_report(), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["views"][0]["rows"][0]["rate"] == 0.25
    assert data["views"][0]["columns"][1] == {
        "key": "subject",
        "zh": "学科",
        "en": "Subject",
        "kind": "code:subjects",
    }
    assert Report.model_validate(data) == _report()


def test_other_suffix_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ReportError, match="must end in .xlsx or .json"):
        save_report(_report(), tmp_path / "r.csv")


def test_a_large_view_goes_to_a_csv_in_a_zip_beside_the_workbook(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import csv
    import io
    import zipfile

    path = tmp_path / "r.xlsx"
    written = save_report(_report(), path, detail_rows=1)
    archive = tmp_path / "r-明细.zip"
    assert written == [path, archive]
    sheet = openpyxl.load_workbook(path)["按学校"]
    assert sheet["B4"].value == "学科"
    assert sheet["A5"].value == "本表共 2 行，见同目录压缩包 r-明细.zip 中的 按学校.csv"
    with zipfile.ZipFile(archive) as zf:
        assert zf.namelist() == ["按学校.csv"]
        text = zf.read("按学校.csv").decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == ["源城区示例——按学校"] and rows[2][0].startswith("填报单位：")
    assert rows[3][:4] == ["学校名称", "学科", "教师数", "完成率（%）"]
    assert rows[4][1:7] == ["体育", "12", "25.0%", "2025-08-31", "是", "有风险"]
    assert rows[5][3] == "" and len(rows) == 6
    # below the threshold everything stays in the workbook
    assert save_report(_report(), tmp_path / "s.xlsx", detail_rows=2) == [tmp_path / "s.xlsx"]


def test_a_text_that_excel_would_run_as_a_formula_stays_text_in_the_csv(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A name or note like ``=HYPERLINK(...)`` in the detail CSV was written as is, so Excel
    ran it as a formula on opening; it now carries Excel's text marker, numbers unchanged."""
    import csv
    import io
    import zipfile

    report = _report()
    hostile = ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-1+2", "@SUM(A1)"]
    rows = [{**report.views[0].rows[1], "school": name, "n": -3} for name in hostile]
    report = report.model_copy(
        update={"views": [report.views[0].model_copy(update={"rows": rows})]}
    )
    save_report(report, tmp_path / "r.xlsx", detail_rows=1)
    with zipfile.ZipFile(tmp_path / "r-明细.zip") as zf:
        text = zf.read("按学校.csv").decode("utf-8").removeprefix("\ufeff")
    written = list(csv.reader(io.StringIO(text)))[4:]
    assert [row[0] for row in written] == ["'" + name for name in hostile]
    assert [row[2] for row in written] == ["-3"] * len(hostile)
