"""A server still running on the old key after ``rotate-secret`` says so, in words: every write
is refused whole (the audit chain's key check at commit) and every ID number it can no longer
read is a 503 naming the cause and the remedy — never a bare 500, never a write stored under a
key the database no longer has. API and pages, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlmodel import Session, select

from workforce import config
from workforce.models import Teacher
from workforce.secret import check_secret_key, rotate_secret_key

NEW_KEY = "the-new-secret-key-of-the-registry-0123456789abcdef"
SAID = "本服务所用的密钥已不是信息库的密钥"


def _rotate(engine) -> None:  # type: ignore[no-untyped-def]
    old = config.get_settings().secret_key  # the server keeps it
    check_secret_key(engine, old)
    rotate_secret_key(engine, old, NEW_KEY, actor="admin")


def test_the_api_refuses_writes_and_unreadable_numbers_in_words(client, district, engine):
    teacher = district.teachers_a[0]
    h = district.headers["hr"]
    _rotate(engine)
    answers = {
        "write": client.patch(f"/api/teachers/{teacher.id}", json={"title": "一级教师"},
                              headers={**h, "If-Match": f'"{teacher.version}"'}),
        "read": client.get(f"/api/teachers/{teacher.id}", headers=h),
        "school": client.patch(f"/api/schools/{district.school_b.id}", json={"name": "新名"},
                               headers={**h, "If-Match": f'"{district.school_b.version}"'}),
    }  # fmt: skip
    assert {k: (a.status_code, a.json()["code"]) for k, a in answers.items()} == dict.fromkeys(
        answers, (503, "secret_key_changed"))
    assert all(SAID in a.json()["detail"]["zh"] for a in answers.values())
    with Session(engine) as session:
        assert session.get(Teacher, teacher.id).version == teacher.version  # nothing saved
        assert session.exec(select(Teacher.title).where(Teacher.id == teacher.id)).one() is None
