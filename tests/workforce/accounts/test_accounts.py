"""Accounts: creation rules, the sign-in rate limit, tokens and the scoping function."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from sqlmodel import Session, select

from workforce.accounts.models import SignInAttempt, User
from workforce.accounts.roles import Permission, Role, allows
from workforce.accounts.scope import restrict
from workforce.accounts.signin import MAX_FAILURES_PER_USERNAME, sign_in
from workforce.accounts.tokens import issue_token, token_holder
from workforce.accounts.users import UserCreate, UserUpdate, create_user, update_user
from workforce.models import Designation, School, Teacher
from workforce.services.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    RateLimited,
    Unauthenticated,
)

PASSWORD = "a long enough password"


def _user(session, username="hr", role=Role.hr, school_id=None):
    data = UserCreate(
        username=username, display_name=username, role=role, school_id=school_id, password=PASSWORD
    )
    return create_user(session, actor="cli", data=data)


def test_role_table():
    assert allows("hr", Permission.write_registry)
    assert not allows("hr", Permission.manage_users)
    assert not allows("clerk", Permission.unmask_id_numbers)
    assert not allows("auditor", Permission.write_registry)
    assert allows("auditor", Permission.read_audit)
    assert not allows("no-such-role", Permission.read_registry)


def test_user_rules(session):
    _user(session)
    with pytest.raises(Conflict):
        _user(session)
    with pytest.raises(InvalidInput):
        _user(session, "clerk", Role.clerk)
    with pytest.raises(InvalidInput):
        _user(session, "名字 有空格")


def test_sign_in_locks_the_guessing_address_not_the_account(session):
    """The guesser's address is locked for that account; the owner elsewhere signs in."""
    _user(session)
    session.commit()
    for _ in range(MAX_FAILURES_PER_USERNAME):
        with pytest.raises(Unauthenticated):
            sign_in(session, username="hr", password="wrong", client="10.0.0.1")
    with pytest.raises(RateLimited) as locked:
        sign_in(session, username="hr", password=PASSWORD, client="10.0.0.1")
    assert 0 < locked.value.extra["retry_after"] <= 900
    assert len(session.exec(select(SignInAttempt)).all()) == MAX_FAILURES_PER_USERNAME
    assert sign_in(session, username="hr", password=PASSWORD, client="10.0.0.2").username == "hr"


def test_many_addresses_guessing_one_account_slow_down_only_unknown_addresses(session):
    """A distributed guesser meets an exponential back-off; the administrator at an address
    they signed in from before does not (an attacker cannot lock them out)."""
    from workforce.accounts.signin import ACCOUNT_BACKOFF_AFTER

    _user(session, "chief", Role.admin)
    session.commit()
    sign_in(session, username="chief", password=PASSWORD, client="192.168.1.10")  # the office
    guessers = [f"203.0.113.{n}" for n in range(ACCOUNT_BACKOFF_AFTER)]
    for address in guessers:
        with pytest.raises(Unauthenticated):
            sign_in(session, username="chief", password="wrong", client=address)
    for address in ("198.51.100.7", guessers[0]):
        with pytest.raises(RateLimited) as slowed:
            sign_in(session, username="chief", password=PASSWORD, client=address)
        assert 0 < slowed.value.extra["retry_after"] <= 2
    assert sign_in(session, username="chief", password=PASSWORD, client="192.168.1.10").id
    assert len(guessers) == ACCOUNT_BACKOFF_AFTER == 10


def test_token_expiry(session):
    user = _user(session)
    token, _ = issue_token(session, user=user, lifetime=dt.timedelta(seconds=-1))
    with pytest.raises(Unauthenticated):
        token_holder(session, token=token)
    fresh, row = issue_token(session, user=user)
    holder, expires_at = token_holder(session, token=fresh)
    assert holder.id == user.id and expires_at == row.expires_at


