"""Signing in: bearer tokens, expiry and revocation, the failed-sign-in rate limit, cookie
sessions and their CSRF protection."""

from __future__ import annotations

import datetime as dt

from conftest import PASSWORD
from sqlmodel import Session, select

from workforce.accounts.models import ApiToken, SignInAttempt, User
from workforce.accounts.recent import RecentUsers
from workforce.accounts.signin import MAX_FAILURES_PER_CLIENT, MAX_FAILURES_PER_USERNAME
from workforce.models import utcnow


def sign_in(client, username: str, password: str = PASSWORD, path: str = "/api/auth/token"):
    return client.post(path, data={"username": username, "password": password})


def test_token_from_username_and_password(client, district):
    response = sign_in(client, "hr")
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == "hr"


def test_tokens_are_stored_only_as_hashes(client, district, engine):
    token = sign_in(client, "hr").json()["access_token"]
    with Session(engine) as session:
        stored = [row.token_hash for row in session.exec(select(ApiToken)).all()]
    assert token not in stored and all(len(h) == 64 for h in stored)


def test_wrong_password_and_unknown_user_get_the_same_answer(client, district):
    wrong = sign_in(client, "hr", "not the password")
    unknown = sign_in(client, "nobody-at-all", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["code"] == "bad_credentials"


def test_expired_revoked_and_unknown_tokens_are_refused(client, district, engine):
    headers = district.headers["hr"]
    assert client.delete("/api/auth/token", headers=headers).status_code == 204
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    token = sign_in(client, "admin").json()["access_token"]
    with Session(engine) as session:
        row = session.exec(select(ApiToken).where(ApiToken.revoked.is_(False))).all()[-1]
        row.expires_at = utcnow() - dt.timedelta(seconds=1)
        session.add(row)
        session.commit()
    expired = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert (expired.status_code, expired.json()["code"]) == (401, "token_invalid")
    assert expired.headers["www-authenticate"] == "Bearer"
    bogus = client.get("/api/auth/me", headers={"Authorization": "Bearer made-up"})
    assert bogus.status_code == 401


def test_deactivated_user_loses_access(client, district):
    admin = district.headers["admin"]
    hr_id = district.users["hr"].id
    assert (
        client.patch(f"/api/users/{hr_id}", json={"active": False}, headers=admin).status_code
        == 200
    )
    assert client.get("/api/auth/me", headers=district.headers["hr"]).status_code == 401
    assert sign_in(client, "hr").json()["code"] == "user_inactive"


def test_activating_an_account_again_does_not_bring_back_its_old_sessions(client, district):
    """An account is deactivated because its cookie or token was stolen, then activated again
    for its owner: what was stolen stays refused (it used to work again, for the rest of its
    12 hours). The owner signs in afresh."""
    admin = district.headers["admin"]
    user_id = district.users["clerk_a"].id
    browser, _ = _cookie_client(client.app, "clerk_a")
    old = {"bearer": district.headers["clerk_a"], "cookie": {}}
    assert [c.get("/api/auth/me", headers=h).status_code
            for c, h in ((client, old["bearer"]), (browser, old["cookie"]))] == [200, 200]  # fmt: skip
    for active in (False, True):
        changed = client.patch(f"/api/users/{user_id}", json={"active": active}, headers=admin)
        assert changed.status_code == 200, changed.text
    answers = [
        client.get("/api/auth/me", headers=old["bearer"]),
        browser.get("/api/auth/me"),
        browser.get("/api/teachers"),
    ]
    assert [(a.status_code, a.json()["code"]) for a in answers] == [(401, "token_invalid")] * 3
    fresh = sign_in(client, "clerk_a")
    assert fresh.status_code == 200
    me = {"Authorization": f"Bearer {fresh.json()['access_token']}"}
    assert client.get("/api/auth/me", headers=me).json()["username"] == "clerk_a"
    # another account's token is untouched
    assert client.get("/api/auth/me", headers=district.headers["clerk_b"]).status_code == 200


def test_revoked_token_and_deactivated_user_are_refused_at_once_by_every_route(client, district):
    """The registry routes take a credential checked a moment ago as valid; revoking a token
    or changing an account through this server makes every route check again."""
    hr, auditor = district.headers["hr"], district.headers["auditor"]
    assert client.get("/api/teachers", headers=hr).status_code == 200
    assert client.get("/api/teachers", headers=auditor).status_code == 200
    assert client.delete("/api/auth/token", headers=hr).status_code == 204
    assert client.get("/api/teachers", headers=hr).status_code == 401
    auditor_id = district.users["auditor"].id
    admin = district.headers["admin"]
    assert (
        client.patch(f"/api/users/{auditor_id}", json={"active": False}, headers=admin)
    ).status_code == 200
    refused = client.get("/api/teachers", headers=auditor)
    assert (refused.status_code, refused.json()["code"]) == (401, "user_inactive")


def test_a_change_made_elsewhere_takes_effect_within_the_recent_window(client, district, engine):
    """A token revoked by another process (here: in the database directly) is still taken
    for at most ``ttl_s`` seconds after it was last checked, then refused."""
    clock = [0.0]
    client.app.state.recent_users = RecentUsers(ttl_s=2.0, clock=lambda: clock[0])
    headers = district.headers["hr"]
    assert client.get("/api/teachers", headers=headers).status_code == 200
    with Session(engine) as session:
        for row in session.exec(select(ApiToken)).all():
            row.revoked = True
            session.add(row)
        session.commit()
    clock[0] = 1.5
    assert client.get("/api/teachers", headers=headers).status_code == 200
    # The account's own route checks the database every time, even within the window.
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    clock[0] = 2.0
    assert client.get("/api/teachers", headers=headers).status_code == 401


def test_failed_sign_ins_lock_the_username(client, district):
    for _ in range(MAX_FAILURES_PER_USERNAME):
        assert sign_in(client, "hr", "guess").status_code == 401
    locked = sign_in(client, "hr")
    assert locked.status_code == 429
    assert locked.json()["code"] == "too_many_failures"
    assert "分钟" in locked.json()["detail"]["zh"]
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
    assert sign_in(client, "admin").status_code == 200


def test_failures_older_than_the_window_do_not_count(client, district, engine):
    for _ in range(MAX_FAILURES_PER_USERNAME):
        sign_in(client, "hr", "guess")
    with Session(engine) as session:
        for attempt in session.exec(select(SignInAttempt)).all():
            attempt.at = attempt.at - dt.timedelta(minutes=16)
            session.add(attempt)
        session.commit()
    assert sign_in(client, "hr").status_code == 200


def test_a_success_resets_the_username_count(client, district):
    for _ in range(MAX_FAILURES_PER_USERNAME - 1):
        sign_in(client, "hr", "guess")
    assert sign_in(client, "hr").status_code == 200
    assert sign_in(client, "hr", "guess").status_code == 401
    assert sign_in(client, "hr").status_code == 200


def test_failed_sign_ins_lock_the_client_address(client, district):
    for n in range(MAX_FAILURES_PER_CLIENT):
        assert sign_in(client, f"someone{n}", "guess").status_code == 401
    assert sign_in(client, "admin").status_code == 429


def test_rate_limit_holds_across_app_instances(client, district):
    """Two workers share the database, so failures at one count at the other."""
    from fastapi.testclient import TestClient

    from api.main import create_app

    for _ in range(MAX_FAILURES_PER_USERNAME):
        sign_in(client, "hr", "guess")
    with TestClient(create_app()) as other_worker:
        assert sign_in(other_worker, "hr").status_code == 429


def test_cookie_session_needs_the_csrf_token_for_changes(client, district):
    started = sign_in(client, "hr", path="/api/auth/session")
    assert started.status_code == 200, started.text
    csrf = started.json()["csrf_token"]
    assert client.get("/api/auth/me").json()["username"] == "hr"
    teacher = district.teachers_a[0]
    change = {"title": "一级教师", "version": 1}
    refused = client.patch(f"/api/teachers/{teacher.id}", json=change)
    assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
    forged = client.patch(f"/api/teachers/{teacher.id}", json=change, headers={"X-CSRF-Token": "x"})
    assert forged.status_code == 403
    accepted = client.patch(
        f"/api/teachers/{teacher.id}", json=change, headers={"X-CSRF-Token": csrf}
    )
    assert accepted.status_code == 200, accepted.text


def test_csrf_token_may_come_in_a_form_field(client, district):
    csrf = sign_in(client, "admin", path="/api/auth/session").json()["csrf_token"]
    form = {"username": "x", "password": PASSWORD, "csrf_token": "wrong"}
    assert client.post("/api/auth/token", data=form).json()["code"] == "csrf_failed"
    form["csrf_token"] = csrf
    assert client.post("/api/auth/token", data=form).json()["code"] == "bad_credentials"


def test_sign_out_ends_the_cookie_session(client, district):
    csrf = sign_in(client, "hr", path="/api/auth/session").json()["csrf_token"]
    assert client.delete("/api/auth/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/auth/me").status_code == 401


def test_session_cookie_is_signed(client, district):
    sign_in(client, "clerk_a", path="/api/auth/session")
    cookie = client.cookies.get("workforce_session")
    assert cookie
    client.cookies.clear()
    client.cookies.set(
        "workforce_session", cookie[:-4] + ("AAAA" if cookie[-4:] != "AAAA" else "BBBB")
    )
    assert client.get("/api/auth/me").status_code == 401


def test_passwords_are_argon2_hashes(district, engine):
    with Session(engine) as session:
        hashes = [u.password_hash for u in session.exec(select(User)).all()]
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)


