"""Notice letters fit to send (issue #13, item 7), read back from the PDF the plan page and the
API give: an approved plan's letters carry the document number (the setting's, or the one the
office writes), the letterhead, the seal space, 抄送, the return slip and the date in the
official style, with the CJK font embedded; a draft's pages are watermarked 草稿 and carry no
number; a superseded plan's are refused; letters issued after a start date say so, and the
plan page warns."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from conftest import District
from fastapi import FastAPI
from fastapi.testclient import TestClient
from page_helpers import signed_in
from plan_fixtures import keep_plan
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from sqlmodel import Session

from workforce.models import RotationPlan
from workforce.plans import load_plan
from workforce.plans.notices import chinese_date

pytestmark = pytest.mark.usefixtures("plan_district")


def _pages(content: bytes) -> list[str]:
    assert content.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def _embedded_fonts(content: bytes) -> list[tuple[str, bool]]:
    """(font name, embedded) of every font the pages use."""
    found = []
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            embedded = bool(descriptor) and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found.append((str(font["/BaseFont"]), embedded))
    return found


def _moves(engine: Engine, plan_id: int) -> list:  # type: ignore[type-arg]
    with Session(engine) as session:
        return load_plan(session.get(RotationPlan, plan_id))[1].moves


def test_an_approved_plans_letters_are_fit_to_send(
    app: FastAPI, engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("WORKFORCE_NOTICE_NUMBER", "源城教人〔{year}〕{plan_id}号")
    plan_id = keep_plan(engine, status="approved")
    moves = _moves(engine, plan_id)
    hr = signed_in(app, "hr")
    page = hr.get(f"/plans/{plan_id}").text
    assert f'value="源城教人〔2026〕{plan_id}号"' in page  # the 文号 to print, editable

    letters = hr.get(f"/plans/{plan_id}/letters.pdf")
    assert letters.status_code == 200, letters.text[-300:]
    pages = _pages(letters.content)
    assert len(pages) >= len(moves) >= 2
    today = chinese_date(dt.date.today())
    for move in moves:
        text = next(p for p in pages if f"工号 {move.staff_no}）：" in p)
        assert "源城区教育局" in text.split("\n")[0]  # the letterhead
        assert f"源城教人〔2026〕{plan_id}号" in text
        assert "（盖章）" in text and today in text
        assert "抄送：" in text and "回 执" in text and "本人签名" in text
        assert chinese_date(move.start) in text.replace("\n", "")  # the body may wrap it
        assert "草稿" not in text and "仅供核对" not in text
    fonts = _embedded_fonts(letters.content)
    assert any(embedded for _, embedded in fonts)
    assert not any("STSong" in name for name, _ in fonts)
    assert all(embedded for name, embedded in fonts if "Helvetica" not in name), fonts

    numbered = hr.get(f"/plans/{plan_id}/letters.pdf", params={"doc_no": "源教〔2026〕88号"})
    assert all("源教〔2026〕88号" in p for p in _pages(numbered.content) if "工号" in p)


def test_a_drafts_letters_are_watermarked_and_unnumbered(app: FastAPI, engine: Engine):
    plan_id = keep_plan(engine, status="draft")
    hr = signed_in(app, "hr")
    page = hr.get(f"/plans/{plan_id}").text
    assert 'data-testid="letters-form"' not in page and "带“草稿”水印" in page
    pages = _pages(hr.get(f"/plans/{plan_id}/letters.pdf").content)
    letters = [p for p in pages if "工号" in p]
    assert len(letters) == len(_moves(engine, plan_id))
    for text in letters:
        assert text.startswith("草稿")  # the watermark, drawn first on the page
        assert "（审批后编号）" in text and "〔2026〕" not in text


def test_a_superseded_plan_has_no_letters(app: FastAPI, district: District, engine: Engine):
    plan_id = keep_plan(engine, status="superseded")
    hr = signed_in(app, "hr")
    refused = hr.get(f"/plans/{plan_id}/letters.pdf")
    assert refused.status_code == 409
    assert "已被替代，不出通知书" in refused.text
    with TestClient(app) as client:  # the JSON API refuses them too
        answer = client.get(f"/api/plans/{plan_id}/notices.pdf", headers=district.headers["hr"])
    assert answer.status_code == 409


def test_letters_issued_after_the_start_date_say_so(app: FastAPI, engine: Engine):
    plan_id = keep_plan(engine, status="approved")
    moves = _moves(engine, plan_id)
    late = [m for m in moves if m.start < dt.date.today()]
    hr = signed_in(app, "hr")
    page = hr.get(f"/plans/{plan_id}").text
    pages = _pages(hr.get(f"/plans/{plan_id}/letters.pdf").content)
    saying = [p for p in pages if "报到日期已过" in p]
    assert len(saying) == len(late)
    if late:
        assert 'data-testid="letters-late"' in page
        assert f"{len(late)} 名教师的报到日期" in page
    else:
        assert 'data-testid="letters-late"' not in page


def test_the_document_number_is_checked_alike_on_both_routes_and_printed_as_text(
    app: FastAPI, district: District, engine: Engine
):
    plan_id = keep_plan(engine, status="approved")
    hr = signed_in(app, "hr")
    routes = (f"/plans/{plan_id}/letters.pdf", f"/api/plans/{plan_id}/notices.pdf")
    refused = ["源教\n〔2026〕1号", "源教\x1b[2J", "号" * 41]
    with TestClient(app) as client:
        answers = [
            (hr if route.startswith("/plans") else client).get(
                route, params={"doc_no": doc_no}, headers=district.headers["hr"]
            )
            for route in routes
            for doc_no in refused
        ]
        markup = client.get(routes[1], params={"doc_no": '<font size="90">源教</font>&amp;1号'},
                            headers=district.headers["hr"])  # fmt: skip
    assert [a.status_code for a in answers] == [422] * 6
    assert all("doc_no" in a.text for a in answers)
    assert markup.status_code == 200
    assert "attachment; filename*=UTF-8''notices-plan-" in markup.headers["content-disposition"]
    letters = [p for p in _pages(markup.content) if "工号" in p]
    assert letters and all('<font size="90">源教</font>&amp;1号' in p for p in letters)
