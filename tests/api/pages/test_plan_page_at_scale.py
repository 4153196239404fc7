"""The plan page at 2,000 moves (issue #13, item 4): a bounded page (50 moves, no per-row list
of every school, no list of every teacher), moves filtered on the server by school, subject,
direction, key teacher and name, a bad page number answered on the form and a page past the
end clamped; pins on any teacher of the district through a search box, no pin kind
preselected, names in the pins table, the place on the page kept, and a pin to the teacher's
own school refused in Chinese."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import District
from fastapi import FastAPI
from fastapi.testclient import TestClient
from page_helpers import signed_in, token_for
from plan_fixtures import keep_plan
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from optimizer import Instance, Plan
from workforce.models import PlanPin, RotationPlan

pytestmark = pytest.mark.usefixtures("plan_district")

MOVES = 2000
PAGE = 50
SUBJECTS = ("math", "pe", "chinese", "english")
SURNAMES = ("王", "李", "陈")
ROW = re.compile(r'<tr id="m-[^"]+" data-staff-no="([^"]+)"')


def _big_plan(engine: Engine) -> tuple[int, Instance, Plan]:
    """The plan district's real draft grown to :data:`MOVES` moves: teachers ``X0000``…
    added to the instance, each moved between two different schools of the instance, with
    subjects, key-teacher marks and surnames spread over them so that every filter splits."""
    plan_id = keep_plan(engine)
    with Session(engine, expire_on_commit=False) as session:
        record = session.get(RotationPlan, plan_id)
        instance = Instance.model_validate_json(record.instance_json)
        plan = Plan.model_validate_json(record.plan_json)
        codes = [s.code for s in instance.schools]
        model_teacher, model_move = instance.teachers[0], plan.moves[0]
        teachers, moves = [], []
        for i in range(MOVES - len(plan.moves)):
            staff_no, name = f"X{i:04d}", f"{SURNAMES[i % 3]}{i:04d}"
            origin = codes[i % len(codes)]
            target = codes[(i % len(codes) + 1 + (i // len(codes)) % (len(codes) - 1)) % len(codes)]
            teachers.append(
                model_teacher.model_copy(
                    update={"staff_no": staff_no, "name": name, "school": origin, "wishes": []}
                ).model_dump(mode="json", by_alias=True)
            )
            moves.append(
                model_move.model_copy(
                    update={
                        "staff_no": staff_no,
                        "name": name,
                        "from_school": origin,
                        "to_school": target,
                        "subject": SUBJECTS[i % len(SUBJECTS)],
                        "is_key": i % 7 == 0,
                    }
                ).model_dump(mode="json")
            )
        data = instance.model_dump(mode="json", by_alias=True)
        data["teachers"] += teachers
        instance = Instance.model_validate(data)
        plan_data = plan.model_dump(mode="json")
        plan_data["moves"] += moves
        plan = Plan.model_validate(plan_data)
        record.instance_json = instance.model_dump_json(by_alias=True)
        record.plan_json = plan.model_dump_json()
        record.moves = len(plan.moves)
        session.add(record)
        session.commit()
    assert len(plan.moves) == MOVES
    return plan_id, instance, plan


def _all_rows(client: TestClient, plan_id: int, **filters: str) -> list[str]:
    """The staff numbers of every page of the filtered list, following the pager."""
    shown: list[str] = []
    page = 1
    while True:
        answer = client.get(f"/plans/{plan_id}", params={**filters, "page": str(page)})
        assert answer.status_code == 200, answer.text[:300]
        rows = ROW.findall(answer.text)
        assert len(rows) <= PAGE
        shown += rows
        if 'rel="next"' not in answer.text:
            return shown
        page += 1


def test_a_plan_of_2000_moves_is_a_bounded_page(app: FastAPI, engine: Engine) -> None:
    plan_id, instance, plan = _big_plan(engine)
    hr = signed_in(app, "hr")
    answer = hr.get(f"/plans/{plan_id}")
    assert answer.status_code == 200
    html = answer.text
    options = html.count("<option")
    # the old page: a kind list and a list of every school on each of the 2,000 rows
    assert len(ROW.findall(html)) == PAGE
    assert options <= PAGE * 5 + 3 * len(instance.schools) + len(SUBJECTS) + 20, options
    assert len(html.encode()) < 200_000, len(html.encode())
    assert "第 1 / 40 页" in html and f"符合条件 {MOVES} 人（共 {MOVES} 人）" in html
    # no teacher list in the page: the picker asks the server
    assert "X1999" not in html and 'data-lookup="/plans/' in html
    # no pin kind preselected, on any form
    kinds = re.findall(r'<select name="kind"[^>]*>(.*?)</select>', html, re.S)
    assert len(kinds) == PAGE + 1
    assert all(k.startswith('<option value="" selected disabled>请选择</option>') for k in kinds)
    assert 'value="must_stay" selected' not in html
    # Chinese only on the Chinese page: no internal codes shown as text
    visible = re.sub(r"<[^>]+>", " ", html)
    for code in ("must_go", "must_stay", "to_rural", "within_urban", "secondment"):
        assert code not in visible, code
    english = hr.get(f"/plans/{plan_id}", params={"lang": "en", "direction": "to_rural"})
    assert english.status_code == 200 and "urban → rural" in english.text
    assert "must go to the school" in english.text and "城区→乡村" not in english.text


def test_filters_return_only_matching_moves(app: FastAPI, engine: Engine) -> None:
    plan_id, instance, plan = _big_plan(engine)
    zones = {s.code: s.zone for s in instance.schools}
    hr = signed_in(app, "hr")

    def direction(m) -> str:  # type: ignore[no-untyped-def]
        pair = (zones[m.from_school], zones[m.to_school])
        return {
            ("urban", "rural"): "to_rural",
            ("rural", "urban"): "to_urban",
            ("urban", "urban"): "within_urban",
            ("rural", "rural"): "within_rural",
        }[pair]

    cases = [
        ({"school": "R1"}, lambda m: "R1" in (m.from_school, m.to_school)),
        ({"subject": "pe"}, lambda m: m.subject == "pe"),
        ({"direction": "to_rural"}, lambda m: direction(m) == "to_rural"),
        ({"direction": "within_urban"}, lambda m: direction(m) == "within_urban"),
        ({"key": "yes"}, lambda m: m.is_key),
        ({"q": "陈"}, lambda m: "陈" in m.name),
        ({"q": "x012"}, lambda m: m.staff_no.startswith("X012")),
        (
            {"school": "U1", "subject": "math", "key": "no", "direction": "to_rural"},
            lambda m: "U1" in (m.from_school, m.to_school)
            and m.subject == "math"
            and not m.is_key
            and direction(m) == "to_rural",
        ),
        ({"q": "没有这个人"}, lambda m: False),
    ]
    for filters, wanted in cases:
        expected = sorted(m.staff_no for m in plan.moves if wanted(m))
        shown = _all_rows(hr, plan_id, **filters)
        assert sorted(shown) == expected, filters
        assert len(shown) == len(set(shown))
        assert 0 < len(expected) < MOVES or filters == {"q": "没有这个人"}, filters
    assert len(cases) == 9
    bad = hr.get(f"/plans/{plan_id}", params={"direction": "north"})
    assert bad.status_code == 400 or bad.status_code == 422
    assert "交流方向“north”不存在" in bad.text


def test_a_bad_page_is_a_form_error_and_a_page_past_the_end_the_last(
    app: FastAPI, engine: Engine
) -> None:
    plan_id, _, plan = _big_plan(engine)
    hr = signed_in(app, "hr")
    pe_moves = [m.staff_no for m in plan.moves if m.subject == "pe"]
    pages = -(-len(pe_moves) // PAGE)
    assert pages > 2
    checked = 0
    for raw in ("abc", "0", "-3", "1.5", "２"):
        answer = hr.get(f"/plans/{plan_id}", params={"page": raw, "subject": "pe"})
        assert answer.status_code == 422, raw
        assert f"页码“{raw}”无效" in answer.text and 'data-testid="page-error"' in answer.text
        assert ROW.findall(answer.text) == pe_moves[:PAGE] and f"第 1 / {pages} 页" in answer.text
        checked += 1
    assert checked == 5
    last = hr.get(f"/plans/{plan_id}", params={"page": "99999", "subject": "pe"})
    assert last.status_code == 200 and f"第 {pages} / {pages} 页" in last.text
    assert ROW.findall(last.text) == pe_moves[(pages - 1) * PAGE :]


def test_the_teacher_picker_offers_a_few_teachers_of_the_district(
    app: FastAPI, engine: Engine
) -> None:
    plan_id, instance, plan = _big_plan(engine)
    hr = signed_in(app, "hr")
    many = hr.get(f"/plans/{plan_id}/teachers", params={"q": "X"}).json()
    assert len(many) == 10 and all(t["staff_no"].startswith("X") for t in many)
    moving = {m.staff_no for m in plan.moves}
    staying = next(t for t in instance.teachers if t.staff_no not in moving)
    found = hr.get(f"/plans/{plan_id}/teachers", params={"q": staying.name}).json()
    assert found[0]["staff_no"] == staying.staff_no and found[0]["moving"] is False
    school_name = next(s.name for s in instance.schools if s.code == staying.school)
    assert found[0]["school"] == school_name
    assert hr.get(f"/plans/{plan_id}/teachers", params={"q": " "}).json() == []
    assert signed_in(app, "clerk_a").get(f"/plans/{plan_id}/teachers?q=X").status_code == 403


def test_pin_any_teacher_by_name_keeps_the_place_and_shows_names(
    app: FastAPI, engine: Engine
) -> None:
    plan_id, instance, plan = _big_plan(engine)
    moving = {m.staff_no for m in plan.moves}
    staying = next(t for t in instance.teachers if t.staff_no not in moving)
    hr = signed_in(app, "hr")
    token = token_for(hr, f"/plans/{plan_id}")
    back = "school=R1&page=2&next=https://evil.example"
    answer = hr.post(
        f"/plans/{plan_id}/pins",
        data={
            "csrf_token": token,
            "staff_no": staying.name,
            "kind": "must_move",
            "back": back,
            "anchor": "pins",
        },
    )
    assert answer.status_code == 303
    target = urlsplit(answer.headers["location"])
    assert target.path == f"/plans/{plan_id}" and target.fragment == "pins"
    assert parse_qs(target.query) == {"school": ["R1"], "page": ["2"]}
    page = hr.get(answer.headers["location"]).text
    assert f"已锁定 {staying.name}（{staying.staff_no}）：必须交流，重新求解后生效" in page
    row = re.search(r'<tr data-testid="pending-pin">(.*?)</tr>', page, re.S)
    assert row and f"<td>{staying.staff_no}</td><td>{staying.name}</td>" in row.group(1)
    assert "必须交流" in row.group(1)

    # a move's own pin form sends the browser back to that row
    mover = plan.moves[-1]
    row_pin = hr.post(
        f"/plans/{plan_id}/pins",
        data={
            "csrf_token": token,
            "staff_no": mover.staff_no,
            "kind": "must_stay",
            "back": "page=40",
            "anchor": f"m-{mover.staff_no}",
        },
    )
    assert row_pin.headers["location"] == f"/plans/{plan_id}?page=40#m-{mover.staff_no}"
    assert f'id="m-{mover.staff_no}"' in hr.get(row_pin.headers["location"]).text

    # no kind chosen: refused, nothing kept
    hr.post(
        f"/plans/{plan_id}/pins",
        data={"csrf_token": token, "staff_no": "X0001", "kind": ""},
    )
    assert "请选择锁定方式" in hr.get(f"/plans/{plan_id}").text
    with Session(engine) as session:
        kept = session.exec(select(PlanPin.staff_no).where(PlanPin.plan_id == plan_id)).all()
    assert sorted(kept) == sorted([staying.staff_no, mover.staff_no])


def test_a_pin_to_the_teachers_own_school_is_refused_in_chinese(
    app: FastAPI, engine: Engine, district: District
) -> None:
    plan_id, instance, plan = _big_plan(engine)
    hr = signed_in(app, "hr")
    token = token_for(hr, f"/plans/{plan_id}")
    names = {s.code: s.name for s in instance.schools}
    mover = plan.moves[0]
    checked = 0
    for school in (mover.from_school, names[mover.from_school]):  # by code and by name
        answer = hr.post(
            f"/plans/{plan_id}/pins",
            data={"csrf_token": token, "staff_no": mover.staff_no, "kind": "must_go",
                  "school": school, "anchor": f"m-{mover.staff_no}"},
        )
        assert answer.status_code == 303
        page = hr.get(answer.headers["location"]).text
        assert (
            f"{mover.name}（{mover.staff_no}）已在{names[mover.from_school]}任职，"
            "不能锁定交流到本校"
        ) in page
        checked += 1
    assert checked == 2
    # the form knows the own school, so the browser refuses at once too
    assert f'data-own-school="{names[mover.from_school]}"' in hr.get(f"/plans/{plan_id}").text
    with Session(engine) as session:
        assert not session.exec(select(PlanPin).where(PlanPin.plan_id == plan_id)).all()
    # the plans API refuses it the same way (one check for both)
    api = TestClient(app).post(
        f"/api/plans/{plan_id}/resolve",
        headers=district.headers["hr"],
        json={"pins": [{"kind": "must_go", "staff_no": mover.staff_no,
                        "school": mover.from_school}]},
    )
    assert api.status_code == 422 and "不能锁定交流到本校" in api.json()["detail"]["zh"]
    # another school is accepted
    other = next(c for c in names if c != mover.from_school)
    hr.post(
        f"/plans/{plan_id}/pins",
        data={"csrf_token": token, "staff_no": mover.staff_no, "kind": "must_go", "school": other},
    )
    with Session(engine) as session:
        pin = session.exec(select(PlanPin).where(PlanPin.plan_id == plan_id)).one()
        assert (pin.kind, pin.school) == ("must_go", other)
