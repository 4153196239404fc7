"""Teacher routes: list filters and search, detail, create, update with optimistic
concurrency, deactivate, and ID-number masking with audited unmasking."""

from __future__ import annotations

import datetime as dt

from api_helpers import id_number
from sqlmodel import Session, select

from workforce.models import AuditLog, Designation, TrainingRecord
from workforce.services.versioning import parse_version


def staff_numbers(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [t["staff_no"] for t in response.json()["data"]]


def test_list_pages_and_counts(client, district):
    response = client.get("/api/teachers?limit=2&skip=1", headers=district.headers["hr"])
    assert staff_numbers(response) == ["T002", "T003"]
    assert response.json()["count"] == 5


def test_list_filters(client, district):
    h = district.headers["admin"]
    a = district.school_a.id
    assert staff_numbers(client.get(f"/api/teachers?school_id={a}", headers=h)) == [
        "T001",
        "T002",
        "T003",
    ]
    assert staff_numbers(client.get("/api/teachers?subject=体育", headers=h)) == ["T002"]
    assert staff_numbers(client.get("/api/teachers?post_type=temporary", headers=h)) == ["T003"]
    assert staff_numbers(client.get("/api/teachers?zone=rural", headers=h)) == ["T101", "T102"]
    assert staff_numbers(client.get("/api/teachers?status=left", headers=h)) == []


def test_key_teacher_filter_counts_county_tier_in_term(client, district, engine):
    today = dt.date.today()
    t001, t002 = district.teachers_a[0], district.teachers_a[1]
    with Session(engine) as session:
        for teacher, tier in ((t001, "district"), (t002, "school")):
            session.add(
                Designation(
                    teacher_id=teacher.id,
                    kind="key_teacher",
                    tier=tier,
                    term_start=today - dt.timedelta(days=30),
                    term_end=today + dt.timedelta(days=300),
                )
            )
        session.commit()
    h = district.headers["hr"]
    assert staff_numbers(client.get("/api/teachers?key_teacher=true", headers=h)) == ["T001"]
    assert "T001" not in staff_numbers(client.get("/api/teachers?key_teacher=false", headers=h))


def test_search_by_name_prefix_staff_number_and_id_number(client, district):
    h = district.headers["hr"]
    assert staff_numbers(client.get("/api/teachers", params={"q": "张"}, headers=h)) == [
        "T001",
        "T002",
    ]
    assert staff_numbers(client.get("/api/teachers", params={"q": "T101"}, headers=h)) == ["T101"]
    number = district.id_numbers["T102"]
    found = client.post("/api/teachers/search", json={"q": number.lower()}, headers=h)
    assert staff_numbers(found) == ["T102"]
    partial = client.post("/api/teachers/search", json={"q": number[:10]}, headers=h)
    assert staff_numbers(partial) == []
    narrowed = client.post(
        "/api/teachers/search", json={"q": "张", "subject": "pe", "limit": 5}, headers=h
    )
    assert staff_numbers(narrowed) == ["T002"]


def test_search_as_clerks_type_it(client, district):
    # The start of a staff number, full-width or lower-case letters and digits (as the import
    # reads them) and a name lined up with a space in Excel found nobody.
    h = district.headers["hr"]
    asked = {"T10": ["T101", "T102"], "t00": ["T001", "T002", "T003"], "Ｔ１０１": ["T101"],
             "ｔ１０２": ["T102"], "张 三": ["T001"], " 李　四 ": ["T003"], "T1019": []}  # fmt: skip
    found = {q: staff_numbers(client.get("/api/teachers", params={"q": q}, headers=h))
             for q in asked}  # fmt: skip
    assert found == asked and len(found) == 7


def test_id_numbers_are_masked_by_default(client, district):
    response = client.get("/api/teachers", headers=district.headers["admin"])
    shown = {t["staff_no"]: t["id_number"] for t in response.json()["data"]}
    clear = district.id_numbers["T001"]
    assert shown["T001"] == "*" * len(clear)


def test_unmasking_is_shown_to_hr_and_written_to_the_audit_log(client, district, engine):
    teacher = district.teachers_a[0]
    response = client.get(f"/api/teachers/{teacher.id}?unmask=true", headers=district.headers["hr"])
    assert response.json()["id_number"] == district.id_numbers["T001"]
    listed = client.get("/api/teachers?unmask=true&zone=rural", headers=district.headers["admin"])
    assert {t["id_number"] for t in listed.json()["data"]} == {
        district.id_numbers["T101"],
        district.id_numbers["T102"],
    }
    with Session(engine) as session:
        entries = session.exec(select(AuditLog).where(AuditLog.action == "unmask")).all()
    assert sorted((e.actor, e.entity_key) for e in entries) == [
        ("admin", "T101"),
        ("admin", "T102"),
        ("hr", "T001"),
    ]


def test_clerks_and_auditors_may_never_unmask(client, district, engine):
    teacher = district.teachers_a[0]
    for role in ("clerk_a", "auditor"):
        detail = client.get(
            f"/api/teachers/{teacher.id}?unmask=true", headers=district.headers[role]
        )
        listed = client.get("/api/teachers?unmask=true", headers=district.headers[role])
        assert (detail.status_code, listed.status_code) == (403, 403)
        assert detail.json()["code"] == "unmask_forbidden"
    with Session(engine) as session:
        assert session.exec(select(AuditLog).where(AuditLog.action == "unmask")).all() == []


def test_detail_lists_records_and_training_total(client, district, engine):
    teacher = district.teachers_a[0]
    with Session(engine) as session:
        for hours in ("24.5", "12"):
            session.add(
                TrainingRecord(
                    teacher_id=teacher.id, date=dt.date(2024, 3, 1), hours=hours, category="online"
                )
            )
        session.commit()
    response = client.get(f"/api/teachers/{teacher.id}", headers=district.headers["clerk_a"])
    body = response.json()
    assert response.headers["etag"] == '"1"'
    assert float(body["training_hours_total"]) == 36.5
    assert len(body["training"]) == 2
    assert body["designations"] == body["rotations"] == body["exemptions"] == []


def new_teacher(district, **changes):
    payload = {
        "staff_no": "T900",
        "name": "陈新",
        "gender": "男",
        "birth_date": "1995年6月15日",
        "id_number": id_number(dt.date(1995, 6, 15), 901),
        "post_type": "在编",
        "school_id": district.school_b.id,
        "joined_school_on": "2020.9.1",
        "main_subject": "体育",
    }
    payload.update(changes)
    return payload


def test_create_teacher_accepts_labels_and_clerk_dates(client, district, engine):
    response = client.post(
        "/api/teachers", json=new_teacher(district), headers=district.headers["hr"]
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["gender"], body["post_type"], body["main_subject"]) == (
        "male",
        "established",
        "pe",
    )
    assert (body["birth_month"], body["birth_date"]) == ("1995-06", None)  # the day: unmasked
    assert body["id_number"] == "*" * 18
    with Session(engine) as session:
        entry = session.exec(select(AuditLog).where(AuditLog.entity_key == "T900")).one()
    assert (entry.actor, entry.action) == ("hr", "create")
    assert "id_number_encrypted" not in entry.after and "*" in entry.after["id_number_masked"]


def test_create_teacher_refuses_bad_input_with_the_field_named(client, district):
    h = district.headers["hr"]
    bad_subject = client.post(
        "/api/teachers", json=new_teacher(district, main_subject="舞蹈"), headers=h
    )
    assert bad_subject.status_code == 422
    assert bad_subject.json()["errors"][0]["loc"] == ["body", "main_subject"]
    assert "舞蹈" in bad_subject.json()["detail"]["zh"]
    wrong_birth = client.post(
        "/api/teachers", json=new_teacher(district, birth_date="1995-06-16"), headers=h
    )
    assert wrong_birth.status_code == 422
    assert "身份证号" in wrong_birth.json()["detail"]["zh"]
    taken = client.post("/api/teachers", json=new_teacher(district, staff_no="T001"), headers=h)
    assert (taken.status_code, taken.json()["code"]) == (409, "staff_no_taken")
    duplicate_id = client.post(
        "/api/teachers",
        json=new_teacher(district, id_number=district.id_numbers["T001"], birth_date="1980-03-12"),
        headers=h,
    )
    assert (duplicate_id.status_code, duplicate_id.json()["code"]) == (409, "id_number_taken")
    no_school = client.post("/api/teachers", json=new_teacher(district, school_id=999), headers=h)
    assert (no_school.status_code, no_school.json()["code"]) == (422, "school_unknown")


def test_update_increments_version_and_audits(client, district, engine):
    teacher = district.teachers_a[0]
    h = district.headers["hr"]
    response = client.patch(
        f"/api/teachers/{teacher.id}", json={"title": "一级教师"}, headers={**h, "If-Match": '"1"'}
    )
    assert response.status_code == 200, response.text
    assert (response.json()["title"], response.json()["version"]) == ("first", 2)
    assert response.headers["etag"] == '"2"'
    again = client.patch(
        f"/api/teachers/{teacher.id}", json={"title": "高级教师", "version": 2}, headers=h
    )
    assert again.json()["version"] == 3
    with Session(engine) as session:
        updates = session.exec(
            select(AuditLog).where(AuditLog.entity_key == "T001", AuditLog.action == "update")
        ).all()
    assert [(u.before["title"], u.after["title"]) for u in updates] == [
        (None, "first"),
        ("first", "senior"),
    ]


def test_stale_version_is_refused_with_the_current_values(client, district):
    teacher = district.teachers_a[0]
    h = district.headers["hr"]
    first = client.patch(
        f"/api/teachers/{teacher.id}", json={"name": "张叁", "version": 1}, headers=h
    )
    assert first.status_code == 200
    second = client.patch(
        f"/api/teachers/{teacher.id}", json={"name": "张三丰", "version": 1}, headers=h
    )
    assert second.status_code == 409
    body = second.json()
    assert body["code"] == "stale_version"
    assert body["current_version"] == 2
    assert body["current"]["name"] == "张叁"
    assert "id_number_encrypted" not in body["current"]
    assert client.get(f"/api/teachers/{teacher.id}", headers=h).json()["name"] == "张叁"


def test_update_without_version_is_refused(client, district):
    teacher = district.teachers_a[0]
    response = client.patch(
        f"/api/teachers/{teacher.id}", json={"name": "张叁"}, headers=district.headers["hr"]
    )
    assert (response.status_code, response.json()["code"]) == (428, "version_required")
    bad = client.patch(
        f"/api/teachers/{teacher.id}",
        json={"name": "张叁"},
        headers={**district.headers["hr"], "If-Match": "abc"},
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "version_invalid")


def test_if_match_forms():
    assert parse_version('"3"') == 3
    assert parse_version('W/"4"') == 4
    assert parse_version(None) is None


def test_update_refuses_emptying_a_required_field(client, district):
    teacher = district.teachers_a[0]
    response = client.patch(
        f"/api/teachers/{teacher.id}",
        json={"name": None, "version": 1},
        headers=district.headers["hr"],
    )
    assert (response.status_code, response.json()["code"]) == (422, "value_required")


def test_deactivate_marks_left_and_keeps_the_record(client, district):
    teacher = district.teachers_b[0]
    h = district.headers["admin"]
    response = client.post(
        f"/api/teachers/{teacher.id}/deactivate",
        json={"status": "retired", "version": 1},
        headers=h,
    )
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["version"]) == ("retired", 2)
    assert client.get(f"/api/teachers/{teacher.id}", headers=h).status_code == 200
    again = client.post(f"/api/teachers/{teacher.id}/deactivate", json={"version": 2}, headers=h)
    assert (again.status_code, again.json()["code"]) == (409, "already_inactive")


