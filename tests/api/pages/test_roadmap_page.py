"""The roadmap page: the form, then the roadmap in Chinese (English on request) with the first
year checked and no internal codes on the screen; refused to a school clerk; bad input named."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from page_helpers import signed_in

pytestmark = pytest.mark.usefixtures("plan_district")


def _visible(html: str) -> str:
    """The page's text without tags, attributes and the <head>."""
    body = html.split("<body>", 1)[1]
    return re.sub(r"<[^>]+>", " ", body)


def test_the_roadmap_in_chinese(app: FastAPI) -> None:
    hr = signed_in(app, "hr")
    form = hr.get("/roadmap")
    assert form.status_code == 200
    assert 'data-testid="roadmap-form"' in form.text and "roadmap-years" not in form.text
    page = hr.get("/roadmap", params={"from": 2026, "years": 3, "time_limit": 30})
    assert page.status_code == 200, page.text
    text = _visible(page.text)
    assert "多年度交流轮岗路线图" in text
    assert "求解结果：已证明最优" in text
    assert "报批方案" in text and text.count("预测") >= 2
    assert "首年方案经独立复核：符合全部规则" in text
    assert "全区交流人数不低于在编教师总数的规定比例（全区）" in text
    assert "R1学校" in text and "体育" in text
    assert "招生规模按首年不变" in text
    for code in ("quota_shortfall", "quota.district_share", "None", "optimizer.", "_"):
        assert code not in text, code


def test_the_roadmap_in_english(app: FastAPI) -> None:
    hr = signed_in(app, "hr")
    page = hr.get("/roadmap", params={"from": 2026, "years": 2, "lang": "en"})
    text = _visible(page.text)
    assert "Multi-year rotation roadmap" in text and "plan to approve" in text
    assert "First year checked independently: valid" in text


def test_bad_input_and_a_clerk(app: FastAPI) -> None:
    hr = signed_in(app, "hr")
    page = hr.get("/roadmap", params={"from": 2026, "years": 7})
    assert page.status_code == 200
    assert 'data-testid="roadmap-error"' in page.text
    assert "规划年数须为 1–6（交流期加冷静期），不能为 7" in page.text
    clerk = signed_in(app, "clerk_a")
    assert clerk.get("/roadmap").status_code == 403
