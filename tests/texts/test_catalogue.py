"""The one message catalogue (texts/locale/*/LC_MESSAGES/workforce.po): both languages have
every id, with the same placeholders; every id the code names literally exists; Chinese text
shows no internal identifiers; the committed .mo files say what their .po files say."""

from __future__ import annotations

import gettext
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import texts
from api.i18n.catalogue import UI
from optimizer.messages import QUOTA_BASE_LABELS, TEMPLATES
from workforce.accounts.roles import ROLE_LABELS, Role
from workforce.io.messages import message as io_message
from workforce.plans.messages import message as plan_message
from workforce.reports.messages import columns, enum_label, error
from workforce.sample.summary import message as sample_message
from workforce.services.messages import REGISTRY_MESSAGES

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "texts" / "locale"
MIN_MESSAGES = 998
"""The catalogue held 998 messages when the seven hand-written catalogues were merged into it;
it may grow, not silently shrink."""


def _po(locale: str) -> dict[str, str]:
    with (LOCALE / locale / "LC_MESSAGES" / "workforce.po").open("rb") as f:
        catalog = read_po(f, locale=locale, domain="workforce")
    return {m.id: m.string for m in catalog if m.id}


ZH = _po("zh_CN")
EN = _po("en")


def test_every_id_has_a_chinese_and_an_english_text():
    assert len(ZH) >= MIN_MESSAGES
    assert set(ZH) == set(EN)
    assert [i for i in ZH if not ZH[i].strip()] == []
    assert [i for i in EN if not EN[i].strip()] == []
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+", i) for i in ZH), "symbolic ids"


