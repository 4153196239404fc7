"""The import wizard and plausibility (issue #13, item 11): a wrong file type comes back to
the form with the message; warnings are listed and must be acknowledged before the commit
writes anything; the changes name the teacher."""

from __future__ import annotations

import io

from conftest import District
from fastapi import FastAPI
from fastapi.testclient import TestClient
from page_helpers import csrf_of, internal_codes, signed_in
from sqlmodel import Session, select

from workforce.models import Teacher

HEADER = "工号,姓名,性别,出生日期,用人类型,学校代码,到本校任教时间,主教学科\n"


def _upload(client: TestClient, name: str, content: bytes, entity: str = "teachers"):
    page = client.get("/imports").text
    return client.post(
        "/imports",
        data={"csrf_token": csrf_of(page), "entity": entity},
        files={"file": (name, io.BytesIO(content), "application/octet-stream")},
    )


def test_a_wrong_file_type_returns_to_the_form_with_the_message(
    app: FastAPI, district: District
) -> None:
    hr = signed_in(app, "hr")
    answer = _upload(hr, "名单.docx", b"not a workbook")
    assert answer.status_code == 422
    error = answer.text.split('data-testid="upload-error"')[1].split("</div>")[0]
    assert "名单.docx" in error and "xlsx" in error
    assert 'type="file" name="file"' in answer.text  # the form, to choose another file
    assert internal_codes(answer.text) == []


def test_warnings_must_be_acknowledged_and_the_changes_name_the_teacher(
    app: FastAPI, district: District, engine
) -> None:  # type: ignore[no-untyped-def]
    hr = signed_in(app, "hr")
    row = "T001,张三,男,1980-03-12,在编,A001,2015-09-01,体育与健康\n"
    report = _upload(hr, "教师.csv", (HEADER + row).encode())
    assert report.status_code == 200, report.text[:300]
    html = report.text
    warnings = html.split('data-testid="import-warnings"')[1].split("</div>")[0]
    assert "需要核对的提醒（1 条）" in warnings
    assert "“体育与健康”按别名识别为“体育”，将把主教学科由“数学”改为“体育”" in warnings
    assert 'name="acknowledge"' in html
    changes = html.split("<tbody>")[-1].split("</tbody>")[0]
    assert "T001" in changes and "张三" in changes and "数学" in changes
    assert internal_codes(html) == []
    commit = html.split('action="/imports/')[1].split('"')[0]
    form = {"csrf_token": csrf_of(html), "entity": "teachers"}

    refused = hr.post(f"/imports/{commit}", data=form)
    assert refused.status_code == 200
    assert "尚未导入：请核对以下提醒" in refused.text
    with Session(engine) as session:
        stored = session.exec(select(Teacher).where(Teacher.staff_no == "T001")).one()
        assert stored.main_subject == "math"

    forged = hr.post(f"/imports/{commit}", data={**form, "acknowledge": "yes"})
    assert "尚未导入：请核对以下提醒" in forged.text  # only the shown warnings' fingerprint
    box = html.split('name="acknowledge" value="')[1].split('"')[0]
    assert len(box) == 32
    done = hr.post(f"/imports/{commit}", data={**form, "acknowledge": box})
    assert "已导入" in done.text
    with Session(engine) as session:
        stored = session.exec(select(Teacher).where(Teacher.staff_no == "T001")).one()
        assert stored.main_subject == "pe"


def test_a_file_without_warnings_commits_without_the_box(
    app: FastAPI, district: District, engine
) -> None:  # type: ignore[no-untyped-def]
    hr = signed_in(app, "hr")
    row = "T001,张三,男,1980-03-12,在编,A001,2015-09-01,体育\n"
    html = _upload(hr, "教师.csv", (HEADER + row).encode()).text
    assert 'name="acknowledge"' not in html and "需要核对的提醒" not in html
    commit = html.split('action="/imports/')[1].split('"')[0]
    done = hr.post(f"/imports/{commit}", data={"csrf_token": csrf_of(html), "entity": "teachers"})
    assert "已导入" in done.text
