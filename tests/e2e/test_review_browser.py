"""Editing and review in a real browser (issue #13, item 1), on the real server and Chromium
of :mod:`test_browser_workflow` with a small district imported from a workbook.

The administrator opens user management and creates a school clerk; edits a teacher in two
tabs so that the second save meets the first (the conflict shows both values side by side,
saving again on purpose succeeds); the clerk sends an invalid correction (the form is kept and
says what is wrong in Chinese), then a valid one, and sees it awaiting review; the
administrator accepts it in the inbox with a note; the clerk sees it accepted. Every page on
the way is photographed at 1280 px and 390 px and fails the test if it overflows sideways or
shows an internal code.
"""

from __future__ import annotations

import re
from pathlib import Path

from district_sheet import write_district_workbook
from page_checks import check_page
from playwright.sync_api import Page, expect
from test_browser_workflow import ADMIN, PASSWORD, page, server, sign_in  # noqa: F401

CLERK = "clerk-e2e"


def _sign_in_as(page: Page, username: str) -> None:  # noqa: F811
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def _sign_out(page: Page) -> None:  # noqa: F811
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login"))


def test_edit_with_conflict_and_a_correction_accepted(page: Page, tmp_path: Path) -> None:  # noqa: F811
    workbook = write_district_workbook(tmp_path, teachers=100)
    shots = tmp_path / "shots"
    shots.mkdir()
    page.goto("/login")
    sign_in(page)
    page.goto("/imports")
    page.get_by_label("文件（xlsx 或 csv）").set_input_files(workbook)
    page.get_by_role("button", name="上传并预检查").click()
    page.get_by_test_id("commit-import").click()
    expect(page.get_by_test_id("import-status")).to_contain_text("已导入")

    # a teacher, and the clerk of their school made on the user management page
    page.goto("/teachers")
    page.locator("table.data tbody a").first.click()
    teacher_url = page.url
    name = page.locator("h1").inner_text().split()[0]
    school = page.locator("dl.details dd").first.inner_text()
    page.goto("/users")
    form = page.get_by_test_id("create-user")
    form.locator("[name=username]").fill(CLERK)
    form.locator("[name=display_name]").fill("学校专干")
    form.locator("[name=role]").select_option(label="学校人事专干")
    option = form.locator("option", has_text=re.compile(re.escape(school) + "$")).first
    form.locator("[name=school_id]").select_option(option.get_attribute("value"))
    form.locator("[name=password]").fill(PASSWORD)
    form.get_by_role("button", name="新建").click()
    expect(page.locator(".flash-success")).to_contain_text(f"已新建账号 {CLERK}")
    expect(page.locator(f'tr[data-username="{CLERK}"]')).to_contain_text(school)
    check_page(page, shots, "users")

    # two tabs edit the same teacher: the second save meets the first
    other = page.context.new_page()
    other.goto(teacher_url)
    page.goto(teacher_url)
    other.get_by_test_id("edit-form").locator("[name=title]").select_option(label="高级教师")
    other.get_by_test_id("save-teacher").click()
    expect(other.locator(".flash-success")).to_contain_text("已保存")
    page.get_by_test_id("edit-form").locator("[name=title]").select_option(label="正高级教师")
    page.get_by_test_id("save-teacher").click()
    expect(page.get_by_test_id("edit-conflict")).to_contain_text("他人已修改")
    conflict = page.get_by_test_id("conflict-table")
    expect(conflict).to_contain_text("职称")
    expect(conflict).to_contain_text("正高级教师")
    expect(conflict).to_contain_text("高级教师")
    check_page(page, shots, "teacher-conflict")
    page.get_by_test_id("save-teacher").click()  # on purpose, over the other change
    expect(page.locator(".flash-success")).to_contain_text(f"已保存 {name} 的信息")
    expect(page.locator("dl.details")).to_contain_text("正高级教师")
    other.close()
    _sign_out(page)

    # the clerk: an invalid value keeps the form, a valid one awaits review
    _sign_in_as(page, CLERK)
    page.goto(teacher_url)
    propose = page.locator("#propose")
    propose.locator("[name=field]").select_option(label="到本校任教时间")
    propose.locator("[name=proposed_value]").fill("去年九月")
    propose.locator("[name=reason]").fill("以调动文件为准")
    page.get_by_test_id("propose").click()
    expect(page.get_by_test_id("propose-problems")).to_contain_text("无法识别的日期“去年九月”")
    expect(page.locator("#propose [name=reason]")).to_have_value("以调动文件为准")
    check_page(page, shots, "clerk-invalid-value")
    page.locator("#propose [name=proposed_value]").fill("2023-09-01")
    page.get_by_test_id("propose").click()
    expect(page.locator(".flash-success")).to_contain_text("更正申请已提交")
    expect(page.get_by_test_id("teacher-corrections")).to_contain_text("待审核")
    _sign_out(page)

    # the administrator accepts it in the inbox
    _sign_in_as(page, ADMIN)
    page.goto("/corrections")
    row = page.locator("tr[data-correction]").first
    expect(row).to_contain_text(name)
    expect(row).to_contain_text("到本校任教时间")
    expect(row).to_contain_text("2023-09-01")
    check_page(page, shots, "corrections-inbox")
    row.get_by_label("审核意见").fill("与调动文件一致")
    row.get_by_role("button", name="采纳").click()
    expect(page.locator(".flash-success")).to_contain_text(
        f"已采纳更正：{name} 的“到本校任教时间”已改为 2023-09-01"
    )
    _sign_out(page)

    _sign_in_as(page, CLERK)
    page.goto("/corrections")
    expect(page.get_by_test_id("corrections")).to_contain_text("已采纳")
    expect(page.get_by_test_id("corrections")).to_contain_text("与调动文件一致")
    check_page(page, shots, "clerk-corrections")
    page.goto(teacher_url)
    expect(page.locator("dl.details")).to_contain_text("2023-09-01")
    check_page(page, shots, "teacher-clerk")
    assert len(list(shots.glob("*.png"))) == 12