def test_the_leaving_date_is_recorded_with_the_leaving_and_goes_with_a_return(client, district):
    """Reports dated in the past count a teacher until the day they left: deactivating records
    that day (today unless given); a status change through the edit does too; a date before
    the teacher joined, or beside a status in service, is refused; a re-employed teacher has
    none any more."""
    h = district.headers["admin"]
    first, second = district.teachers_b[0], district.teachers_a[0]
    before_joining = (first.joined_school_on - dt.timedelta(days=1)).isoformat()
    refused = client.post(f"/api/teachers/{first.id}/deactivate", headers=h,
                          json={"version": 1, "left_on": before_joining})  # fmt: skip
    assert (refused.status_code, refused.json()["code"]) == (422, "left_before_joining")
    assert "早于到本校任教时间" in refused.json()["detail"]["zh"]
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    ahead = client.post(f"/api/teachers/{first.id}/deactivate", headers=h,
                        json={"version": 1, "left_on": tomorrow})  # fmt: skip
    assert (ahead.status_code, ahead.json()["code"]) == (422, "left_on_ahead")
    left = client.post(f"/api/teachers/{first.id}/deactivate", headers=h,
                       json={"version": 1, "left_on": "2026-07-15"})  # fmt: skip
    assert left.status_code == 200, left.text
    assert (left.json()["status"], left.json()["left_on"]) == ("left", "2026-07-15")
    back = client.patch(f"/api/teachers/{first.id}", headers=h,
                        json={"version": 2, "status": "active"})  # fmt: skip
    assert back.status_code == 200, back.text
    assert (back.json()["status"], back.json()["left_on"]) == ("active", None)
    serving_with_a_date = client.patch(f"/api/teachers/{first.id}", headers=h,
                                       json={"version": 3, "left_on": "2026-08-01"})  # fmt: skip
    assert serving_with_a_date.json()["code"] == "left_on_while_serving"
    retired = client.patch(f"/api/teachers/{second.id}", headers=h,
                           json={"version": second.version, "status": "retired"})  # fmt: skip
    assert retired.status_code == 200, retired.text
    assert retired.json()["left_on"] == dt.date.today().isoformat()
    with Session(client.app.state.engine) as session:
        entry = session.exec(select(AuditLog).where(AuditLog.entity_key == first.staff_no,
                                                    AuditLog.action == "deactivate")).one()  # fmt: skip
    assert (entry.before["left_on"], entry.after["left_on"]) == (None, "2026-07-15")


