"""End to end, in a real browser: the real server (uvicorn, its own process) on a fresh migrated
SQLite database with one administrator, driven by Debian's Chromium through Playwright.

As a user would: sign in → import a small district's workbook (dry run, then commit) → start
a solve and wait for the plan → pin a move (must stay) → re-solve → approve → apply
(confirming) → check on the teacher page that the moved teacher is at the new school. A
screenshot of the applied plan is saved in the test's folder.

Needs /usr/bin/chromium (``scripts/system-deps`` installs it) and the ``playwright`` package;
Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from district_sheet import write_district_workbook
from playwright.sync_api import Page, expect, sync_playwright
from sqlmodel import Session

from workforce.accounts.users import UserCreate, create_user
from workforce.db import make_engine, migrate

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADMIN, PASSWORD = "admin", "e2e password that is long enough"
SOLVE_TIMEOUT_MS = 60_000
SERVER_START_S = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The app under uvicorn on 127.0.0.1 and a free port; yields its base URL."""
    url = f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("WORKFORCE_")},
        "WORKFORCE_DATABASE_URL": url,
        "WORKFORCE_SECRET_KEY": "e2e-secret-key-used-only-by-the-browser-test",
        "WORKFORCE_ENVIRONMENT": "test",
    }
    engine = make_engine(url)
    migrate(engine)
    with Session(engine) as session:
        create_user(
            session,
            actor="e2e",
            data=UserCreate(
                username=ADMIN, display_name="区管理员", role="admin", password=PASSWORD
            ),
        )
        session.commit()
    engine.dispose()
    port = _free_port()
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            try:
                if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture
def page(server: str) -> Iterator[Page]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(base_url=server, viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()


def _wait_for_plan(page: Page, other_than: str | None = None) -> str:
    """Wait on the job page until the browser is sent to the plan; returns its id."""
    expect(page.get_by_test_id("job-stage")).to_be_visible()
    pattern = re.compile(r"/plans/(\d+)$")
    page.wait_for_url(
        lambda url: bool(pattern.search(url)) and not url.endswith(f"/{other_than}"),
        timeout=SOLVE_TIMEOUT_MS,
    )
    found = pattern.search(page.url)
    assert found
    return found.group(1)


def sign_in(page: Page) -> None:
    """Sign in as the administrator on the sign-in form the page shows."""
    page.get_by_label("用户名").fill(ADMIN)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def import_and_solve(page: Page, workbook: Path) -> str:
    """As a signed-in administrator: import ``workbook`` (dry run, then commit), start the
    2026 solve and wait for its plan; the plan's id."""
    page.goto("/imports")
    page.get_by_label("文件（xlsx 或 csv）").set_input_files(workbook)
    page.get_by_role("button", name="上传并预检查").click()
    expect(page.get_by_test_id("import-status")).to_contain_text("预检查通过")
    page.get_by_test_id("commit-import").click()
    expect(page.get_by_test_id("import-status")).to_contain_text("已导入")
    page.goto("/plans?year=2026")
    page.get_by_label("求解时限（秒）").fill("20")
    page.get_by_test_id("start-solve").click()
    return _wait_for_plan(page)


def test_sign_in_import_solve_pin_resolve_approve_apply(
    page: Page, server: str, tmp_path: Path
) -> None:
    workbook = write_district_workbook(tmp_path)

    page.goto("/teachers")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    sign_in(page)
    expect(page).to_have_url(re.compile(r"/teachers$"))

    first_plan = import_and_solve(page, workbook)
    expect(page.get_by_test_id("plan-status")).to_have_text("草稿")
    first_move = page.locator("tr[data-staff-no]").first
    pinned_staff_no = first_move.get_attribute("data-staff-no")
    assert pinned_staff_no
    first_move.locator("select[name=kind]").select_option("must_stay")
    page.get_by_test_id(f"pin-{pinned_staff_no}").click()
    expect(page.get_by_test_id("pending-pin")).to_contain_text(pinned_staff_no)

    page.get_by_test_id("resolve").click()
    second_plan = _wait_for_plan(page, other_than=first_plan)
    assert second_plan != first_plan
    expect(page.get_by_text("已用于本方案")).to_be_visible()
    expect(page.locator(f'tr[data-staff-no="{pinned_staff_no}"]')).to_have_count(0)

    page.get_by_test_id("approve-comment").fill("经人事股研究同意")
    page.get_by_test_id("approve-confirm").check()
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("已审批")
    expect(page.get_by_test_id("approval-comment")).to_contain_text("经人事股研究同意")
    moved = page.locator("tr[data-staff-no]").first
    moved_staff_no = moved.get_attribute("data-staff-no")
    destination = moved.locator("td").nth(1).inner_text().split("→")[1].split("\n")[0].strip()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("apply-confirm").check()
    page.get_by_test_id("apply").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("已执行")
    expect(page.locator(".flash-success")).to_contain_text(f"方案 {second_plan} 已执行")
    page.screenshot(path=tmp_path / "applied-plan.png", full_page=False)

    page.goto(f"/teachers?q={moved_staff_no}")
    page.locator("table.data tbody a").first.click()
    details = page.locator("dl.details")
    expect(details).to_contain_text(destination)
    expect(page.locator("section", has_text="交流轮岗经历")).to_contain_text(destination)
    page.screenshot(path=tmp_path / "moved-teacher.png", full_page=True)

    page.goto("/")
    expect(page.locator("svg.gauge")).to_have_count(2)  # district share and key-teacher share
    expect(page.locator("svg.line")).to_be_visible()
    page.screenshot(path=tmp_path / "dashboard.png", full_page=True)