def test_a_value_the_database_refuses_is_bad_input_not_a_server_error(client, district):
    """PostgreSQL refuses NUL characters and over-long text that SQLite stores silently;
    either way the client gets a clear 4xx answer in both languages, never a 500."""
    for username in ("h\x00r", "x" * 5000):
        response = sign_in(client, username, path="/api/auth/session")
        assert response.status_code in (401, 422), response.text
        assert set(response.json()["detail"]) == {"zh", "en"}


def test_a_number_beyond_the_database_is_bad_input_not_a_server_error(client, district):
    """An id or a filter of 2⁶³ and more: SQLite's driver and PostgreSQL refuse it their own
    ways; the client gets the same 4xx answer in both languages."""
    huge = 2**64
    for path in (
        f"/api/teachers/{huge}",
        f"/api/teachers?school_id={huge}",
        f"/api/teachers?skip={huge}",
    ):
        response = client.get(path, headers=district.headers["admin"])
        assert 400 <= response.status_code < 500, (path, response.text)
        assert set(response.json()["detail"]) == {"zh", "en"}


def _cookie_client(app, username: str):  # type: ignore[no-untyped-def]
    """A separate browser signed in to the pages as ``username``: (client, csrf token)."""
    from fastapi.testclient import TestClient

    browser = TestClient(app)
    started = sign_in(browser, username, path="/api/auth/session")
    assert started.status_code == 200, started.text
    return browser, started.json()["csrf_token"]


