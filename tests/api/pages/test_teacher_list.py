"""The teacher list as people use it (issue #13, item 9): a name found by any part or by its
pinyin initials, a staff number in any case; sortable columns with key-teacher, title and
years-at-school; schools by type and code; a page past the end shows the last one; a page
that is no number is a form error in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import District
from fastapi import FastAPI
from page_helpers import internal_codes, signed_in, token_for
from sqlmodel import Session, select

from workforce.models import Designation, Teacher
from workforce.pinyin import name_initials


def _names(html: str) -> list[str]:
    body = html.split('data-testid="teacher-list"')[1].split("</tbody>")[0]
    return [
        part.split(">", 1)[1].split("<", 1)[0] for part in body.split('<a href="/teachers/')[1:]
    ]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("小红", ["张小红"]),  # inside the name
        ("张", ["张三", "张小红"]),
        ("zxh", ["张小红"]),  # pinyin initials
        ("ZS", ["张三"]),
        ("z", ["张三", "张小红", "赵六"]),
        ("t002", ["张小红"]),  # staff number, any case
        ("T101", ["王五"]),
        ("%", []),  # a LIKE wildcard is a character like any other
    ],
)
def test_search_by_any_part_initials_or_staff_number(
    app: FastAPI, district: District, q: str, expected: list[str]
) -> None:
    hr = signed_in(app, "hr")
    assert sorted(_names(hr.get("/teachers", params={"q": q}).text)) == expected


def test_initials_are_kept_with_the_name(district: District, engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        stored = dict(session.exec(select(Teacher.name, Teacher.name_initials)).all())
    assert stored == {name: name_initials(name) for name in stored}
    assert stored["张小红"] == "zxh" and len(stored) == 5


def test_columns_sort_both_ways_and_show_key_teacher_title_and_years(
    app: FastAPI, district: District, engine
) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        session.add(
            Designation(
                teacher_id=district.teachers_b[0].id, kind="key_teacher", tier="district",
                term_start=dt.date(2024, 1, 1), term_end=dt.date(2030, 12, 31),
            )
        )  # fmt: skip
        session.commit()
    hr = signed_in(app, "hr")
    by_name = hr.get("/teachers", params={"sort": "name"}).text
    assert _names(by_name) == sorted(_names(by_name))
    assert _names(hr.get("/teachers", params={"sort": "-name"}).text) == sorted(
        _names(by_name), reverse=True
    )
    assert 'aria-sort="ascending"' in by_name and 'href="/teachers?sort=-name' in by_name
    staff = _names(hr.get("/teachers", params={"sort": "-staff_no"}).text)
    assert staff == ["赵六", "王五", "李四", "张小红", "张三"]
    page = hr.get("/teachers").text
    header = page.split("<thead>")[1].split("</thead>")[0]
    for title in ("职称", "骨干教师", "本校年限"):
        assert title in header
    years = dt.date.today().year - 2015 - (dt.date.today() < dt.date(dt.date.today().year, 9, 1))
    wang = page.split(">王五<")[1].split("</tr>")[0]
    assert f"<td>{years}</td>" in wang and "<td>是</td>" in wang
    assert internal_codes(page) == []


def test_schools_in_the_picker_by_type_and_code(app: FastAPI, district: District) -> None:
    html = signed_in(app, "hr").get("/teachers").text
    picker = html.split('<select name="school_id"')[1].split("</select>")[0]
    assert picker.index("A001 东埔小学") < picker.index("B001 埔前中心小学")
    assert "data-searchable" in html


def test_a_page_past_the_end_shows_the_last_and_a_bad_one_is_a_form_error(
    app: FastAPI, district: District
) -> None:
    hr = signed_in(app, "hr")
    past = hr.get("/teachers", params={"page": "99"})
    assert past.status_code == 200 and len(_names(past.text)) == 5
    for bad in ("abc", "0", "-1", "1.5"):
        answer = hr.get("/teachers", params={"page": bad})
        assert answer.status_code == 422, bad
        error = answer.text.split('data-testid="list-error"')[1].split("</div>")[0]
        assert f"页码“{bad}”无效" in error and "query" not in answer.text
        assert len(_names(answer.text)) == 5  # the first page, with the form to go on


def test_only_those_who_may_see_id_numbers_search_by_one(
    app: FastAPI, district: District, client
) -> None:  # type: ignore[no-untyped-def]
    """A search by ID number answers "this number is this teacher": to a clerk or an auditor,
    who see the number masked and the birth month beside it, it would confirm guesses of
    the rest; theirs is refused with a reason, on the page and over the API."""
    number = district.id_numbers["T001"]  # 张三, of clerk_a's own school
    answers = {}
    for username in ("admin", "hr", "clerk_a", "auditor"):
        user = signed_in(app, username)
        page = user.post("/teachers", data={"q": number, "csrf_token": token_for(user)})
        api = client.post(
            "/api/teachers/search", json={"q": number}, headers=district.headers[username]
        )
        listed = _names(page.text) if 'data-testid="teacher-list"' in page.text else []
        answers[username] = (page.status_code, listed, api.status_code)
        if page.status_code == 422:
            assert "按身份证号查找教师仅限" in page.text and "张三" not in page.text
            assert "按身份证号查找教师仅限" in api.json()["detail"]["zh"]
    assert answers == {
        "admin": (200, ["张三"], 200),
        "hr": (200, ["张三"], 200),
        "clerk_a": (422, [], 422),
        "auditor": (422, [], 422),
    }
    clerk = signed_in(app, "clerk_a")  # a name or staff number is still found
    assert _names(
        clerk.post("/teachers", data={"q": "T001", "csrf_token": token_for(clerk)}).text
    ) == ["张三"]
