"""A form whose new key another request committed at the same moment gets a 409 page in words,
not a 500: here an administrator's new account whose username another administrator's request
took between this request's check and its write. On SQLite (a file) and on PostgreSQL."""

from __future__ import annotations

from page_helpers import signed_in, token_for
from sqlmodel import Session, select

from workforce.accounts import users
from workforce.accounts.models import User


def test_a_username_taken_meanwhile_is_a_409_page(app, engine, monkeypatch):
    admin = signed_in(app, "admin")
    token = token_for(admin, "/users")
    hash_password = users.hash_password

    def the_other_request_commits_first(password, context):  # type: ignore[no-untyped-def]
        with Session(engine) as other:  # after this request's check, before its write
            other.add(User(username="newclerk", display_name="另一位", role="hr",
                           password_hash="x"))  # fmt: skip
            other.commit()
        return hash_password(password, context)

    monkeypatch.setattr(users, "hash_password", the_other_request_commits_first)
    page = admin.post("/users", data={
        "username": "newclerk", "display_name": "新专干", "role": "hr", "school_id": "",
        "password": "a long enough password for the new clerk", "csrf_token": token,
    })  # fmt: skip
    assert page.status_code == 409, page.text[-500:]
    assert "刚被另一请求写入" in page.text and "<html" in page.text
    with Session(engine) as session:  # the first write stands, nothing of the second is kept
        kept = session.exec(select(User.display_name).where(User.username == "newclerk")).all()
    assert kept == ["另一位"]
