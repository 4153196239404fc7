"""Imports over the API on the real database with real files: upload → dry run → commit,
committed at most once, a bad file changes nothing and comes back as an error workbook, a
file that stops validating between dry run and commit is refused, uploads are their maker's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from api_helpers import id_number
from openpyxl import load_workbook
from sqlmodel import Session, select

from workforce.models import School, Teacher

SCHOOL_HEADER = "学校代码,学校名称,所在街道/镇,城乡类别,学段\n"


@pytest.fixture(autouse=True)
def upload_dir(env: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    env.setenv("WORKFORCE_UPLOAD_DIR", str(folder))
    return folder


def _upload(client, headers, path: Path, entity: str = "auto"):  # type: ignore[no-untyped-def]
    with path.open("rb") as file:
        return client.post(
            "/api/imports", headers=headers, data={"entity": entity}, files={"file": file}
        )


def _registry(engine) -> list[tuple]:  # type: ignore[no-untyped-def,type-arg]
    with Session(engine) as session:
        schools = [(s.code, s.name, s.town, s.version) for s in session.exec(select(School))]
        teachers = [(t.staff_no, t.school_id, t.version) for t in session.exec(select(Teacher))]
    return sorted(schools) + sorted(teachers)


def test_upload_dry_run_then_commit_once(client, district, engine, tmp_path, upload_dir):
    hr = district.headers["hr"]
    path = tmp_path / "学校.csv"
    path.write_text(
        SCHOOL_HEADER + "C001,新城小学,上城,城区,小学\nA001,东埔小学,新街,城区,小学\n",
        encoding="utf-8",
    )
    before = _registry(engine)
    checked = _upload(client, hr, path, "schools")
    assert checked.status_code == 201
    report = checked.json()
    assert report["status"] == "dry_run" and report["error_report"] is None
    assert report["counts"]["schools.created"] == 1 and report["counts"]["schools.updated"] == 1
    (change,) = report["changes"]
    assert (change["key"], change["column"], change["before"], change["after"]) == (
        "A001",
        "town",
        "东埔",
        "新街",
    )
    assert _registry(engine) == before  # a dry run writes nothing
    assert (upload_dir / report["upload_id"]).is_dir()

    url = f"/api/imports/{report['upload_id']}/commit"
    assert client.post(url, headers=district.headers["admin"]).status_code == 404  # not theirs
    committed = client.post(url, headers=hr)
    assert committed.status_code == 200, committed.text
    assert committed.json()["status"] == "committed" and committed.json()["batch_id"]
    with Session(engine) as session:
        assert session.exec(select(School).where(School.code == "C001")).one().name == "新城小学"
    again = client.post(url, headers=hr)
    assert again.status_code == 409 and again.json()["code"] == "already_committed"


def test_a_bad_workbook_is_reported_cell_by_cell_and_commits_nothing(
    client, district, engine, tmp_path
):
    hr = district.headers["hr"]
    template = client.get("/api/templates/teachers.xlsx", headers=district.headers["clerk_a"])
    assert template.status_code == 200
    path = tmp_path / "教师.xlsx"
    path.write_bytes(template.content)
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    row = {"工号": "T900", "姓名": "钱七", "性别": "女", "出生日期": "1991-05-06",
           "用人类型": "在编", "学校代码": "A001", "到本校任教时间": "2020-09-01",
           "主教学科": "火星语"}  # fmt: skip
    sheet.append([row.get(h.rstrip("*") if h else h) for h in headers])
    workbook.save(path)
    before = _registry(engine)

    report = _upload(client, hr, path).json()
    assert report["status"] == "failed" and report["problems_total"] >= 1
    problem = next(p for p in report["problems"] if p["value"] == "火星语")
    assert problem["row"] == 2 and problem["column"] and problem["message"]["zh"]
    assert problem["message"]["en"] and problem["file"] == "教师.xlsx"
    errors = client.get(report["error_report"], headers=hr)
    assert errors.status_code == 200
    (tmp_path / "errors.xlsx").write_bytes(errors.content)
    cells = [c.value for r in load_workbook(tmp_path / "errors.xlsx").worksheets[0] for c in r]
    assert "火星语" in cells

    refused = client.post(f"/api/imports/{report['upload_id']}/commit", headers=hr)
    assert refused.status_code == 409 and refused.json()["code"] == "no_longer_valid"
    assert refused.json()["problems"][0]["message"]["zh"]
    assert _registry(engine) == before


def test_a_file_that_stops_validating_before_its_commit_is_refused(
    client, district, engine, tmp_path
):
    """Someone registers the file's ID number for another teacher between the dry run and
    the commit: the commit checks again, refuses, and writes nothing."""
    hr = district.headers["hr"]
    header = client.get("/api/exports/teachers.csv", headers=hr).text.splitlines()[0]
    number = id_number(dt.date(1991, 5, 6), 900)
    values = {"工号": "T900", "姓名": "钱七", "性别": "女", "出生日期": "1991-05-06",
              "身份证号": number, "用人类型": "在编", "学校代码": "A001",
              "到本校任教时间": "2020-09-01", "主教学科": "数学"}  # fmt: skip
    columns = header.lstrip("\ufeff").split(",")
    path = tmp_path / "教师.csv"
    path.write_text(
        header + "\n" + ",".join(values.get(c, "") for c in columns) + "\n", encoding="utf-8"
    )
    report = _upload(client, hr, path, "teachers").json()
    assert report["status"] == "dry_run", report["problems"]
    taken = client.post(
        "/api/teachers",
        headers=hr,
        json={"staff_no": "T901", "name": "孙八", "gender": "female", "birth_date": "1991-05-06",
              "id_number": number, "post_type": "established", "school_id": district.school_b.id,
              "joined_school_on": "2021-09-01", "main_subject": "art"},
    )  # fmt: skip
    assert taken.status_code == 201
    before = _registry(engine)
    refused = client.post(f"/api/imports/{report['upload_id']}/commit", headers=hr)
    assert refused.status_code == 409 and refused.json()["code"] == "no_longer_valid"
    assert refused.json()["problems"] and refused.json()["error_report"]
    assert _registry(engine) == before


def test_imports_are_for_admin_and_hr_and_files_must_be_xlsx_or_csv(client, district, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")
    for role in ("clerk_a", "auditor"):
        assert _upload(client, district.headers[role], path).status_code == 403
    refused = _upload(client, district.headers["hr"], path)
    assert refused.status_code == 422 and "notes.txt" in refused.json()["detail"]["zh"]
    csv = tmp_path / "a.csv"
    csv.write_text(SCHOOL_HEADER, encoding="utf-8")
    unknown = _upload(client, district.headers["hr"], csv, "pets")
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_entity"
    assert client.get("/api/templates/pets.xlsx", headers=district.headers["hr"]).status_code == 404
    assert (
        client.post("/api/imports/nope/commit", headers=district.headers["hr"]).status_code == 404
    )
