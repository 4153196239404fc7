"""The import wizard's uploads (issue #9 item 4): a hostile workbook is refused with the
reason and not kept, a checked upload can be cancelled (its file deleted), a committed
upload's file is deleted, and implausible rows are warned about on the dry-run page."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from conftest import District
from fastapi import FastAPI
from fastapi.testclient import TestClient
from page_helpers import csrf_of, signed_in

from api.main import create_app
from tests.workforce.io import hostile

SCHOOLS = "学校代码,学校名称,所在街道/镇,城乡类别,学段\nC001,新城小学,上城,城区,小学\n"


@pytest.fixture
def uploads(env: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    env.setenv("WORKFORCE_UPLOAD_DIR", str(folder))
    return folder


@pytest.fixture
def app(uploads: Path, engine, district: District) -> Iterator[FastAPI]:  # type: ignore[no-untyped-def]
    app = create_app()
    yield app
    app.state.engine.dispose()


def _post(client, name: str, content: bytes):  # type: ignore[no-untyped-def]
    page = client.get("/imports").text
    return client.post(
        "/imports", data={"csrf_token": csrf_of(page), "entity": "auto"},
        files={"file": (name, io.BytesIO(content), "application/octet-stream")},
    )  # fmt: skip


def test_a_hostile_workbook_is_refused_with_its_reason_and_not_kept(app, uploads, tmp_path):
    hr = signed_in(app, "hr")
    path = hostile.far_cell(tmp_path / "far.xlsx")
    answer = _post(hr, "far.xlsx", path.read_bytes())
    assert answer.status_code == 422
    assert "far.xlsx" in answer.text and "1,048,576" in answer.text and "上限" in answer.text
    assert not list(uploads.glob("*/far.xlsx"))


def test_a_checked_upload_is_cancelled_and_a_committed_one_forgotten(app, uploads):
    hr = signed_in(app, "hr")
    first = _post(hr, "学校.csv", SCHOOLS.encode())
    token = first.text.split('action="/imports/')[1].split("/")[0]
    assert (uploads / token / "学校.csv").is_file()
    cancelled = hr.post(
        f"/imports/{token}/cancel", data={"csrf_token": csrf_of(first.text)}, follow_redirects=False
    )
    assert cancelled.status_code == 303 and not (uploads / token).exists()

    second = _post(hr, "学校.csv", SCHOOLS.encode())
    token = second.text.split('action="/imports/')[1].split("/")[0]
    done = hr.post(f"/imports/{token}/commit", data={"csrf_token": csrf_of(second.text)})
    assert done.status_code == 200 and "已导入" in done.text
    assert not (uploads / token / "学校.csv").exists()


def test_an_anonymous_upload_is_refused(app, uploads):
    with TestClient(app) as anonymous:
        answer = anonymous.post(
            "/imports", files={"file": ("学校.csv", io.BytesIO(SCHOOLS.encode()), "text/csv")},
            follow_redirects=False,
        )  # fmt: skip
    assert answer.status_code in (303, 401)
    assert not uploads.exists() or not any(uploads.iterdir())


def test_implausible_rows_are_warned_about_on_the_dry_run_page(app, uploads):
    hr = signed_in(app, "hr")
    header = "工号,姓名,性别,出生日期,用人类型,学校代码,到本校任教时间,主教学科,参加工作时间\n"
    row = "T900,钱七,女,1991-05-06,在编,A001,2015-09-01,数学,2008-09-01\n"  # employed at 17
    page = _post(hr, "教师.csv", (header + row).encode())
    assert page.status_code == 200 and "预检查通过" in page.text
    assert "（提醒）2008-09-01 时本人仅 17 周岁" in page.text and "第2行" in page.text


def _stream_upload(
    app: FastAPI, client: TestClient, form: dict[str, str]
) -> tuple[int, str, bool]:
    """Post a multipart upload whose body arrives in two pieces, the second only when asked
    for: (status, text, whether the server asked for the rest of the body)."""
    boundary = "XyZ"
    head = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in form.items()
    ) + (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="学校.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    )
    rest = SCHOOLS.encode() + f"\r\n--{boundary}--\r\n".encode()
    asked: list[bool] = []

    async def body() -> AsyncIterator[bytes]:
        yield head.encode()
        asked.append(True)
        yield rest

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", cookies=dict(client.cookies)
        ) as browser:
            return await browser.post(
                "/imports", content=body(),
                headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            )  # fmt: skip

    answer = asyncio.run(post())
    return answer.status_code, answer.text, bool(asked)


def test_a_signed_in_user_without_the_import_right_is_refused_before_the_body_is_read(
    app, uploads
):
    """The CSRF check of a cookie session reads a form's token from the body: for an upload
    it waits for the route's permission check, so an auditor's upload (even with a valid
    token) is refused without its body being read, let alone spooled to disk."""
    auditor = signed_in(app, "auditor")
    token = csrf_of(auditor.get("/teachers").text)
    status, text, read = _stream_upload(app, auditor, {"csrf_token": token})
    assert status == 403 and "审计人员" in text  # the role in words (accounts.role.auditor)
    assert not read
    assert not uploads.exists() or not any(uploads.iterdir())


def test_an_upload_without_the_csrf_token_is_refused_and_not_kept(app, uploads):
    hr = signed_in(app, "hr")
    cases = {"missing": {"entity": "auto"}, "wrong": {"csrf_token": "x" * 43, "entity": "auto"}}
    for form in cases.values():
        status, text, _ = _stream_upload(app, hr, form)
        assert status == 403 and "表单校验令牌缺失或不匹配" in text, text
    assert not uploads.exists() or not any(uploads.glob("*/学校.csv"))
    good = _stream_upload(app, hr, {"csrf_token": csrf_of(hr.get("/imports").text)})
    assert good[0] == 200 and "预检查通过" in good[1]
    assert len(cases) == 2


def test_a_page_commit_happens_once_and_a_second_is_told_so(app, uploads):
    """The page's commit claims the upload as the API's does: of two commits (a double click,
    two tabs) one imports and the other is told the file was imported - never a second
    import of a file the first one is deleting (a 500 when it was gone mid-way)."""
    hr = signed_in(app, "hr")
    checked = _post(hr, "学校.csv", SCHOOLS.encode())
    token = checked.text.split('action="/imports/')[1].split("/")[0]
    form = {"csrf_token": csrf_of(checked.text)}
    answers = [hr.post(f"/imports/{token}/commit", data=form) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 409]
    assert "已导入" in answers[0].text and "已经导入，不能重复导入" in answers[1].text
    assert (uploads / token / "committed").exists() and not (uploads / token / "学校.csv").exists()


def test_a_sheet_not_recognised_says_where_to_choose_the_data_not_the_commands_option(
        app, uploads):  # fmt: skip
    """The importer's advice for a sheet it cannot place was the command line's ("请用
    --entity 指定（schools, teachers, …）"), an option a clerk on the page has never seen; the
    page, and the error workbook it offers, now point to the form's 数据类别."""
    import openpyxl

    hr = signed_in(app, "hr")
    answer = _post(hr, "名单.csv", "甲,乙\n1,2\n".encode())
    assert answer.status_code == 200, answer.text
    assert "无法从工作表名或表头判断数据类别：请在导入页的“数据类别”中选择后重新上传" in answer.text
    assert "--entity" not in answer.text
    token = answer.text.split('action="/imports/')[1].split("/")[0]
    workbook = hr.get(f"/imports/{token}/errors.xlsx")
    assert workbook.status_code == 200
    cells = [str(c) for ws in openpyxl.load_workbook(io.BytesIO(workbook.content)).worksheets
             for row in ws.iter_rows(values_only=True) for c in row if c]  # fmt: skip
    assert any("请在导入页的“数据类别”中选择" in c for c in cells), cells
    assert not any("--entity" in c for c in cells)
