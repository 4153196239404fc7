"""The audit log page in words (issue #13, item 3): an auditor reads who changed what — the
action and the thing by name, each changed field by its sheet header with code-list labels
(高级教师, not ``senior``), the import a change came from — never codes or raw JSON; and a
teacher's whole history stays together under a new staff number."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import District
from fastapi import FastAPI
from page_helpers import internal_codes, signed_in, visible_text

from api.i18n.catalogue import UI
from api.pages.audit_entries import AUDIT_ACTIONS, AUDIT_ENTITIES, SPEC_OF_ENTITY
from workforce.io.importer import import_file

ROOT = Path(__file__).resolve().parents[3]


def _rows(html: str) -> list[str]:
    """The visible text of each row of the entries table (its header row left out)."""
    body = html.split('<table class="data audit">', 1)[1].split("</tbody></table>", 1)[0]
    rows = re.findall(r"<tr><td>.*?</td></tr>\s*(?=<tr><td>|$)", body.split("<tbody>", 1)[1], re.S)
    return [" ".join(visible_text(row).split()) for row in rows]


def test_an_auditor_reads_each_change_in_words_under_the_teachers_new_number(
    app: FastAPI, district: District, engine, client, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    teacher, hr = district.teachers_a[0], district.headers["hr"]
    changed = client.patch(f"/api/teachers/{teacher.id}", headers=hr,
                           json={"title": "senior", "main_subject": "pe",
                                 "version": teacher.version})  # fmt: skip
    assert changed.status_code == 200, changed.text
    renumbered = client.patch(f"/api/teachers/{teacher.id}", headers=hr,
                              json={"staff_no": "T001A", "version": changed.json()["version"]})  # fmt: skip
    assert renumbered.status_code == 200, renumbered.text
    sheet = tmp_path / "培训记录.csv"
    sheet.write_text("工号,培训日期,学时,培训类别,培训机构\nT001A,2026-07-15,24,集中培训,河源市教师发展中心\n",
                     encoding="utf-8")  # fmt: skip
    report = import_file(engine, sheet, actor="hr")
    assert report.status == "committed", report

    page = signed_in(app, "auditor").get("/audit", params={"teacher": "T001A"})
    assert page.status_code == 200
    rows = _rows(page.text)
    assert len(rows) == 4, rows  # created, changed, renumbered, a training record imported
    assert "共 4 条记录" in visible_text(page.text)
    imported, renumber, change, created = rows  # newest first
    assert "新增 继续教育 T001A 张三（东埔小学）" in imported
    assert "培训类别 — → 集中培训" in imported and "学时 — → 24" in imported
    assert f"来自第 {report.batch_id} 次导入（培训记录.csv）" in imported
    assert "修改 教师 T001A 张三（东埔小学）" in renumber and "T001 → T001A" in renumber
    assert "职称 — → 高级教师" in change and "主教学科 数学 → 体育" in change and "version" not in change
    assert change.startswith(tuple("0123456789")) and "T001 → T001A 张三（东埔小学）" in change
    assert "新增 教师" in created
    assert internal_codes(page.text) == []
    assert "{" not in visible_text(page.text)  # no JSON left
    english = signed_in(app, "auditor").get("/audit", params={"teacher": "T001A", "lang": "en"})
    assert "Changed Teachers" in " ".join(visible_text(english.text).split())


def test_every_action_and_entity_the_code_writes_has_a_label_in_both_languages() -> None:
    # The actions and entities are free text in the log: the page's lists must hold every one
    # the source writes (scanned), and the catalogue must name each in Chinese and English.
    sources = [*ROOT.joinpath("workforce").rglob("*.py"), *ROOT.joinpath("api").rglob("*.py")]
    written = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        written |= set(re.findall(r'action="([a-z_]+)"', text))
        written |= set(re.findall(r'"action": "([a-z_]+)"', text))
        written |= set(re.findall(r'action="accept" if .* else "([a-z_]+)"', text))
    assert len(written) >= 12, written
    assert written <= set(AUDIT_ACTIONS), written - set(AUDIT_ACTIONS)
    entities = set()
    for path in sources:
        entities |= set(re.findall(r'entity="([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert len(entities) >= 9, entities
    assert entities <= set(AUDIT_ENTITIES) | set(SPEC_OF_ENTITY), entities
    labels = [f"audit_action_{a}" for a in AUDIT_ACTIONS] + [
        f"audit_entity_{e}" for e in AUDIT_ENTITIES
    ]
    for key in labels:
        text = UI.text(key)
        assert text.zh and text.en and text.zh != text.en, key
    assert len(labels) == len(AUDIT_ACTIONS) + len(AUDIT_ENTITIES) == 19


def test_an_auditor_verifies_the_audit_chain_and_sees_which_link_was_altered(
    app: FastAPI, district: District, engine, client
) -> None:  # type: ignore[no-untyped-def]
    """``GET /api/audit/chain`` and the page ``/audit/chain``: intact with the head to record;
    after an entry is edited in the database, the link that holds it, in words; a recorded head
    that is gone; a malformed head refused."""
    from sqlalchemy import text

    teacher, hr = district.teachers_a[0], district.headers["hr"]
    changed = client.patch(f"/api/teachers/{teacher.id}", headers=hr,
                           json={"title": "senior", "version": teacher.version})  # fmt: skip
    assert changed.status_code == 200, changed.text
    auditor = district.headers["auditor"]
    sound = client.get("/api/audit/chain", headers=auditor).json()
    assert (sound["intact"], sound["findings"], sound["expected_head_found"]) == (True, [], None)
    assert sound["links"] >= 1 and sound["entries"] >= 1 and sound["head"].startswith(
        f"{sound['links']}:")
    assert sound["summary"]["zh"].startswith("审计链完整：")
    page = signed_in(app, "auditor").get("/audit/chain")
    assert page.status_code == 200 and sound["head"] in page.text
    assert "审计链完整" in visible_text(page.text) and internal_codes(page.text) == []
    entries = client.get("/api/audit", headers=auditor, params={"action": "update"}).json()["data"]
    edited = entries[0]
    assert edited["seal_id"] is not None

    with engine.begin() as connection:  # an entry rewritten with the database's own rights
        connection.execute(text("UPDATE auditlog SET actor = 'nobody' WHERE id = :i"),
                           {"i": edited["id"]})  # fmt: skip
    broken = client.get("/api/audit/chain", headers=auditor,
                        params={"expect_head": sound["head"]}).json()  # fmt: skip
    assert broken["intact"] is False and broken["expected_head_found"] is True
    assert [f["code"] for f in broken["findings"]] == ["entries_content"]
    (finding,) = broken["findings"]
    assert edited["id"] in finding["entry_ids"] and f"#{edited['id']}" in finding["message"]["zh"]
    assert f"第 {finding['seq']} 批封存" in finding["message"]["zh"]
    page = signed_in(app, "auditor").get("/audit/chain")
    assert finding["message"]["zh"] in visible_text(page.text)
    assert "审计链校验未通过：1 处问题" in visible_text(page.text)
    english = signed_in(app, "auditor").get("/audit/chain", params={"lang": "en"})
    assert finding["message"]["en"] in visible_text(english.text)

    malformed = client.get("/api/audit/chain", headers=auditor, params={"expect_head": "3:abc"})
    assert malformed.status_code == 422 and "序号:摘要" in malformed.text
    typed = signed_in(app, "auditor").get("/audit/chain", params={"expect_head": "3:abc"})
    assert typed.status_code == 422 and "链头应为“序号:摘要”" in visible_text(typed.text)
    unknown = client.get("/api/audit/chain", headers=auditor,
                         params={"expect_head": f"{sound['links']}:{'0' * 64}"}).json()  # fmt: skip
    assert unknown["expected_head_found"] is False and unknown["intact"] is False


def test_the_audit_chain_page_shows_the_key_plan_files_are_signed_with(
    app: FastAPI, district: District
) -> None:
    """An auditor takes the registry's public key from a page behind sign-in (a channel they
    trust) to check plan files elsewhere with `check-plan --trust-key`."""
    from workforce.config import get_settings
    from workforce.plans.signing import fingerprint, public_key

    key = public_key(get_settings().secret_key)
    page = signed_in(app, "auditor").get("/audit/chain").text
    assert f'<code data-testid="signing-key">{key}</code>' in page
    assert f"指纹 {fingerprint(key)}" in page and "--trust-key" in page


def test_the_audit_chain_page_lists_the_keys_before_each_rotation(
    app: FastAPI, district: District, engine, monkeypatch
) -> None:
    """Files signed before `rotate-secret` verify only under the key of their time: the page
    lists it, with when it was in force, so an auditor can still check last year's files."""
    from workforce import config
    from workforce.plans.signing import fingerprint, public_key
    from workforce.secret import check_secret_key, rotate_secret_key

    old = config.get_settings().secret_key
    new = "a-new-secret-key-for-the-rotation-test-0123456789"
    check_secret_key(engine, old)
    rotate_secret_key(engine, old, new, actor="admin")
    monkeypatch.setenv("WORKFORCE_SECRET_KEY", new)
    config.get_settings.cache_clear()
    try:
        page = signed_in(app, "auditor").get("/audit/chain").text
    finally:
        monkeypatch.undo()
        config.get_settings.cache_clear()
    assert f'<code data-testid="signing-key">{public_key(new)}</code>' in page
    earlier = re.findall(r'<tr data-testid="earlier-signing-key">(.*?)</tr>', page, re.S)
    assert len(earlier) == 1
    assert public_key(old) in earlier[0] and fingerprint(public_key(old)) in earlier[0]
    assert "启用之初 –" in visible_text(earlier[0])
    assert "此前的签名公钥" in visible_text(page)
    assert 'data-testid="audit-chain-verdict"' in page and "flash-success" in page
    assert 'data-testid="earlier-keys-withheld"' not in page