def test_a_copy_of_the_cookie_is_refused_after_sign_out(client, district):
    """Signing out ends the session on the server, at once in this worker (no 2 s wait)."""
    browser, csrf = _cookie_client(client.app, "hr")
    kept = browser.cookies.get("workforce_session")
    assert browser.get("/api/teachers").status_code == 200  # checked and kept as recent
    assert browser.delete("/api/auth/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    browser.cookies.clear()
    browser.cookies.set("workforce_session", kept)
    refused = [browser.get(path).status_code for path in ("/api/teachers", "/api/auth/me")]
    assert refused == [401, 401]


def test_changing_the_password_ends_every_token_and_session(client, district):
    old_token = sign_in(client, "hr").json()["access_token"]
    bearer = {"Authorization": f"Bearer {old_token}"}
    browser, _ = _cookie_client(client.app, "hr")
    assert client.get("/api/teachers", headers=bearer).status_code == 200
    assert browser.get("/api/teachers").status_code == 200
    changed = client.post(
        "/api/users/me/password",
        headers=district.headers["hr"],
        json={"current_password": PASSWORD, "new_password": "a much newer passphrase 2026"},
    )
    assert changed.status_code == 204, changed.text
    answers = [
        client.get("/api/teachers", headers=bearer).status_code,
        client.get("/api/teachers", headers=district.headers["hr"]).status_code,
        browser.get("/api/teachers").status_code,
    ]
    assert answers == [401, 401, 401]
    assert sign_in(client, "hr", "a much newer passphrase 2026").status_code == 200


def test_a_password_reset_by_the_administrator_ends_the_users_sessions(client, district):
    browser, _ = _cookie_client(client.app, "clerk_a")
    assert browser.get("/api/teachers").status_code == 200
    user_id = district.users["clerk_a"].id
    reset = client.patch(
        f"/api/users/{user_id}",
        headers=district.headers["admin"],
        json={"password": "reset by the chief 2026"},
    )
    assert reset.status_code == 200, reset.text
    answers = [
        browser.get("/api/teachers").status_code,
        client.get("/api/teachers", headers=district.headers["clerk_a"]).status_code,
        client.get("/api/teachers", headers=district.headers["clerk_b"]).status_code,
    ]
    assert answers == [401, 401, 200]  # another user's token is untouched


def test_x_forwarded_for_is_ignored_unless_from_a_configured_proxy(engine, district, env):
    """A guesser cannot escape the per-address limit by sending a fresh X-Forwarded-For;
    behind a configured proxy, the forwarded address is the one counted."""
    from fastapi.testclient import TestClient

    from api.main import create_app
    from workforce.config import Settings

    guess = {"username": "hr", "password": "guess"}
    with TestClient(create_app(), client=("203.0.113.5", 4000)) as direct:  # no proxy set
        for n in range(MAX_FAILURES_PER_USERNAME):
            spoofed = {"X-Forwarded-For": f"198.51.100.{n}"}
            assert direct.post("/api/auth/token", headers=spoofed, data=guess).status_code == 401
        assert sign_in_with(direct, "hr", {"X-Forwarded-For": "198.51.100.99"}).status_code == 429
    proxied_app = create_app(Settings(trusted_proxies="10.0.0.0/8, 127.0.0.1"))
    with TestClient(proxied_app, client=("10.0.0.2", 4000)) as proxy:
        chain = {"X-Forwarded-For": "198.51.100.7, 10.0.0.9"}  # the client, then a proxy
        guess = {"username": "admin", "password": "guess"}
        for _ in range(MAX_FAILURES_PER_USERNAME):
            assert proxy.post("/api/auth/token", headers=chain, data=guess).status_code == 401
        assert sign_in_with(proxy, "admin", chain).status_code == 429  # 198.51.100.7 is locked
        other = {"X-Forwarded-For": "198.51.100.8"}
        assert sign_in_with(proxy, "admin", other).status_code == 200  # another client is not
    with Session(engine) as session:
        clients = sorted({a.client for a in session.exec(select(SignInAttempt)).all()})
    assert clients == ["198.51.100.7", "198.51.100.8", "203.0.113.5"]


def sign_in_with(client, username: str, headers: dict[str, str]):
    return client.post(
        "/api/auth/token", headers=headers, data={"username": username, "password": PASSWORD}
    )


def test_a_sign_in_posted_by_another_site_is_refused(client, district):
    """Login CSRF: another site's page cannot sign the browser in to an attacker's account."""
    data = {"username": "hr", "password": PASSWORD}
    evil = client.post("/api/auth/session", data=data, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403 and evil.json()["code"] == "csrf_failed"
    fetch = client.post("/api/auth/session", data=data, headers={"Sec-Fetch-Site": "cross-site"})
    assert fetch.status_code == 403
    assert "workforce_session" not in client.cookies
    same = client.post("/api/auth/session", data=data, headers={"Origin": "http://testserver"})
    assert same.status_code == 200
    client.cookies.clear()
    assert client.post("/api/auth/session", data=data).status_code == 200  # not a browser


def test_the_current_password_check_is_rate_limited(client, district):
    """A stolen session cannot guess the password through the password change."""
    h = district.headers["hr"]
    tries = [
        client.post("/api/users/me/password", headers=h,
                    json={"current_password": f"guess {n}", "new_password": "x9!Lk2#vQ8zP"})
        for n in range(MAX_FAILURES_PER_USERNAME + 1)
    ]  # fmt: skip
    assert [t.status_code for t in tries] == [401] * MAX_FAILURES_PER_USERNAME + [429]
    right = client.post("/api/users/me/password", headers=h,
                        json={"current_password": PASSWORD, "new_password": "x9!Lk2#vQ8zP"})  # fmt: skip
    assert right.status_code == 429


def test_another_sites_link_cannot_unmask_id_numbers_with_the_browsers_session(
    client, district, engine
):
    """The session cookie is SameSite=Lax: a link on any page (a mail, a forum) to an
    unmasking address is a top-level GET that carries it. It used to download every
    teacher's full ID number into a signed-in HR officer's browser and write one unmasking
    per teacher under their name to the audit log. Refused now when the browser says another
    site sent it; asked from this system, typed, or with a token, it is served and logged."""
    from sqlalchemy import func

    from workforce.models import AuditLog

    def unmaskings() -> int:
        with Session(engine) as session:
            query = select(func.count()).select_from(AuditLog).where(AuditLog.action == "unmask")
            return session.exec(query).one()

    browser, _ = _cookie_client(client.app, "hr")
    number = district.id_numbers["T001"]
    addresses = (
        "/api/exports/teachers.csv?unmask=true",
        "/api/exports/teachers.xlsx?unmask=true",
        f"/api/teachers/{district.teachers_a[0].id}?unmask=true",
        "/api/teachers?unmask=true",
    )
    checked = 0
    for address in addresses:
        for site in ("cross-site", "same-site", "CROSS-SITE"):
            before = unmaskings()
            link = {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": "navigate"}
            refused = browser.get(address, headers=link)
            assert refused.status_code == 403, (address, site)
            assert refused.json()["code"] == "cross_site_unmask"
            assert number not in refused.text
            assert unmaskings() == before
            checked += 1
        # a browser that sends no Sec-Fetch-Site (older ones, IE-compatible modes, any over
        # plain HTTP) is believed only with a Referer of this site: another site's link sends
        # its own, or none at all (rel="noreferrer")
        for unknown in ({"Referer": "https://forum.example/t/1"}, {}):
            before = unmaskings()
            old_browser = browser.get(address, headers=unknown)
            assert old_browser.status_code == 403, (address, unknown)
            assert old_browser.json()["code"] == "cross_site_unmask" and unmaskings() == before
            checked += 1
        for own_headers in ({"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"},
                            {"Referer": "http://testserver/teachers"}):  # fmt: skip
            before = unmaskings()
            own = browser.get(address, headers=own_headers)
            assert own.status_code == 200, (address, own_headers, own.text[:200])
            assert unmaskings() > before
            checked += 1
        bearer = {**district.headers["hr"], "Sec-Fetch-Site": "cross-site"}
        assert client.get(address, headers=bearer).status_code == 200  # an API client
        masked = browser.get(address.replace("unmask=true", "unmask=false"), headers=link)
        assert masked.status_code == 200 and number not in masked.text  # masked: as before
        checked += 2
    assert checked == 4 * 10
    full = browser.get(addresses[2], headers={"Sec-Fetch-Site": "same-origin"}).json()
    assert full["id_number"] == number


def test_a_role_sent_as_null_changes_nothing_and_is_no_500(client, district) -> None:  # type: ignore[no-untyped-def]
    """``{"role": null}`` reached ``Role(None)``: a 500. No role sent is no change of role."""
    clerk = district.users["clerk_a"]
    answer = client.patch(f"/api/users/{clerk.id}", json={"role": None, "display_name": "A校"},
                          headers=district.headers["admin"])  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert (answer.json()["role"], answer.json()["display_name"]) == ("clerk", "A校")