def test_restrict_limits_a_clerk_to_their_school(session):
    schools = [School(code=c, name=c, town="上城", zone="urban", level="primary") for c in "AB"]
    session.add_all(schools)
    session.flush()
    teachers = [
        Teacher(
            staff_no=f"T{s.code}",
            name="某",
            gender="male",
            birth_date=dt.date(1980, 1, 1),
            post_type="established",
            school_id=s.id,
            joined_school_on=dt.date(2010, 1, 1),
            main_subject="math",
        )
        for s in schools
    ]
    session.add_all(teachers)
    session.flush()
    session.add_all(
        Designation(
            teacher_id=t.id,
            kind="key_teacher",
            tier="district",
            term_start=dt.date(2024, 1, 1),
            term_end=dt.date(2026, 12, 31),
        )
        for t in teachers
    )
    session.flush()
    clerk = User(
        username="c", display_name="c", role="clerk", school_id=schools[0].id, password_hash="-"
    )
    hr = User(username="h", display_name="h", role="hr", password_hash="-")
    orphan = User(username="o", display_name="o", role="clerk", password_hash="-")
    for model, expected in ((School, 1), (Teacher, 1), (Designation, 1)):
        assert len(session.exec(restrict(select(model), clerk, model)).all()) == expected
        assert len(session.exec(restrict(select(model), hr, model)).all()) == 2
        assert session.exec(restrict(select(model), orphan, model)).all() == []
    assert session.exec(restrict(select(User), clerk, User)).all() == []


WEAK_PASSWORDS = (
    "aaaaaaaaaaaa",  # all the same character
    "121212121212",  # two characters
    "password123",
    "qwertyuiop",
    "1qaz2wsx3edc",  # a keyboard run
    "1234567890",
    "woaini1314",  # 我爱你一生一世, the pinyin classic
    "Admin@123456",
    "P@ssw0rd2026",
    "Yuancheng2026",  # the place and the year
    "chenxiaoming1",  # the account's own name
)


def test_common_and_repetitive_passwords_are_refused(session):
    from workforce.accounts.passwords import check_password_strength

    for password in WEAK_PASSWORDS:
        with pytest.raises(InvalidInput) as refused:
            check_password_strength(password, ("chenxiaoming", "陈小明"))
        assert refused.value.text.id == "password_too_weak", password
    for password in ("correct horse battery staple", "xk9#mQ2v!pL7", "Zhang3Feng1980秋"):
        check_password_strength(password, ("chenxiaoming",))
    with pytest.raises(InvalidInput):
        create_user(
            session,
            actor="cli",
            data=UserCreate(username="chen", display_name="陈", role="hr", password="woaini1314"),
        )
    assert len(WEAK_PASSWORDS) == 11


def test_the_last_active_admin_stays(engine):
    """Two administrators demoting each other at once: the second change is checked against
    the first (the accounts' write lock), so one administrator remains; alone, an
    administrator cannot be deactivated or given another role, even from the console."""
    with Session(engine) as setup:
        first, second = (_user(setup, name, Role.admin) for name in ("admin_a", "admin_b"))
        setup.commit()
        ids = {"admin_a": first.id, "admin_b": second.id}
    written, outcomes = threading.Event(), {}

    def demote_b() -> None:
        with Session(engine) as session:
            actor = session.get(User, ids["admin_a"])
            update_user(session, actor=actor, user_id=ids["admin_b"], data=UserUpdate(role=Role.hr))
            written.set()
            time.sleep(0.3)  # admin_b's request arrives while this one is still open
            session.commit()
            outcomes["demote_b"] = "done"

    def deactivate_a() -> None:
        written.wait()
        with Session(engine) as session:
            actor = session.get(User, ids["admin_b"])
            change = UserUpdate(active=False)
            try:
                update_user(session, actor=actor, user_id=ids["admin_a"], data=change)
                session.commit()
                outcomes["deactivate_a"] = "done"
            except Forbidden as error:
                outcomes["deactivate_a"] = error.text.id

    threads = [threading.Thread(target=demote_b), threading.Thread(target=deactivate_a)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == {"demote_b": "done", "deactivate_a": "last_admin"}
    with Session(engine) as session:
        admins = session.exec(select(User.username).where(User.role == "admin", User.active))
        assert admins.all() == ["admin_a"]
        for change in (UserUpdate(active=False), UserUpdate(role=Role.auditor)):
            with pytest.raises(Forbidden) as refused:
                update_user(session, actor="cli", user_id=ids["admin_a"], data=change)
            session.rollback()
            assert "最后一个启用的管理员" in refused.value.text.zh