def test_a_stale_change_of_birth_date_does_not_tell_the_day_in_the_id_number(client, district):
    """The registry refuses a birth date that the ID number on file contradicts; a change
    sent with a stale version is refused for its version first, whatever date it carries.
    Judged the other way round, the refusal (422 for a wrong day, 409 for the right one) told
    an editor the day the number holds, one unaudited try per day of the month shown."""
    answers = {}
    for role in ("admin", "hr"):
        for teacher in (*district.teachers_a, *district.teachers_b):
            born = teacher.birth_date
            for day in (born, born.replace(day=2 if born.day == 1 else 1)):
                sent = {"birth_date": day.isoformat(), "version": teacher.version + 5}
                answer = client.patch(f"/api/teachers/{teacher.id}", headers=district.headers[role],
                                      json=sent)  # fmt: skip
                answers[(role, teacher.staff_no, day == born)] = (
                    answer.status_code, answer.json()["code"])  # fmt: skip
    assert len(answers) == 2 * 5 * 2
    assert set(answers.values()) == {(409, "stale_version")}


def test_a_search_that_finds_a_teacher_by_id_number_is_an_audited_unmasking(
    client, district, engine
):
    """Finding a teacher by a full ID number tells the searcher that teacher's number, as an
    unmasking does: every teacher found so is written to the audit log (``unmask``, note
    ``search``), by the API's search and the list page's search form alike. Without it an
    editor could try the ~14,000 numbers that fit what the page shows, unlogged, until one
    answered. A number no one holds, a name or a staff number finds nothing to log."""
    number = district.id_numbers["T102"]
    unheld = id_number(dt.date(1980, 1, 1), 999)
    searches = [
        ("hr", client.post("/api/teachers/search", json={"q": number}, headers=district.headers["hr"])),
        ("admin", client.post("/teachers", data={"q": number}, headers=district.headers["admin"])),
        ("hr", client.post("/api/teachers/search", json={"q": unheld}, headers=district.headers["hr"])),
        ("hr", client.post("/api/teachers/search", json={"q": "赵"}, headers=district.headers["hr"])),
        ("hr", client.get("/api/teachers", params={"q": "T102"}, headers=district.headers["hr"])),
        # a page past the match shows no one, but its count says the number is someone's
        ("admin", client.post("/api/teachers/search", json={"q": number, "skip": 1, "limit": 1},
                              headers=district.headers["admin"])),
        ("hr", client.post("/api/teachers/search", json={"q": unheld, "skip": 1, "limit": 1},
                           headers=district.headers["hr"])),
        ("admin", client.post("/api/teachers/search", json={"q": number, "skip": 1, "unmask": True},
                              headers=district.headers["admin"])),
    ]  # fmt: skip
    assert [answer.status_code for _, answer in searches] == [200] * 8
    assert "赵六" in searches[1][1].text
    assert [searches[i][1].json()["count"] for i in (5, 6, 7)] == [1, 0, 1]
    assert [len(searches[i][1].json()["data"]) for i in (5, 6, 7)] == [0, 0, 0]
    with Session(engine) as session:
        entries = session.exec(select(AuditLog).where(AuditLog.action == "unmask")).all()
    assert sorted((e.actor, e.entity_key, e.note) for e in entries) == [
        ("admin", "T102", "search"),
        ("admin", "T102", "search"),
        ("admin", "T102", "search"),
        ("hr", "T102", "search"),
    ]


