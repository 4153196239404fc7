"""The plan comparison page (issue #13, item 5): two real solved plans — the plan district's
draft and its re-solve with pins that keep one mover at home (another takes the place) and
send another elsewhere — and the page shows the moves added, removed and changed, and the
change in every quota and rural shortage, with Chinese labels only."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from page_helpers import signed_in
from plan_fixtures import FAST, keep_plan
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.i18n.catalogue import UI
from optimizer import Pin
from workforce.codes import code_list
from workforce.models import RotationPlan
from workforce.plans import load_plan
from workforce.plans.lifecycle import resolve_plan

pytestmark = pytest.mark.usefixtures("plan_district")


def _rows(html: str, testid: str) -> list[str]:
    return re.findall(rf'<tr data-testid="{testid}"[^>]*>(.*?)</tr>', html, re.S)


def _staff(html: str, testid: str) -> set[str]:
    return set(re.findall(rf'<tr data-testid="{testid}" data-staff-no="([^"]+)"', html))


def _cells(row: str) -> list[str]:
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in cells]


def _signed(delta: int) -> str:
    return f"+{delta}" if delta > 0 else (f"−{-delta}" if delta < 0 else "0")


def test_the_compare_page_shows_moves_and_every_quota_and_shortage_change(
    app: FastAPI, engine: Engine
) -> None:
    first_id = keep_plan(engine)
    with Session(engine, expire_on_commit=False) as session:
        instance, first = load_plan(session.get(RotationPlan, first_id))
        movers = {m.staff_no: m for m in first.moves}
        kept_home, sent_elsewhere = "UMA0", "UPE1"
        assert kept_home in movers and sent_elsewhere in movers
        elsewhere = "R2" if movers[sent_elsewhere].to_school != "R2" else "R1"
        pins = [
            Pin(kind="must_stay", staff_no=kept_home),
            Pin(kind="must_go", staff_no=sent_elsewhere, school=elsewhere),
        ]
        record, _, second = resolve_plan(
            session, first_id, pins=pins, actor="hr", settings=FAST
        )
        session.commit()
        second_id = record.id
    after = {m.staff_no: m for m in second.moves}
    assert second.status in ("optimal", "feasible")
    assert kept_home not in after and after[sent_elsewhere].to_school == elsewhere

    hr = signed_in(app, "hr")
    page = hr.get("/plans/compare", params={"a": first_id, "b": second_id})
    assert page.status_code == 200
    html = page.text
    assert f"方案 {first_id} 与方案 {second_id} 比较" in html

    added = {s for s in after if s not in movers}
    removed = {s for s in movers if s not in after}
    changed = {
        s
        for s in movers.keys() & after.keys()
        if (movers[s].to_school, movers[s].subject, movers[s].kind)
        != (after[s].to_school, after[s].subject, after[s].kind)
    }
    assert added and kept_home in removed and sent_elsewhere in changed  # a stand-in for UMA0
    assert _staff(html, "added") == added
    assert _staff(html, "removed") == removed
    assert _staff(html, "changed") == changed
    same = len(movers.keys() & after.keys()) - len(changed)
    assert (
        f"新增 {len(added)} 人，取消 {len(removed)} 人，变更 {len(changed)} 人，相同 {same} 人"
    ) in html
    schools = {s.code: s.name for s in instance.schools}
    changed_row = next(r for r in _rows(html, "changed") if sent_elsewhere in r)
    assert f"→ {schools[elsewhere]}" in changed_row

    # every quota of either plan, with the change in what the plan achieves
    quota_a = {(q.name, q.scope): q for q in first.quotas}
    quota_b = {(q.name, q.scope): q for q in second.quotas}
    expected_quotas = {
        (
            UI.text(name.replace(".", "_")).zh,
            "全区" if scope == "district" else schools[scope],
        ): _signed(quota_b[(name, scope)].achieved - quota_a[(name, scope)].achieved)
        for name, scope in quota_a.keys() | quota_b.keys()
    }
    shown_quotas = {(c[0], c[1]): c[6] for c in map(_cells, _rows(html, "quota-row"))}
    assert shown_quotas == expected_quotas
    assert len(shown_quotas) == len(quota_a.keys() | quota_b.keys()) >= 4

    # every shortage, with the change in what is still unfilled
    subjects = code_list("subjects")
    short_a = {(s.school, s.subject): s for s in first.shortages}
    short_b = {(s.school, s.subject): s for s in second.shortages}
    expected_shortages = {
        (schools[school], subjects.label(subject, "zh")): _signed(
            short_b[(school, subject)].unfilled - short_a[(school, subject)].unfilled
        )
        for school, subject in short_a.keys() | short_b.keys()
    }
    shown_shortages = {(c[0], c[1]): c[7] for c in map(_cells, _rows(html, "shortage-row"))}
    assert shown_shortages == expected_shortages
    # R2's PE shortage is filled now, R1's less so
    assert shown_shortages[(schools[elsewhere], "体育")] == "−1", shown_shortages

    # Chinese labels only: no internal codes as text
    visible = re.sub(r"<[^>]+>", " ", html)
    for code in ("quota.", "secondment", "transfer", "must_", "optimal", "None"):
        assert code not in visible, code

    english = hr.get("/plans/compare", params={"a": first_id, "b": second_id, "lang": "en"})
    assert english.status_code == 200 and f"{len(added)} added" in english.text
    assert "Rural shortages: the change" in english.text

    # the re-solve links to the comparison with its parent; the year's page offers the form
    second_page = hr.get(f"/plans/{second_id}").text
    assert f'href="/plans/compare?a={first_id}&amp;b={second_id}"' in second_page
    # the pins it was solved with, named
    in_effect = re.findall(r'<tr data-testid="pin-in-effect">(.*?)</tr>', second_page, re.S)
    names = {t.staff_no: t.name for t in instance.teachers}
    assert len(in_effect) == 2
    for staff_no in (kept_home, sent_elsewhere):
        assert any(f"<td>{staff_no}</td><td>{names[staff_no]}</td>" in r for r in in_effect)
    assert 'data-testid="compare-form"' in hr.get("/plans", params={"year": 2026}).text


def test_the_compare_page_refuses_one_plan_twice_and_a_missing_plan(
    app: FastAPI, engine: Engine
) -> None:
    plan_id = keep_plan(engine)
    hr = signed_in(app, "hr")
    same = hr.get("/plans/compare", params={"a": plan_id, "b": plan_id})
    assert same.status_code in (400, 422) and "请选择两个不同的方案" in same.text
    missing = hr.get("/plans/compare", params={"a": plan_id, "b": plan_id + 99})
    assert missing.status_code == 404 and f"方案 {plan_id + 99} 不存在" in missing.text
    assert signed_in(app, "clerk_a").get(
        "/plans/compare", params={"a": plan_id, "b": plan_id}
    ).status_code == 403
