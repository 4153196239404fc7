"""Solves run inside a request (`api.solving`): a link on another site does not start one in a
signed-in planner's name — the API refuses it, a page shows its form filled in without solving
— and a process runs only so many at once, answering one more with 503 and Retry-After."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest
from fastapi import FastAPI
from page_helpers import signed_in, visible_text
from plan_fixtures import keep_plan

from api.solving import solve_slot, solves_at_once

pytestmark = pytest.mark.usefixtures("plan_district")

OTHER_SITE = {"Sec-Fetch-Site": "cross-site"}
OWN_SITE = {"Sec-Fetch-Site": "same-origin"}
ROADMAP = {"from": 2026, "years": 1, "time_limit_s": 20}
POLICY = {"year": 2026, "school_share": 15}


@contextmanager
def every_slot_taken() -> Iterator[None]:
    """Hold all of this process's solve slots, as that many long solves would."""
    with ExitStack() as stack:
        for _ in range(solves_at_once()):
            stack.enter_context(solve_slot())
        yield


def test_another_sites_link_starts_no_solve_through_the_api(app: FastAPI, engine) -> None:
    keep_plan(engine)
    hr = signed_in(app, "hr")  # the browser's session cookie, as a link would carry it
    asked = [
        ("/api/roadmap", ROADMAP),
        ("/api/whatif/policy", {"year": 2026, "rule": "quotas.school_share=0.15"}),
        ("/api/whatif/marginal", {"year": 2026}),
        ("/api/whatif/candidates", {"year": 2026, "school": "R1", "subject": "pe"}),
        ("/api/whatif/destinations", {"year": 2026, "staff_no": "P0001"}),
    ]
    for same_site in ("cross-site", "same-site"):
        for path, params in asked:
            answer = hr.get(path, params=params, headers={"Sec-Fetch-Site": same_site})
            assert answer.status_code == 403, (path, answer.text)
            assert answer.json()["code"] == "cross_site_solve"
            assert "其他网站" in answer.json()["detail"]["zh"]
    assert len(asked) == 5
    old = signed_in(app, "hr", current_browser=False)
    for unknown in ({"Referer": "https://forum.example/t/1"}, {}):
        old_browser = old.get("/api/roadmap", params=ROADMAP, headers=unknown)
        assert (old_browser.status_code, old_browser.json()["code"]) == (403, "cross_site_solve")
    own = hr.get("/api/roadmap", params=ROADMAP, headers=OWN_SITE)
    assert own.status_code == 200, own.text
    assert own.json()["years"][0]["year"] == 2026


def test_an_api_token_is_not_an_other_sites_link(client, district) -> None:  # type: ignore[no-untyped-def]
    answer = client.get(
        "/api/roadmap", params=ROADMAP, headers={**district.headers["hr"], **OTHER_SITE}
    )
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    ("path", "params", "result_marker", "filled"),
    [
        ("/roadmap", {"from": 2026, "years": 2}, "roadmap-years", 'value="2026"'),
        ("/plans/policy", POLICY, 'data-testid="simulation"', 'value="15'),
    ],
)
def test_a_page_opened_from_another_site_shows_the_form_unsolved(
    app: FastAPI, engine, path: str, params: dict, result_marker: str, filled: str
) -> None:
    keep_plan(engine)
    hr = signed_in(app, "hr")
    linked = hr.get(path, params=params, headers=OTHER_SITE)
    assert linked.status_code == 200
    assert result_marker not in linked.text
    assert filled in linked.text  # the link's conditions, to check and submit
    assert "此链接来自其他网站" in visible_text(linked.text)
    submitted = hr.get(path, params=params, headers=OWN_SITE)
    assert result_marker in submitted.text
    assert "此链接来自其他网站" not in visible_text(submitted.text)
    typed = hr.get(path, params=params, headers={"Sec-Fetch-Site": "none"})  # typed, bookmarked
    assert result_marker in typed.text
    # a browser without Sec-Fetch-Site is judged by where the link was followed from
    old = signed_in(app, "hr", current_browser=False)
    for unknown in ({"Referer": "https://forum.example/t/1"}, {}):  # another site's, or none
        forum = old.get(path, params=params, headers=unknown)
        assert result_marker not in forum.text and "此链接来自其他网站" in visible_text(forum.text)
    own_page = old.get(path, params=params, headers={"Referer": f"http://testserver{path}"})
    assert result_marker in own_page.text


def test_one_solve_more_than_the_process_runs_at_once_is_told_to_wait(
    app: FastAPI, client, district, engine
) -> None:  # type: ignore[no-untyped-def]
    keep_plan(engine)
    hr = signed_in(app, "hr")
    with every_slot_taken():
        api = client.get("/api/roadmap", params=ROADMAP, headers=district.headers["hr"])
        assert api.status_code == 503
        assert api.headers["Retry-After"] == "30"
        assert api.json()["code"] == "solves_busy"
        assert f"正在进行{solves_at_once()}项计算" in api.json()["detail"]["zh"]
        page = hr.get("/plans/policy", params=POLICY, headers=OWN_SITE)
        assert page.status_code == 503
        assert page.headers["Retry-After"] == "30"
        assert "请稍后" in visible_text(page.text)
        form_only = hr.get("/plans/policy", params={"year": 2026}, headers=OWN_SITE)
        assert form_only.status_code == 200  # the form itself needs no slot
    after = client.get("/api/roadmap", params=ROADMAP, headers=district.headers["hr"])
    assert after.status_code == 200, after.text  # the slots are given back


def test_a_refused_or_failed_solve_gives_its_slot_back(client, district) -> None:  # type: ignore[no-untyped-def]
    for _ in range(solves_at_once() + 2):
        bad = client.get(
            "/api/roadmap", params={**ROADMAP, "years": 7}, headers=district.headers["hr"]
        )
        assert bad.status_code == 422
    with every_slot_taken():
        pass  # every slot is free again, or this would raise


def test_the_number_at_once_is_the_configured_one(monkeypatch, client, district) -> None:  # type: ignore[no-untyped-def]
    from workforce.config import get_settings

    monkeypatch.setenv("WORKFORCE_SOLVES_AT_ONCE", "1")
    get_settings.cache_clear()
    try:
        assert solves_at_once() == 1
        with solve_slot():
            busy = client.get("/api/roadmap", params=ROADMAP, headers=district.headers["hr"])
        assert busy.status_code == 503
        assert "正在进行1项计算" in busy.json()["detail"]["zh"]
    finally:
        monkeypatch.delenv("WORKFORCE_SOLVES_AT_ONCE")
        get_settings.cache_clear()
