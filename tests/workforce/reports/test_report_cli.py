"""``workforce report …`` end to end: a real database, real output files, clear errors."""

from __future__ import annotations

import datetime as dt

import openpyxl
from typer.testing import CliRunner

from workforce.cli import app

runner = CliRunner()


def _district(build) -> None:  # type: ignore[no-untyped-def]
    school = build.school("U1")
    teacher = build.teacher(school)
    build.training(teacher, 360, dt.date(2022, 1, 1))
    build.teacher(school)
    build.session.commit()


def test_training_report_to_xlsx_json_and_chart(build, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _district(build)
    out, chart = tmp_path / "training.xlsx", tmp_path / "training.png"
    result = runner.invoke(
        app,
        [
            "report",
            "training",
            "--cycle",
            "2021-2025",
            "--as-of",
            "2025-06-30",
            "--out",
            str(out),
            "--chart",
            str(chart),
        ],
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "全区汇总"
    district = book["全区汇总"]
    assert [district["A4"].value, district["B4"].value] == ["统计范围", "教师数（人）"]
    assert [district["A5"].value, district["B5"].value] == ["中小学教师（总体）", 2]
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    json_out = tmp_path / "training.json"
    result = runner.invoke(
        app, ["report", "training", "--as-of", "2025/6/30", "--out", str(json_out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert '"completion_rate": 0.5' in json_out.read_text(encoding="utf-8")


def test_bad_input_gets_a_clear_message_not_a_traceback(build, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _district(build)
    cases = [
        (["--school", "X9", "--out", str(tmp_path / "a.xlsx")], "学校代码“X9”不存在"),
        (["--out", str(tmp_path / "a.csv")], "须以 .xlsx 或 .json 结尾"),
        (["--as-of", "2025-13-01", "--out", str(tmp_path / "a.xlsx")], "不存在"),
        (["--cycle", "2016-2020", "--out", str(tmp_path / "a.xlsx")], "培训周期“2016-2020”不存在"),
        (
            ["--as-of", "2019-01-01", "--out", str(tmp_path / "a.xlsx")],
            "不在任何已配置的培训周期内",
        ),
    ]
    for args, message in cases:
        result = runner.invoke(app, ["report", "training", *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output
        assert "Traceback" not in result.output


def test_talent_report_with_its_chart(build, tmp_path) -> None:  # type: ignore[no-untyped-def]
    teacher = build.teacher(build.school("U1"))
    build.designation(
        teacher, "key_teacher", "district", dt.date(2022, 1, 1), dt.date(2026, 12, 31)
    )
    build.session.commit()
    out, chart = tmp_path / "talent.xlsx", tmp_path / "talent.png"
    result = runner.invoke(
        app,
        [
            "report",
            "talent",
            "--as-of",
            "2025-06-30",
            "--out",
            str(out),
            "--chart",
            str(chart),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["Goals"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "Goal")
    first = dict(zip(rows[header], rows[header + 1], strict=True))
    assert [first["Goal"], first["Target"], first["Current"], first["Verdict"]] == [
        "District key teachers",
        700,
        1,
        "Not yet due",
    ]
    assert chart.stat().st_size > 10_000


def test_staffing_qualifications_and_rotation_reports_with_charts(build, tmp_path) -> None:  # type: ignore[no-untyped-def]
    school = build.school("K1", level="kindergarten", pupils=60, classes_by_grade=[1, 1, 0])
    build.teacher(school, main_subject="preschool", education="associate")
    build.session.commit()
    for name in ("staffing", "qualifications", "rotation"):
        out, chart = tmp_path / f"{name}.xlsx", tmp_path / f"{name}.png"
        result = runner.invoke(
            app, ["report", name, "--as-of", "2025-09-01", "--out", str(out), "--chart", str(chart)]
        )
        assert result.exit_code == 0, result.output
        assert openpyxl.load_workbook(out).sheetnames[-1] == "口径与依据"
        assert chart.stat().st_size > 10_000


def _notes_sheet(path):  # type: ignore[no-untyped-def]
    """The 口径与依据 sheet's (item, text) rows under its header."""
    rows = list(openpyxl.load_workbook(path)["口径与依据"].iter_rows(min_row=5, values_only=True))
    return [(item, text) for item, text in rows if item is not None]


def test_a_report_of_one_school_or_county_says_so_in_chinese(build, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A one-school workbook's 统计范围 names the school (not the district's scope alone), the
    county parameter is labelled 县（区）, and the staffing notes name subjects and school kinds
    in Chinese, not by their codes."""
    a = build.school("A1", name="东城小学", county="甲县", classes_by_grade=[1] * 6)
    build.school("B1", county="乙县", classes_by_grade=[1] * 6)
    build.teacher(a)
    build.session.commit()
    checked = 0
    for name, scope in (("training", "A1"), ("staffing", "A1")):
        out = tmp_path / f"{name}.xlsx"
        args = ["report", name, "--as-of", "2025-06-30", "--school", scope, "--out", str(out)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        book = openpyxl.load_workbook(out)
        for title in book.sheetnames:
            line = book[title]["A2"].value
            assert line.startswith("统计日期：2025-06-30　统计范围：学校：东城小学（A1）；"), (
                title, line)  # fmt: skip
            checked += 1
        notes = dict(_notes_sheet(out))
        assert notes["统计范围"].startswith("学校：东城小学（A1）；")
        assert notes["学校代码"] == "A1"
        if name == "staffing":
            texts = [text for item, text in _notes_sheet(out) if item.isdigit()]
            focus = next(t for t in texts if t.startswith("重点学科"))
            assert focus.startswith("重点学科（结构性缺编）：体育、音乐、美术、科学；")
            psychology = next(t for t in texts if t.startswith("心理健康专职教师门槛"))
            assert "小学1000人、中学1200人（学生数达到门槛含本数）" in psychology
            assert not any(code in t for t in texts for code in ("pe、", "primary ≥"))
    # 9 training sheets and 8 staffing sheets, each with the line; a one-school workbook has no
    # by-county sheet (it showed the school's own figures under its county's name)
    assert checked == 17
    out = tmp_path / "qualifications.xlsx"
    args = ["report", "qualifications", "--as-of", "2025-06-30", "--county", "甲县", "--out"]
    result = runner.invoke(app, [*args, str(out)])
    assert result.exit_code == 0, result.output
    notes = _notes_sheet(out)
    assert ("县（区）", "甲县") in notes
    assert "county" not in [item for item, _ in notes]