def test_an_arrival_date_does_not_tell_the_birth_day_behind_the_month_shown(client, district):
    """An editor sees a number-holder's birth month only. The edit refused an arrival before
    the birth day ("joined the school before being born") and took one on it: trying the
    month's days told the day, and the ID number with it. Every day of the birth month now
    gets the same answer."""
    h = district.headers["hr"]
    teacher = next(t for t in district.teachers_a if t.staff_no in district.id_numbers)
    born = dt.date.fromisoformat(
        client.get(f"/api/teachers/{teacher.id}?unmask=true", headers=h).json()["birth_date"]
    )
    answers = set()
    version = client.get(f"/api/teachers/{teacher.id}", headers=h).json()["version"]
    for day in range(1, 29):
        sent = {"joined_school_on": born.replace(day=day).isoformat(), "version": version,
                "first_employed_on": None}  # fmt: skip
        answer = client.patch(f"/api/teachers/{teacher.id}", headers=h, json=sent)
        if answer.status_code == 200:
            version = answer.json()["version"]
        answers.add((answer.status_code, answer.json().get("code")))
    assert len(answers) == 1, answers


def test_a_new_id_number_alone_tells_nothing_of_the_day_on_file(client, district, engine):
    """HR sent a teacher's new ID number without a birth date: it was judged against the
    stored day, and the refusal quoted that day ("birth date 1980-03-12 differs …") — and
    which refusal came (the date's, or the gender's) told it too. A number in the month on
    file now carries its own day, whatever the day; another month is refused naming the
    month. 31 days × a number of the other sex: one answer, no day in it."""
    h = district.headers["hr"]
    teacher = district.teachers_a[0]  # 张三: male, born 1980-03-12
    version = client.get(f"/api/teachers/{teacher.id}", headers=h).json()["version"]
    answers = set()
    for day in range(1, 32):
        sent = {"id_number": id_number(dt.date(1980, 3, day), 20), "version": version}  # female
        answer = client.patch(f"/api/teachers/{teacher.id}", headers=h, json=sent)
        assert "1980-03-12" not in answer.text and "12" not in answer.json()["detail"]["en"]
        answers.add((answer.status_code, answer.json()["code"], answer.json()["detail"]["en"]))
    assert len(answers) == 1 and next(iter(answers))[:2] == (422, "inconsistent")
    other_month = client.patch(f"/api/teachers/{teacher.id}", headers=h, json={
        "id_number": id_number(dt.date(1980, 4, 5), 21), "version": version})  # fmt: skip
    assert (other_month.status_code, other_month.json()["code"]) == (422, "id_birth_month")
    assert "1980-03" in other_month.json()["detail"]["zh"] and "1980-03-" not in other_month.text
    taken = client.patch(f"/api/teachers/{teacher.id}", headers=h, json={
        "id_number": id_number(dt.date(1980, 3, 1), 21), "version": version})  # fmt: skip
    assert taken.status_code == 200, taken.text
    with Session(engine) as session:
        assert session.get(type(teacher), teacher.id).birth_date == dt.date(1980, 3, 1)


