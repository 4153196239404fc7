"""Sign-in, tokens and password changes under requests sent at the same moment, on SQLite
and PostgreSQL: the guard is each state change itself (a row recorded before it is judged, a
conditional UPDATE that must match), not a check read before the write."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session, func, select

import workforce.accounts.signin as signin
from workforce.accounts.models import SignInAttempt, User
from workforce.accounts.passwords import hash_password, verify_password
from workforce.accounts.tokens import issue_token, token_holder
from workforce.accounts.users import UserUpdate, change_own_password, update_user
from workforce.models import utcnow
from workforce.services.errors import Conflict, RateLimited, Unauthenticated

PASSWORD = "correct horse battery staple"
CLIENT = "203.0.113.9"
pytestmark = pytest.mark.postgres


def _user(engine, username: str, role: str = "hr") -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        user = User(username=username, display_name=username, role=role,
                    password_hash=hash_password(PASSWORD))  # fmt: skip
        session.add(user)
        session.commit()
        assert user.id is not None
        return user.id


def _in_threads(*targets: Callable[[], Any]) -> list[Any]:
    """Each target's result, or the exception it raised."""
    results: list[Any] = [None] * len(targets)

    def run(i: int, target: Callable[[], Any]) -> None:
        try:
            results[i] = target()
        except Exception as error:  # noqa: BLE001  (the outcome is what is compared)
            results[i] = error

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.parametrize("forced", [True, False])
def test_guesses_sent_together_get_no_more_than_the_limit(engine, monkeypatch, forced):
    """Four failures on file, a limit of five: eight guesses sent together all read the four
    failures, and all had their password checked (the right one among them signed in). Each
    attempt is now recorded before it is judged, so at most one of them is checked; the ones
    refused as locked leave no row. Forced: every request has recorded itself before any is
    judged. (A request judged after all the others were refused and took their rows back out
    may then be checked, as one sent after them would be: still no more than the limit.)"""
    _user(engine, "victim")
    with Session(engine) as session:
        for _ in range(signin.MAX_FAILURES_PER_USERNAME - 1):
            session.add(SignInAttempt(username="victim", client=CLIENT, at=utcnow(),
                                      succeeded=False))  # fmt: skip
        session.commit()
    guesses = 8
    if forced:
        barrier = threading.Barrier(guesses, timeout=30)
        judge = signin._refuse_when_locked

        def judged_after_all_recorded(*args: Any, **kwargs: Any) -> None:
            barrier.wait()
            judge(*args, **kwargs)

        monkeypatch.setattr(signin, "_refuse_when_locked", judged_after_all_recorded)

    def guess(password: str) -> Callable[[], str]:
        def attempt() -> str:
            with Session(engine, expire_on_commit=False) as session:
                signin.sign_in(session, username="victim", password=password, client=CLIENT)
                return "signed in"
        return attempt

    results = _in_threads(*[guess(f"guess {i}") for i in range(guesses - 1)], guess(PASSWORD))
    checked = [r for r in results if not isinstance(r, RateLimited)]
    assert len(results) == guesses and len(checked) <= 1, results
    assert all(isinstance(r, (RateLimited, Unauthenticated)) or r == "signed in" for r in results)
    with Session(engine) as session:
        recorded = session.exec(select(func.count()).select_from(SignInAttempt)).one()
    assert recorded == signin.MAX_FAILURES_PER_USERNAME - 1 + len(checked)


@pytest.mark.parametrize("change", ["password", "deactivate"])
def test_a_token_issued_across_a_reset_or_deactivation_does_not_survive_it(engine, change):
    """The token route checks the password (committing the attempt), then issues the token.
    An administrator's reset or deactivation committed in between revoked the tokens that
    existed, not the one issued after: the old password kept working. The issue is now
    conditional on the row still holding the hash checked, active."""
    victim = _user(engine, "victim")
    checked, changed = threading.Event(), threading.Event()
    update = UserUpdate(password="a brand new passphrase 2026 xyz") if change == "password" \
        else UserUpdate(active=False)

    def sign_in_then_issue() -> str:
        with Session(engine, expire_on_commit=False) as session:
            user = signin.sign_in(session, username="victim", password=PASSWORD, client=CLIENT)
            checked.set()
            assert changed.wait(30)
            token, _ = issue_token(session, user=user)
            session.commit()
            return token

    def administrator() -> str:
        assert checked.wait(30)
        with Session(engine) as session:
            update_user(session, actor="admin", user_id=victim, data=update)
            session.commit()
        changed.set()
        return "changed"

    issued, done = _in_threads(sign_in_then_issue, administrator)
    assert done == "changed"
    assert isinstance(issued, Unauthenticated), issued


def test_a_password_change_checked_against_the_old_password_does_not_undo_a_reset(
    engine, monkeypatch
):
    """A session holder changing the password (checked against the hash read) while an
    administrator resets it: the change was written over the reset, so the old, perhaps
    stolen, password won. The new hash is now written only over the one checked."""
    victim = _user(engine, "victim")
    checking, reset = threading.Event(), threading.Event()
    verify = signin.verify_password

    def slow_verify(stored: str | None, password: str) -> bool:
        checking.set()
        assert reset.wait(30)
        return verify(stored, password)

    monkeypatch.setattr(signin, "verify_password", slow_verify)

    def change() -> str:
        with Session(engine, expire_on_commit=False) as session:
            me = session.get(User, victim)
            change_own_password(session, user=me, current=PASSWORD, new="mine now 2026 qwerty",
                                client=CLIENT)  # fmt: skip
            session.commit()
            return "changed"

    def administrator() -> str:
        assert checking.wait(30)
        with Session(engine) as session:
            update_user(session, actor="admin", user_id=victim,
                        data=UserUpdate(password="admin reset 2026 asdfgh"))  # fmt: skip
            session.commit()
        reset.set()
        return "reset"

    changed, done = _in_threads(change, administrator)
    assert done == "reset" and isinstance(changed, Conflict), changed
    assert "密码刚被他人" in changed.text.zh
    with Session(engine) as session:
        stored = session.get(User, victim).password_hash
    assert verify(stored, "admin reset 2026 asdfgh") and not verify(stored, "mine now 2026 qwerty")


def test_a_token_issued_after_the_check_without_interference_holds(engine):
    """The guard lets the ordinary sign-in through: the token issued works."""
    _user(engine, "owner")
    with Session(engine, expire_on_commit=False) as session:
        user = signin.sign_in(session, username="owner", password=PASSWORD, client=CLIENT)
        token, _ = issue_token(session, user=user)
        session.commit()
        holder, _ = token_holder(session, token=token)
    assert holder.username == "owner" and verify_password(holder.password_hash, PASSWORD)