def _fields(template: str) -> set[str]:
    """The placeholders' names ({value!r} and {rate:.2%} are value and rate); a name's language
    suffix is dropped (details_zh / details_en, or zh / en, fill the same slot in each
    language)."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(template):
        if field is not None:
            name = re.split(r"[.\[]", field)[0]
            names.add(re.sub(r"(^|_)(zh|en)$", "", name) or "text")
    return names


PLACEHOLDER_DIFFERENCES = {
    "registry.unknown_code": ({"value", "choices"}, {"value", "list_name", "choices"}),
}
"""The one id whose languages fill different slots on purpose: the English error names the
code list by its id (list_name), which a Chinese screen must not show. Listed, so that any
other difference fails."""


def test_both_languages_use_the_same_placeholders():
    differing = {
        i: (_fields(ZH[i]), _fields(EN[i])) for i in ZH if _fields(ZH[i]) != _fields(EN[i])
    }
    assert differing == PLACEHOLDER_DIFFERENCES
    with_placeholders = [i for i in ZH if _fields(ZH[i])]
    assert len(with_placeholders) >= 319  # the templates with fields when the test was written


SNAKE = re.compile(r"[A-Za-z0-9]+_[A-Za-z0-9_]+")


def test_no_chinese_text_shows_an_internal_identifier():
    def shown(template: str) -> str:
        template = re.sub(r"\{[^{}]*\}", "", template)  # placeholders are filled, not shown
        # a setting's environment variable is what the reader types (docs/deploy.md), not code
        return re.sub(r"\bWORKFORCE_[A-Z_]+\b", "", template)

    offenders = {i: t for i, t in ZH.items() if SNAKE.search(shown(t))}
    assert offenders == {}
    assert len(ZH) >= MIN_MESSAGES


@pytest.mark.parametrize("language,locale", [("zh", "zh_CN"), ("en", "en")])
def test_the_committed_mo_matches_its_po(language, locale):
    """The .mo is compiled from the .po (docs/development.md, "Translating"); read back with
    the standard library, it holds exactly the .po's messages."""
    with (LOCALE / locale / "LC_MESSAGES" / "workforce.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    po = _po(locale)
    assert {k: v for k, v in compiled.items() if k} == po
    assert all(texts.template(i, language) == po[i] for i in po)


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_each_id_is_written_once(locale):
    """Two entries of one id compile silently, and the later one wins: an export message added
    as ``io.school_outside_county`` replaced the import's message of that id, whose
    placeholders the import then filled in vain (a KeyError on every refused row)."""
    text = (LOCALE / locale / "LC_MESSAGES" / "workforce.po").read_text(encoding="utf-8")
    ids = re.findall(r'^msgid "(.+)"$', text, flags=re.MULTILINE)
    assert len(ids) > 1000
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []


def test_an_unknown_id_is_an_error_not_the_id_shown():
    with pytest.raises(texts.MissingMessage):
        texts.text("io.no_such_message", "zh")
    assert not texts.exists("io.no_such_message") and texts.exists("io.not_int")
    assert texts.text("io.not_int", "zh", value="x") == "“x”不是整数"
    assert texts.text("io.not_int", "en", value="x") == "'x' is not a whole number"


def test_reading_the_catalogue_needs_no_babel():
    code = (
        "import sys, texts; texts.text('ui.app_title', 'zh'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('babel', 'workforce', "
        "'optimizer', 'api')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)  # fmt: skip
    assert done.stdout.strip() == "[]"


# Lookups with a literal id, by the module the lookup function comes from: (pattern, prefix).
# Catalogue objects are matched by name anywhere; functions only in files importing them.
OBJECTS = {
    r"\bUI\.text\(\s*\"([a-z0-9_.]+)\"": "ui",
    r"\btranslator\([^()]*\)\(\s*\"([a-z0-9_.]+)\"": "ui",
    r"\bREGISTRY_MESSAGES\.text\(\s*\"([a-z0-9_.]+)\"": "registry",
    r"\bACCOUNT_MESSAGES\.text\(\s*\"([a-z0-9_.]+)\"": "accounts",
    r"\bAPI_MESSAGES\.text\(\s*\"([a-z0-9_.]+)\"": "api.http",
    r"\bWORK_MESSAGES\.text\(\s*\"([a-z0-9_.]+)\"": "api.work",
    r"\bNOTICE_MESSAGES\.text\(\s*\"([a-z0-9_.]+)\"": "notices",
    r"\bPlanError\(\s*\"([a-z0-9_.]+)\"": "plans",  # workforce.plans.lifecycle
}
FUNCTIONS = {
    "workforce.io.messages": {"message": "io", "message_each": "io", "MESSAGES": "io"},
    "workforce.plans.messages": {"message": "plans"},
    "workforce.reports.messages": {
        "error": "reports.error", "view_title": "reports.view", "REPORTS": "reports.title",
    },
    "optimizer.messages": {"render": "optimizer.text", "TEMPLATES": "optimizer.text"},
}  # fmt: skip


def _literal_lookups() -> list[tuple[str, str]]:
    """(file, message id) of every lookup with a literal id in the code and the templates."""
    found: list[tuple[str, str]] = []
    for path in sorted([*ROOT.glob("workforce/**/*.py"), *ROOT.glob("optimizer/**/*.py"),
                        *ROOT.glob("api/**/*.py")]):  # fmt: skip
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT).as_posix()
        for pattern, prefix in OBJECTS.items():
            found += [(name, f"{prefix}.{key}") for key in re.findall(pattern, source)]
        if name.startswith("api/pages/"):  # t = translator(language); t("id")
            found += [(name, f"ui.{k}") for k in re.findall(r"\bt\(\s*\"([a-z0-9_]+)\"", source)]
        for module, functions in FUNCTIONS.items():
            imported = re.search(rf"from {re.escape(module)} import (\([^)]*\)|[^\n]*)", source)
            if not imported:
                continue
            names = set(re.findall(r"\w+", imported.group(1)))
            for function, prefix in functions.items():
                if function not in names:
                    continue
                opener = r"\[\s*" if function.isupper() else r"\(\s*"
                keys = re.findall(rf"\b{function}{opener}\"([a-z0-9_.]+)\"", source)
                found += [(name, f"{prefix}.{key}") for key in keys]
        if "from workforce.reports.messages import" in source and "columns" in source:
            for call in re.findall(r"\bcolumns\(([^()]*)\)", source):
                found += [
                    (name, f"reports.column.{k}") for k in re.findall(r"\"([a-z0-9_]+)\"", call)
                ]
        # texts.text / texts.pair: whole ids
        found += [(name, k) for k in re.findall(r"\btexts\.(?:text|pair)\(\s*\"([a-z0-9_.]+)\"",
                                                source)]  # fmt: skip
        if name.startswith("workforce/cli/"):  # workforce.cli.app.say / pair: whole ids
            found += [
                (name, k) for k in re.findall(r"\b(?:say|pair)\(\s*\"(cli\.[a-z0-9_.]+)\"", source)
            ]
        if name == "workforce/sample/summary.py":
            found += [
                (name, f"sample.{k}") for k in re.findall(r"\bmessage\(\s*\"([a-z0-9_]+)\"", source)
            ]
    for path in sorted((ROOT / "api" / "templates").rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT).as_posix()
        found += [(name, f"ui.{k}") for k in re.findall(r"\bt\(\s*\"([a-z0-9_]+)\"\s*[,)]", source)]
    return found


def test_every_id_the_code_names_exists():
    found = _literal_lookups()
    missing = sorted({(f, i) for f, i in found if i not in ZH})
    assert missing == []
    by_area = {}
    for _, message_id in found:
        area = message_id.split(".")[0]
        by_area[area] = by_area.get(area, 0) + 1
    # how many lookups the scan sees, so that a scan that silently stops matching fails
    assert len(found) >= 950, len(found)  # 970 lookups of 663 ids when the test was written
    assert set(by_area) >= {"ui", "registry", "accounts", "api", "notices", "io", "plans",
                            "reports", "optimizer", "sample", "cli"}, by_area  # fmt: skip
    assert by_area["cli"] >= 12, by_area  # the commands' own messages (demo, serve)


def test_each_area_reads_its_own_namespace():
    """Each area's lookup keeps its signature and finds its messages under its prefix."""
    cases = [
        (UI.text("page_of", page=1, pages=2).en, "page 1 of 2"),
        (REGISTRY_MESSAGES.text("school_unknown", key=7).id, "school_unknown"),
        (io_message("not_int", value="x").zh, "“x”不是整数"),
        (plan_message("not_found", "en", plan_id=3), "plan 3 does not exist"),
        (columns("hours")[0].zh, "本周期已修学时（学时）"),
        (enum_label("county", "", "zh"), "未登记县（区）"),
        (enum_label("county", "梅县区", "zh"), "梅县区"),  # a county's own name, shown as it is
        (error("bad_language", "en"), "--lang must be zh or en"),
        (sample_message("none", "en"), "none"),
        (TEMPLATES["why.teacher.volunteer"], ("本人申请交流", "asked to rotate")),
        (list(QUOTA_BASE_LABELS), ["available", "service"]),
        (list(ROLE_LABELS), list(Role)),
        (ROLE_LABELS[Role.clerk][0], "学校人事专干"),
    ]
    assert len(cases) == 13
    assert [got for got, _ in cases] == [want for _, want in cases]
    assert "why.teacher.volunteer" in TEMPLATES and "no_such_reason" not in TEMPLATES


def test_the_plan_workbook_reads_every_word_from_the_catalogue():
    """Its sheet names, column headers, move kinds, statuses and summary labels: each id the
    workbook module names exists in both languages (counted), and no Chinese is left in it."""
    from workforce.plans import workbook

    source = (ROOT / "workforce" / "plans" / "workbook.py").read_text(encoding="utf-8")
    assert not re.search(r"[\u4e00-\u9fff]", source)
    ids = [f"plans.workbook.column.{sheet}.{column}"
           for sheet, columns in workbook.HEADERS.items() for column in columns]  # fmt: skip
    ids += [f"plans.workbook.label.{k}" for k in re.findall(r'\bLABELS\["(\w+)"\]', source)]
    ids += [f"plans.workbook.{kind}.{key}" for kind, keys in (
        ("sheet", workbook.HEADERS), ("kind", ("secondment", "transfer")),
        ("status", ("optimal", "feasible", "infeasible", "unknown")),
    ) for key in keys]  # fmt: skip
    assert len(ids) >= 66, len(ids)  # 66 when the workbook moved into the catalogue
    missing = [i for i in ids if i not in ZH or i not in EN or not ZH[i] or not EN[i]]
    assert missing == []