def test_a_number_refused_as_another_teachers_is_an_audited_unmasking(client, district, engine):
    """"This number is already registered" tells the sender the number is a teacher's, as a
    search by number does; without a version (428) nothing was changed, so every candidate
    number could be tried for free, unlogged. The version is now judged first, and each
    refusal of a number as another teacher's writes an ``unmask`` entry for its holder."""
    h = district.headers["hr"]
    held = district.id_numbers["T101"]
    teacher = district.teachers_a[0]
    version = client.get(f"/api/teachers/{teacher.id}", headers=h).json()["version"]
    answers = [
        client.patch(f"/api/teachers/{teacher.id}", headers=h, json={"id_number": held}),
        client.patch(f"/api/teachers/{teacher.id}", headers=h,
                     json={"id_number": held, "version": version}),
        client.post("/api/teachers", headers=h,
                    json=new_teacher(district, id_number=held, birth_date="1985-10-05")),
    ]  # fmt: skip
    assert [(a.status_code, a.json()["code"]) for a in answers] == [
        (428, "version_required"), (409, "id_number_taken"), (409, "id_number_taken")]
    with Session(engine) as session:
        entries = session.exec(select(AuditLog).where(AuditLog.action == "unmask")).all()
        assert [(e.actor, e.entity_key, e.note) for e in entries] == [
            ("hr", "T101", "edit: the ID number sent is this teacher's (refused)")] * 2
        assert session.get(type(teacher), teacher.id).version == version  # nothing changed


