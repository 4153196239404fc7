"""The dashboard informs (issue #13, item 10): quotas written "185 人（要求 ≥ 169）", the rural
shortages as filled and still open per subject, the training statuses by school type (not a
row of 0 % at the start of a cycle), a note when the school chart shows only the lowest
schools, and a favicon — on the plan district with a real solved plan."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import pytest
from fastapi import FastAPI
from page_helpers import signed_in
from plan_fixtures import FAST
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.pages import dashboard_figures
from workforce.codes import code_list
from workforce.plans import propose_plan
from workforce.reports.training import training_report
from workforce.services.registry_cache import RegistryCache

pytestmark = pytest.mark.usefixtures("plan_district")


def _section(page: str, testid: str) -> str:
    return page.split(f'data-testid="{testid}"')[1].split("</section>")[0]


def test_quotas_shortages_and_training_say_what_they_mean(app: FastAPI, engine: Engine):
    today = dt.date.today()
    with Session(engine, expire_on_commit=False) as session:
        _, _, plan = propose_plan(session, year=today.year, actor="hr", settings=FAST)
        session.commit()
        types = training_report(session, as_of=today).view("training.school_types").rows
    page = signed_in(app, "hr").get("/").text

    quotas = [q for q in plan.quotas if q.scope == "district"]
    assert len(quotas) == 2
    for quota in quotas:
        assert f"{quota.achieved} 人（要求 ≥ {quota.target}）" in _section(page, "dash-quotas")

    slots: dict[str, int] = defaultdict(int)
    filled: dict[str, int] = defaultdict(int)
    for shortage in plan.shortages:
        slots[shortage.subject] += shortage.slots
        filled[shortage.subject] += shortage.filled
    assert slots, "the plan district has rural shortages"
    chart = _section(page, "dash-shortages")
    for subject in slots:
        label = code_list("subjects").label(subject, "zh")
        assert f"补 {filled[subject]} / 缺 {slots[subject]}" in chart
        assert label in chart
        if filled[subject]:
            assert f"<title>补充：{filled[subject]}</title>" in chart
        if slots[subject] > filled[subject]:
            assert f"<title>仍缺：{slots[subject] - filled[subject]}</title>" in chart

    by_type = _section(page, "dash-training-types")
    drawn = [int(n) for n in re.findall(r"<title>进度正常：(\d+)</title>", by_type)]
    assert drawn == [row["on_track"] for row in types if row["on_track"]]
    assert sum(drawn) >= 5


def test_the_school_chart_says_when_it_shows_only_the_lowest(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
):
    hr = signed_in(app, "hr")
    everyone = _section(hr.get("/").text, "dash-training-schools")
    total = int(re.search(r"各校完成率（共 (\d+) 所）", everyone).group(1))
    assert total >= 4
    assert everyone.count('class="bar-bg"') == total

    monkeypatch.setattr(dashboard_figures, "SCHOOLS_SHOWN", 2)
    monkeypatch.setattr(dashboard_figures, "_DISTRICT", RegistryCache(max_entries=4))
    lowest = _section(hr.get("/").text, "dash-training-schools")
    assert f"完成率最低的 2 所学校（共 {total} 所）" in lowest
    assert lowest.count('class="bar-bg"') == 2


def test_the_pages_have_a_favicon(app: FastAPI):
    hr = signed_in(app, "hr")
    assert '<link rel="icon" href="/static/favicon.svg"' in hr.get("/").text
    icon = hr.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.text.startswith("<svg")
