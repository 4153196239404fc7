"""The plan page's script in a real browser (issue #13, item 4): the teacher picker fills its
list from the server as one types, a pin "must go to" the teacher's own school is refused at
once (before anything is sent), and the place on the page is kept after a pin. The same real
server and Chromium as :mod:`test_browser_workflow` (its fixtures), on a district imported from
a workbook and really solved."""

from __future__ import annotations

import re
from pathlib import Path

from district_sheet import write_district_workbook
from playwright.sync_api import Page, expect
from test_browser_workflow import import_and_solve, page, server, sign_in  # noqa: F401


def test_picker_own_school_refusal_and_scroll_kept(page: Page, tmp_path: Path) -> None:  # noqa: F811
    workbook = write_district_workbook(tmp_path)
    page.goto("/login")
    sign_in(page)
    plan_id = import_and_solve(page, workbook)

    rows = page.locator("tr[data-staff-no]")
    assert rows.count() >= 3, rows.count()
    # a pin to the teacher's own school: the browser refuses it at once, nothing is sent
    first = rows.first
    own = first.locator("form").get_attribute("data-own-school")
    assert own
    first.locator("select[name=kind]").select_option("must_go")
    first.locator("input[name=school]").fill(own)
    first.locator("button[type=submit]").click()
    message = first.locator("input[name=school]").evaluate("e => e.validationMessage")
    assert message == "该教师已在此校任职，不能锁定交流到本校"
    expect(page.get_by_test_id("pending-pin")).to_have_count(0)
    assert page.url.endswith(f"/plans/{plan_id}")

    # pinning a row further down brings the browser back to the same place
    target = rows.nth(rows.count() - 1)
    staff_no = target.get_attribute("data-staff-no")
    target.scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)
    page.wait_for_timeout(200)
    before = page.evaluate("window.scrollY")
    assert before > 300, before
    target.locator("select[name=kind]").select_option("must_stay")
    target.locator("button[type=submit]").click()
    expect(page.get_by_test_id("pending-pin")).to_contain_text(staff_no)
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    after = page.evaluate("window.scrollY")
    assert abs(after - before) < 5, (before, after)
    expect(page.locator(f'tr[id="m-{staff_no}"]')).to_be_in_viewport()
    expect(page.locator(".flash-success")).to_be_in_viewport()

    # the picker asks the server for a few teachers as one types
    picker = page.get_by_test_id("pin-teacher")
    picker.scroll_into_view_if_needed()
    picker.press_sequentially("T0", delay=50)
    options = page.locator("#teacher-picks option")
    expect(options.first).to_be_attached(timeout=5_000)
    count = options.count()
    assert 1 <= count <= 10, count
    assert all(
        re.match(r"T0", options.nth(i).get_attribute("value") or "") for i in range(count)
    ), [options.nth(i).get_attribute("value") for i in range(count)]
