"""Every page × every role: shown to the roles that may see it, refused to the others
(403 page), and a redirect to the sign-in page without a session. A clerk sees only their
own school's teachers; another school's teacher page is "not found"."""

from __future__ import annotations

import re

import pytest
from conftest import District
from fastapi import FastAPI
from page_helpers import signed_in, token_for

ROLES = ("admin", "hr", "clerk_a", "auditor")
PAGES = {
    "/": ROLES,
    "/teachers": ROLES,
    "/teachers/{teacher_a}": ROLES,
    "/imports": ("admin", "hr"),
    "/imports/templates/teachers.xlsx": ("admin", "hr"),
    "/plans": ("admin", "hr", "auditor"),
    "/audit": ("admin", "auditor"),
    "/audit/chain": ("admin", "auditor"),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_page_is_shown_to_the_roles_that_may_see_it_and_refused_to_others(
    app: FastAPI, district: District, role: str
) -> None:
    client = signed_in(app, district.users[role].username)
    for template, allowed in PAGES.items():
        path = template.format(teacher_a=district.teachers_a[0].id)
        answer = client.get(path)
        expected = 200 if role in allowed else 403
        assert answer.status_code == expected, (path, role, answer.text[:300])
        if expected == 403:
            assert "无权" in answer.text


def test_without_a_session_every_page_redirects_to_sign_in(
    app: FastAPI, district: District
) -> None:
    client = signed_in(app, "admin")
    client.cookies.clear()
    for template in PAGES:
        path = template.format(teacher_a=district.teachers_a[0].id)
        answer = client.get(path)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login?next=")


def test_a_clerk_sees_only_their_school(app: FastAPI, district: District) -> None:
    clerk_b = signed_in(app, "clerk_b")
    own, other = district.teachers_b[0], district.teachers_a[0]
    assert clerk_b.get(f"/teachers/{own.id}").status_code == 200
    refused = clerk_b.get(f"/teachers/{other.id}")
    assert refused.status_code == 404
    assert other.name not in refused.text
    listing = clerk_b.get("/teachers").text
    assert all(t.name in listing for t in district.teachers_b)
    assert not any(t.name in listing for t in district.teachers_a)


def test_the_teacher_page_masks_the_id_number(app: FastAPI, district: District) -> None:
    teacher = district.teachers_a[0]
    page = signed_in(app, "hr").get(f"/teachers/{teacher.id}").text
    clear = district.id_numbers[teacher.staff_no]
    assert clear not in page
    assert "*" * 18 in page and clear[-4:] not in page
    assert teacher.birth_date.isoformat() not in page  # the month only: the day is in the number
    assert teacher.birth_date.strftime("%Y-%m") in page


def test_the_teacher_list_filters_and_searches(app: FastAPI, district: District) -> None:
    hr = signed_in(app, "hr")
    pe = hr.get("/teachers", params={"subject": "pe"}).text
    assert "张小红" in pe and "张三" not in pe
    by_prefix = hr.get("/teachers", params={"q": "张"}).text
    assert "张三" in by_prefix and "张小红" in by_prefix and "李四" not in by_prefix
    form = {"q": district.id_numbers["T101"], "csrf_token": token_for(hr)}
    by_id = hr.post("/teachers", data=form)
    assert by_id.status_code == 200, by_id.text
    assert "王五" in by_id.text and "张三" not in by_id.text
    links = re.findall(r'(?:href|action)="([^"]*)"', by_id.text)
    assert links and not [link for link in links if district.id_numbers["T101"] in link]
    bad = hr.get("/teachers", params={"subject": "astrology"})
    assert bad.status_code == 422 and "astrology" in bad.text


@pytest.mark.postgres
def test_an_id_beyond_a_database_integer_is_answered_with_a_page(app, district) -> None:  # type: ignore[no-untyped-def]
    """An id of 2**63 in a page's address overflowed the query: the browser showed a JSON body
    saying the data "cannot be stored". A page answers now, saying the number is out of range;
    the API answers the same in JSON."""
    from page_helpers import signed_in

    too_big = 2**63
    hr = signed_in(app, "hr")
    pages = [hr.get(f"/teachers/{too_big}"), hr.get(f"/plans/{too_big}")]
    assert [p.status_code for p in pages] == [422, 422]
    for page in pages:
        assert page.headers["content-type"].startswith("text/html")
        assert "超出范围" in page.text and "无法保存" not in page.text
    api = hr.get(f"/api/teachers/{too_big}")
    assert (api.status_code, api.json()["code"]) == (422, "data_not_searchable")