def test_career_dates_out_of_range_are_refused_and_one_on_file_breaks_no_page(
    client, district, engine
):
    """An arrival on 9999-12-31 was saved through the API, and the teacher's page and every
    rotation report failed (500) on it from then on. The edit now holds a teacher's dates to
    the import's bounds, naming the field; and a date past them already on file (an older
    import) no longer breaks the page or the report. An edit of another field of such a
    record is not refused for it."""
    h = district.headers["hr"]
    teacher = district.teachers_a[0]
    version = client.get(f"/api/teachers/{teacher.id}", headers=h).json()["version"]
    refused = {
        field: client.patch(f"/api/teachers/{teacher.id}", headers=h,
                            json={field: value, "version": version})  # fmt: skip
        for field, value in (("joined_school_on", "9999-12-31"), ("first_employed_on", "2999-01-01"))
    }
    assert {f: (a.status_code, a.json()["code"]) for f, a in refused.items()} == {
        "joined_school_on": (422, "inconsistent"), "first_employed_on": (422, "inconsistent")}
    assert "到本校任教时间 9999-12-31 超出合理范围" in refused["joined_school_on"].json()["detail"]["zh"]
    with Session(engine) as session:  # as an older import left it
        row = session.get(type(teacher), teacher.id)
        row.joined_school_on = dt.date(9999, 12, 31)
        session.add(row)
        session.commit()
    answers = [client.get(f"/teachers/{teacher.id}", headers=h),
               client.get("/api/reports/rotation", headers=h)]
    assert [a.status_code for a in answers] == [200, 200]
    renamed = client.patch(f"/api/teachers/{teacher.id}", headers=h,
                           json={"name": "张叁", "version": version})
    assert renamed.status_code == 200, renamed.text


