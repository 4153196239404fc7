"""Users checked a moment ago: kept for the time given, never past their credential's expiry,
handed out as separate copies, forgotten on request."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from workforce.accounts.models import User
from workforce.accounts.recent import RecentUsers
from workforce.models import utcnow


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _clerk() -> User:
    return User(id=7, username="clerk", display_name="专干", role="clerk", school_id=3,
                password_hash="x")  # fmt: skip


def test_a_user_is_kept_for_the_time_given_then_checked_again():
    clock = Clock()
    recent = RecentUsers(ttl_s=2.0, clock=clock)
    recent.keep("key", _clerk(), expires_at=None)
    clock.now += 1.9
    found = recent.get("key")
    assert found is not None and (found.id, found.role, found.school_id) == (7, "clerk", 3)
    clock.now += 0.1
    assert recent.get("key") is None


def test_never_past_the_credentials_own_expiry():
    recent = RecentUsers(ttl_s=60.0, clock=Clock())
    recent.keep("expired", _clerk(), expires_at=utcnow() - dt.timedelta(seconds=1))
    recent.keep("valid", _clerk(), expires_at=utcnow() + dt.timedelta(hours=1))
    assert recent.get("expired") is None
    assert recent.get("valid") is not None


def test_each_lookup_gets_its_own_detached_copy(engine):
    recent = RecentUsers(clock=Clock())
    recent.keep("key", _clerk(), expires_at=None)
    first, second = recent.get("key"), recent.get("key")
    assert first is not second
    first.role = "admin"
    assert recent.get("key").role == "clerk"
    with Session(engine) as session:
        session.add(second)  # detached, not new: attaching it would not insert a user
        assert not session.new


def test_forget_and_the_size_bound():
    recent = RecentUsers(max_entries=2, clock=Clock())
    for key in ("a", "b", "c"):
        recent.keep(key, _clerk(), expires_at=None)
    assert recent.get("a") is None and recent.get("c") is not None
    recent.forget()
    assert recent.get("b") is None and recent.get("c") is None


def test_a_check_that_began_before_a_revocation_is_not_kept():
    recent = RecentUsers(clock=Clock())
    began = recent.generation()
    recent.forget()  # a token revoked while the check was in the database
    recent.keep("key", _clerk(), expires_at=None, checked_in=began)
    assert recent.get("key") is None
    recent.keep("key", _clerk(), expires_at=None, checked_in=recent.generation())
    assert recent.get("key") is not None

