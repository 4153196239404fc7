"""Exports over the API: a clerk gets only their own school, ID numbers masked unless an
allowed role unmasks them (each number shown written to the audit log), and an export
imports again without changing anything."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from workforce.models import AuditLog, Teacher


@pytest.fixture(autouse=True)
def upload_dir(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("WORKFORCE_UPLOAD_DIR", str(tmp_path / "uploads"))


def test_a_clerk_exports_only_their_school_and_never_another(client, district):
    clerk = district.headers["clerk_a"]
    own = client.get("/api/exports/teachers.csv", headers=clerk)
    assert own.status_code == 200 and own.headers["content-type"].startswith("text/csv")
    assert "T001" in own.text and "T003" in own.text and "T101" not in own.text
    for entity in ("teachers", "schools", "training"):
        other = client.get(f"/api/exports/{entity}.xlsx", headers=clerk, params={"school": "B001"})
        assert other.status_code == 404 and "王五" not in other.text
    schools = client.get("/api/exports/schools.csv", headers=clerk).text
    assert "A001" in schools and "B001" not in schools


def test_id_numbers_are_masked_unless_unmasked_by_an_allowed_role(
    client, district, engine, tmp_path
):
    number = district.id_numbers["T101"]
    masked = client.get("/api/exports/teachers.csv", headers=district.headers["hr"])
    assert number not in masked.text and "*" * 18 in masked.text
    assert number[10:14] not in masked.text  # the month and day of birth: the month only
    for role in ("clerk_a", "auditor"):
        refused = client.get(
            "/api/exports/teachers.csv", headers=district.headers[role], params={"unmask": True}
        )
        assert refused.status_code == 403 and refused.json()["code"] == "unmask_forbidden"
    shown = client.get(
        "/api/exports/teachers.xlsx",
        headers=district.headers["hr"],
        params={"unmask": True, "school": "B001"},
    )
    path = tmp_path / "t.xlsx"
    path.write_bytes(shown.content)
    cells = [c.value for row in load_workbook(path).worksheets[0] for c in row]
    assert number in cells and district.id_numbers["T001"] not in cells
    with Session(engine) as session:
        entries = session.exec(select(AuditLog).where(AuditLog.action == "unmask")).all()
    assert sorted(e.entity_key for e in entries) == ["T101", "T102"]
    assert {e.actor for e in entries} == {"hr"} and all("export" in e.note for e in entries)


def test_an_export_imports_again_unchanged(client, district):
    hr = district.headers["hr"]
    # a file to edit and import again carries the numbers and birth dates: unmasked, audited
    exported = client.get("/api/exports/teachers.xlsx", headers=hr, params={"unmask": True})
    assert exported.status_code == 200
    checked = client.post(
        "/api/imports",
        headers=hr,
        files={"file": ("teachers.xlsx", io.BytesIO(exported.content))},
    ).json()
    assert checked["status"] == "dry_run"
    assert checked["counts"]["teachers.unchanged"] == 5 and checked["changes_total"] == 0


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_a_masked_export_imports_again_unchanged(client, district, engine, file_format):
    """The default (masked) export shows birth dates as months and hides the numbers. Uploaded
    again unchanged, every row was refused ("unrecognised date '1985-03'"); now each month is
    its teacher's stored birth date, the masked number keeps the stored number, and nothing
    changes — no number, no birth date."""
    hr = district.headers["hr"]
    exported = client.get(f"/api/exports/teachers.{file_format}", headers=hr)
    assert exported.status_code == 200
    with Session(engine) as session:
        before = {t.staff_no: (t.birth_date, t.id_number_hash) for t in session.exec(select(Teacher))}
    assert len(before) == 5 and all(h for _, h in before.values())
    upload = {"file": (f"teachers.{file_format}", io.BytesIO(exported.content))}
    checked = client.post("/api/imports", headers=hr, files=upload).json()
    assert checked["status"] == "dry_run", checked["problems"]
    assert checked["counts"]["teachers.unchanged"] == 5 and checked["changes_total"] == 0
    committed = client.post(f"/api/imports/{checked['upload_id']}/commit", headers=hr).json()
    assert committed["status"] == "unchanged", committed
    with Session(engine) as session:
        after = {t.staff_no: (t.birth_date, t.id_number_hash) for t in session.exec(select(Teacher))}
    assert after == before


def test_unknown_entities_and_formats_are_refused(client, district):
    hr = district.headers["hr"]
    assert client.get("/api/exports/pets.csv", headers=hr).status_code == 404
    assert client.get("/api/exports/teachers.pdf", headers=hr).status_code == 422
    assert client.get("/api/exports/teachers.csv").status_code == 401