def test_a_date_that_is_no_date_is_quoted_safely_and_briefly(client, district):
    """A lone surrogate (``\\ud800`` in the JSON) in a date field was repeated in the refusal,
    which no encoder takes: the answer itself failed (500). A 10,000-character value was
    repeated whole. Both are now a 422 quoting at most 40 characters, the surrogate escaped."""
    h = district.headers["hr"]
    teacher = district.teachers_a[0]
    version = client.get(f"/api/teachers/{teacher.id}", headers=h).json()["version"]
    answers = {}
    # the JSON text as a client sends it: the surrogate as its \u escape
    for name, value in (("surrogate", "a\\ud800b"), ("long", "9" * 10_000)):
        body = f'{{"joined_school_on": "{value}", "version": {version}}}'
        answer = client.patch(f"/api/teachers/{teacher.id}", headers={
            **h, "Content-Type": "application/json"}, content=body.encode())  # fmt: skip
        answers[name] = answer
    assert {n: a.status_code for n, a in answers.items()} == {"surrogate": 422, "long": 422}
    said = answers["surrogate"].text  # the surrogate named or escaped, never itself
    assert "\\ud800" in said or "U+D800" in said
    assert len(answers["long"].text) < 2_000


def test_a_name_is_read_as_the_import_reads_it(client, district, engine):
    """Through the API (and the edit form) a name with a NUL character, one shown backwards by
    a right-to-left override, or one of nothing visible was saved, where the import refuses
    or cleans it. The same reading now applies to both."""
    h = district.headers["hr"]
    teacher = district.teachers_a[0]

    def send(name: str):  # type: ignore[no-untyped-def]
        version = client.get(f"/api/teachers/{teacher.id}", headers=h).json()["version"]
        return client.patch(f"/api/teachers/{teacher.id}", headers=h,
                            json={"name": name, "version": version})  # fmt: skip

    refused = {name: send(name).status_code for name in ("a\x00b", "\u200d", "张\u001b[31m三")}
    assert refused == {"a\x00b": 422, "\u200d": 422, "张\u001b[31m三": 422}
    cleaned = send("\u202e张三丰\u200b")
    assert cleaned.status_code == 200 and cleaned.json()["name"] == "张三丰"


def _edited(client, district, values: dict):  # type: ignore[no-untyped-def]
    """HR's PATCH of T001 with ``values``, at the version on file now."""
    teacher = district.teachers_a[0]
    h = district.headers["hr"]
    version = client.get(f"/api/teachers/{teacher.id}", headers=h).json()["version"]
    return client.patch(f"/api/teachers/{teacher.id}", json=values,
                        headers={**h, "If-Match": f'"{version}"'})  # fmt: skip


def test_a_name_sent_with_spaces_between_its_characters_is_stored_as_the_import_stores_it(
    client, district
):
    changed = _edited(client, district, {"name": "张 三　丰"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["name"] == "张三丰"


def test_a_career_date_sent_as_its_month_is_its_first_day_as_the_import_reads_it(client, district):
    changed = _edited(client, district, {"joined_school_on": "2016年9月"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["joined_school_on"] == "2016-09-01"
    refused = _edited(client, district, {"joined_school_on": "2016.13"})
    assert refused.status_code == 422 and "2016.13" in refused.json()["detail"]["zh"]
