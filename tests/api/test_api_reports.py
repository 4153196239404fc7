"""Reports over the API: JSON, workbook and chart; a clerk's reports are their own school's
(training, staffing) and the district-wide ones are refused to them; bad parameters get a
clear 422."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook
from sqlmodel import Session, select

from workforce.models import School, TrainingRecord

AS_OF = {"as_of": "2026-11-29"}


def _with_classes_and_training(engine, district) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        for school in session.exec(select(School)):
            school.classes_by_grade, school.pupils = [2] * 6, 500
            session.add(school)
        for teacher in (district.teachers_a[0], district.teachers_b[0]):
            session.add(
                TrainingRecord(
                    teacher_id=teacher.id,
                    date=dt.date(2026, 3, 1),
                    hours=24,
                    category="online",
                )
            )
        session.commit()


def test_each_report_as_json_workbook_and_chart(client, district, engine, tmp_path: Path):
    _with_classes_and_training(engine, district)
    auditor = district.headers["auditor"]
    for name in ("training", "talent", "qualifications", "staffing", "rotation"):
        report = client.get(f"/api/reports/{name}", headers=auditor, params=AS_OF)
        assert report.status_code == 200, report.text
        assert report.json()["name"] == name and report.json()["views"]
        workbook = client.get(f"/api/reports/{name}.xlsx", headers=auditor, params=AS_OF)
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(workbook.content)
        assert len(load_workbook(path).worksheets) == len(report.json()["views"]) + 1
    chart = client.get("/api/reports/training.png", headers=auditor, params=AS_OF)
    assert chart.status_code == 200 and chart.content.startswith(b"\x89PNG")


def test_a_clerks_report_is_their_school_only(client, district, engine):
    _with_classes_and_training(engine, district)
    clerk = district.headers["clerk_a"]
    training = client.get("/api/reports/training", headers=clerk, params=AS_OF).json()
    assert training["parameters"]["school"] == "A001"
    teachers = next(v for v in training["views"] if v["key"] == "training.teachers")
    assert {r["staff_no"] for r in teachers["rows"]} == {"T001", "T002", "T003"}
    staffing = client.get("/api/reports/staffing", headers=clerk, params=AS_OF).json()
    assert "B001" not in str(staffing) and "A001" in str(staffing)
    for name in ("training", "staffing"):
        other = client.get(f"/api/reports/{name}.xlsx", headers=clerk, params={"school": "B001"})
        assert other.status_code == 404
    for name in ("talent", "qualifications", "rotation"):
        refused = client.get(f"/api/reports/{name}.png", headers=clerk)
        assert refused.status_code == 403 and refused.json()["code"] == "report_district_only"


def test_bad_report_parameters_are_named(client, district):
    hr = district.headers["hr"]
    cycle = client.get("/api/reports/training", headers=hr, params={"cycle": "1990-1994"})
    assert cycle.status_code == 422 and "1990-1994" in cycle.json()["detail"]["en"]
    misplaced = client.get("/api/reports/talent", headers=hr, params={"school": "A001"})
    assert misplaced.status_code == 422 and "school" in misplaced.json()["detail"]["en"]
    assert client.get("/api/reports/salaries", headers=hr).status_code == 422
    assert client.get("/api/reports/training", headers=hr, params={"as_of": "x"}).status_code == 422


def test_reports_take_a_county(client, district, engine):
    _with_classes_and_training(engine, district)
    with Session(engine) as session:
        for school in session.exec(select(School)):
            school.county = "东源县" if school.code == "A001" else "和平县"
            session.add(school)
        session.commit()
    auditor = district.headers["auditor"]
    for name in ("training", "talent", "qualifications", "staffing", "rotation"):
        whole = client.get(f"/api/reports/{name}", headers=auditor, params=AS_OF).json()
        by_county = next(v for v in whole["views"] if v["key"] == f"{name}.counties")
        assert {r["county"] for r in by_county["rows"]} == {"东源县", "和平县"}, name
        one = client.get(f"/api/reports/{name}", headers=auditor,
                         params={**AS_OF, "county": "东源县"})  # fmt: skip
        assert one.status_code == 200 and one.json()["parameters"]["county"] == "东源县"
        assert "B001" not in str(one.json()["views"]), name
        assert not [v for v in one.json()["views"] if v["key"].endswith(".counties")]
    teachers = next(v for v in client.get("/api/reports/training", headers=auditor,
                    params={**AS_OF, "county": "东源县"}).json()["views"]
                    if v["key"] == "training.teachers")  # fmt: skip
    assert {r["school_code"] for r in teachers["rows"]} == {"A001"}
    for name in ("training", "talent", "qualifications", "staffing", "rotation"):
        unknown = client.get(f"/api/reports/{name}", headers=auditor, params={"county": "龙川县"})
        assert unknown.status_code == 422, (name, unknown.text)
        assert (
            "龙川县" in unknown.json()["detail"]["zh"]
            and "东源县" in unknown.json()["detail"]["zh"]
        )


def test_county_training_rules_are_used_and_a_broken_edit_is_named(client, district):
    """The county's own training cycles (`<home>/rules/training.yaml`) decide which cycle a
    date falls in; a file edited into something unusable while the server runs is a 503
    naming the file and the rule, not an anonymous 500."""
    from workforce.rules.local import local_rules_path

    hr = district.headers["hr"]
    path = local_rules_path("training")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "cycles:\n  value:\n    - {name: '2024-2028', start: 2024-01-01, end: 2028-12-31}\n"
        "  source: {text: 本省5年一周期, document: 某省继续教育管理办法第五条}\n",
        encoding="utf-8")
    report = client.get("/api/reports/training", headers=hr, params=AS_OF)
    assert report.status_code == 200, report.text
    assert "2024-2028" in report.text
    path.write_text("hours_per_cycle:\n  value: 300\n", encoding="utf-8")  # no source
    broken = client.get("/api/reports/training", headers=hr, params=AS_OF)
    assert broken.status_code == 503, broken.text
    assert broken.json()["code"] == "local_rules_broken"
    assert "hours_per_cycle" in broken.json()["detail"]["zh"]



def test_an_option_a_report_does_not_take_is_named_in_chinese(client, district) -> None:  # type: ignore[no-untyped-def]
    """``?cycle=`` on the talent report answered "报表参数有误：cycle does not apply to talent":
    an English reason inside the Chinese message. Now the report and the option are named in
    each language."""
    h = district.headers["hr"]
    answers = {
        "cycle": client.get("/api/reports/talent", params={"cycle": "2021-2025"}, headers=h),
        "school": client.get("/api/reports/rotation", params={"school": "A001"}, headers=h),
    }
    for option, answer in answers.items():
        body = answer.json()
        assert (answer.status_code, body["code"]) == (422, "report_option_not_for"), option
        assert "does not apply" not in body["detail"]["zh"] and option in body["detail"]["en"]
    assert "培训周期" in answers["cycle"].json()["detail"]["zh"]
    assert "学校" in answers["school"].json()["detail"]["zh"] and len(answers) == 2
