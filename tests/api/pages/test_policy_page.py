"""The policy page (issue #14, item 3): a real simulation of the plan district beside its kept
plan — the changes with their source, every quota, the fills by subject — and the marginal
values with the caveat; Chinese labels only, no internal codes; the office only."""

from __future__ import annotations

import re

import pytest
from page_helpers import signed_in
from plan_fixtures import keep_plan
from sqlmodel import Session

from optimizer import SolveSettings
from optimizer.simulate import PolicyChanges, simulate
from workforce.models import RotationPlan
from workforce.plans import load_plan

pytestmark = pytest.mark.usefixtures("plan_district")

INTERNAL = re.compile(r"quota\.|quotas\.|rural_shortage|weighted_slots|None|_share|\[")


def _rows(html: str, testid: str) -> list[list[str]]:
    rows = re.findall(rf'<tr data-testid="{testid}"[^>]*>(.*?)</tr>', html, re.S)
    return [
        [re.sub(r"<[^>]+>", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in rows
    ]


def _text(html: str) -> str:
    """What the user reads: the page without tags, attributes and form values."""
    body = html.split("<main>", 1)[1]
    return re.sub(r"<[^>]+>", " ", body)


def test_simulation_beside_the_current_plan(app, engine):
    plan_id = keep_plan(engine)
    client = signed_in(app, "hr")
    page = client.get(
        "/plans/policy",
        params={
            "year": 2026,
            "school_share": 15,
            "weight_subject": "pe",
            "weight": 9,
            "posts_school": "R1",
            "posts": 1,
        },
    )
    assert page.status_code == 200, page.text
    html = page.text
    with Session(engine) as session:
        instance, plan = load_plan(session.get(RotationPlan, plan_id))
    direct = simulate(
        instance,
        plan,
        PolicyChanges(
            rules={"quotas.school_share": 0.15, "objective.subject_weights.pe": 9},
            post_ceilings={"R1": 1},
        ),
        SolveSettings(time_limit_s=60),
    )
    changes = _rows(html, "change-row")
    assert len(changes) == 3
    assert any(c[1:3] == ["0.1", "0.15"] and "十四五" in c[3] for c in changes), changes
    levels = _rows(html, "level-row")
    assert [row[2] for row in levels] == [str(lv.after) for lv in direct.levels]
    assert levels[0][0] == "乡村缺口补充（加权）"
    assert len(_rows(html, "quota-row")) == len(
        {(q.name, q.scope) for q in [*plan.quotas, *direct.plan.quotas]}
    )
    subjects = _rows(html, "subject-row")
    assert [int(r[3]) for r in subjects] == [s.filled_after for s in direct.subjects]
    assert "体育" in [r[0] for r in subjects]
    assert not INTERNAL.search(_text(html)), INTERNAL.search(_text(html))


def test_marginal_values_with_the_caveat_in_english_too(app, engine):
    keep_plan(engine)
    client = signed_in(app, "hr")
    page = client.get("/plans/policy", params={"year": 2026, "level": "rural_shortage_filled"})
    assert page.status_code == 200, page.text
    assert "对偶值是局部变化率" in page.text
    rows = _rows(page.text, "marginal-row")
    assert rows and all(r[0] == str(i) for i, r in enumerate(rows, start=1))
    assert not INTERNAL.search(_text(page.text)), INTERNAL.search(_text(page.text))
    english = client.get("/plans/policy", params={"year": 2026, "level": "distance", "lang": "en"})
    assert english.status_code == 200
    assert "a dual is a local rate" in english.text


def test_bad_input_and_roles(app, engine):
    keep_plan(engine)
    hr = signed_in(app, "hr")
    bad = hr.get("/plans/policy", params={"year": 2026, "posts_school": "ZZ9", "posts": 1})
    assert bad.status_code == 422 and "ZZ9" in bad.text
    assert hr.get("/plans/policy", params={"year": 2026, "school_share": 150}).status_code == 422
    for role in ("auditor", "clerk_a"):
        assert signed_in(app, role).get("/plans/policy").status_code == 403
