"""Issue #15: every cell normalised or refused — nothing odd slips into the registry.

One test per class of character (full-width digits and letters, format characters, other
spaces, control characters), impossible and implausible people, implausible training
hours, the official names of the code lists, and the refusals that used to mislead."""

from __future__ import annotations

import contextlib
import datetime as dt
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import Session

from tests.workforce.io.conftest import (
    LI_ID,
    SCHOOLS_HEADER,
    TEACHERS_HEADER,
    TEACHERS_ROWS,
    id_number,
    rendered,
    snapshot,
)
from workforce.codes import code_list
from workforce.idnumber import decrypt, mask
from workforce.io.cells import ReferenceCell, TextCell
from workforce.io.entities import SPECS, TEACHERS
from workforce.io.importer import import_file
from workforce.io.summary import summary_lines
from workforce.models import Teacher, TrainingRecord

FULL_WIDTH = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
)


def teacher_row(**values: str) -> list[str]:
    row = dict(zip(TEACHERS_HEADER, TEACHERS_ROWS[0], strict=True))
    row.update(values)
    return [row[h] for h in TEACHERS_HEADER]


def teacher(engine, staff_no: str) -> Teacher | None:
    with Session(engine) as session:
        return session.exec(
            select(Teacher).where(Teacher.staff_no == staff_no)
        ).scalar_one_or_none()


def test_full_width_digits_and_letters_are_stored_as_ascii(registry, write_csv):
    number = id_number(dt.date(1991, 5, 6), 335)
    row = teacher_row(工号="ＴＹ０９".translate(FULL_WIDTH), 身份证号=number.translate(FULL_WIDTH),
                      出生日期="１９９１-０５-０６", 学校代码="Ｓ０１", 性别="男")  # fmt: skip
    report = import_file(registry, write_csv("t.csv", TEACHERS_HEADER, [row]), actor="clerk")
    assert report.status == "committed", rendered(report)
    stored = teacher(registry, "TY09")
    assert stored is not None and decrypt(stored.id_number_encrypted) == number


def test_the_same_id_number_written_full_width_is_a_duplicate(registry, write_csv):
    in_db = teacher_row(工号="T777", 身份证号=LI_ID.translate(FULL_WIDTH))
    twice = [
        teacher_row(工号="T778"),
        teacher_row(工号="T779", 身份证号=LI_ID.translate(FULL_WIDTH)),
    ]
    against_db = rendered(
        import_file(registry, write_csv("a.csv", TEACHERS_HEADER, [in_db]), actor="c")
    )
    in_file = rendered(import_file(registry, write_csv("b.csv", TEACHERS_HEADER, twice), actor="c"))
    assert any("belongs to teacher T001" in p for p in against_db), against_db
    assert any("duplicates row 2" in p and "row 3" in p for p in in_file), in_file


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\ufeff", "\u200d", "\u2060", "\u00ad", "\u200e"],
    ids=["zero-width space", "BOM", "zero-width joiner", "word joiner", "soft hyphen", "LRM"],
)
def test_format_characters_are_dropped_so_a_key_stays_the_same_key(registry, write_csv, invisible):
    before = snapshot(registry)
    row = teacher_row(
        工号=f"T001{invisible}", 学校代码=f"{invisible}S01", 主教学科=f"数{invisible}学"
    )
    report = import_file(registry, write_csv("t.csv", TEACHERS_HEADER, [row]), actor="clerk")
    assert report.status == "unchanged", rendered(report)
    after = snapshot(registry)
    assert after["teacher"] == before["teacher"]


@pytest.mark.parametrize("space", ["\u00a0", "\u3000", "\u2003"], ids=["NBSP", "ideographic", "em"])
def test_other_spaces_are_trimmed_and_read_as_spaces(registry, write_csv, space):
    # (between two Chinese characters a space is dropped: test_a_name_lined_up_with_spaces…)
    row = teacher_row(工号=f"{space}T001{space}", 姓名=f"Li{space}Ming", 职称=f"一级教师{space}")
    report = import_file(registry, write_csv("t.csv", TEACHERS_HEADER, [row]), actor="clerk")
    assert report.status == "committed", rendered(report)
    stored = teacher(registry, "T001")
    assert stored is not None and stored.name == "Li Ming" and stored.title == "first"


@pytest.mark.parametrize(
    "control",
    ["\x00", "\x1b[31m", "\x07", "\n", "\r", "\t", "\x7f", "\x85", "\u2028"],
    ids=["NUL", "ESC colour", "BEL", "LF", "CR", "TAB", "DEL", "NEL", "line separator"],
)
def test_control_characters_in_single_line_cells_are_refused_with_row_and_column(
    registry, write_csv, control
):
    before = snapshot(registry)
    rows = [teacher_row(工号="T900", 姓名=f"钱{control}七"), teacher_row(工号=f"T9{control}01")]
    report = import_file(registry, write_csv("t.csv", TEACHERS_HEADER, rows), actor="clerk")
    assert report.status == "failed"
    located = {
        (p.row, p.column_letter, p.header)
        for p in report.problems
        if "control character" in p.text.en
    }
    assert located == {(2, "B", "姓名"), (3, "A", "工号")}, rendered(report)
    assert snapshot(registry)["teacher"] == before["teacher"]


def test_a_note_may_hold_line_breaks_but_no_other_control_character(registry, write_csv):
    header = ["工号", "暂缓原因", "开始日期", "结束日期", "备注"]
    ok = import_file(registry, write_csv("e.csv", header, [["T001", "哺乳期", "2025-03-01", "2026-02-28", "第一行\n第二行"]]), actor="c")  # fmt: skip
    assert ok.status == "committed", rendered(ok)
    bad = import_file(registry, write_csv("f.csv", header, [["T002", "哺乳期", "2025-03-01", "2026-02-28", "a\x00b"]]), actor="c")  # fmt: skip
    assert [(p.row, p.column_letter) for p in bad.problems] == [(2, "E")]


def test_headers_written_full_width_or_with_invisible_characters_are_recognised(engine, write_csv):
    header = ["学校代码\u200b", "学校名称", "所在街道/镇", "城乡类别", "学段＊"]
    path = write_csv("学校.csv", header, [["S09", "高莲小学", "新江", "城区", "小学"]])
    assert import_file(engine, path, actor="clerk").status == "committed"


TODAY = dt.date.today()


@pytest.mark.parametrize(
    ("values", "column", "words"),
    [
        ({"出生日期": "2100-01-01"}, "D", "in the future"),
        ({"出生日期": "1899-12-31"}, "D", "before 1900-01-01"),
        (
            {
                "出生日期": (
                    TODAY.replace(year=TODAY.year - 12) - dt.timedelta(days=1)
                ).isoformat(),
                "到本校任教时间": TODAY.isoformat(),
            },
            "D",
            "no one under 16",
        ),
        ({"到本校任教时间": "2001-01-01"}, "H", "no one under 16"),
        ({"到本校任教时间": "2100-09-01"}, "H", "in the future"),
    ],
    ids=["born in the future", "born before 1900", "aged 12", "joined at 15", "joins in 2100"],
)
def test_impossible_people_are_refused(registry, write_csv, values, column, words):
    row = teacher_row(工号="T500", 身份证号="", **values)
    report = import_file(registry, write_csv("t.csv", TEACHERS_HEADER, [row]), actor="clerk")
    assert report.status == "failed"
    assert any(p.column_letter == column and words in p.text.en for p in report.problems), rendered(
        report
    )


def test_first_employment_before_16_or_after_arrival_is_refused(registry, write_csv):
    header = [*TEACHERS_HEADER, "参加工作时间"]
    rows = [
        [*teacher_row(工号="T501", 身份证号=""), "1999-09-01"],  # born 1985-03-12: 14
        [*teacher_row(工号="T502", 身份证号=""), "2016-09-01"],  # after joining in 2015
    ]
    report = import_file(registry, write_csv("t.csv", header, rows), actor="clerk")
    texts = [(p.row, p.text.en) for p in report.problems]
    assert any(r == 2 and "no one under 16" in t for r, t in texts), texts
    assert any(r == 3 and "before first employment" in t for r, t in texts), texts


def test_implausible_people_are_warned_about_in_the_dry_run_and_the_summary(registry, write_csv):
    header = [*TEACHERS_HEADER, "参加工作时间"]
    old_birth = TODAY.replace(year=TODAY.year - 70, day=1)
    rows = [
        [*teacher_row(工号="T601", 身份证号=""), "2002-09-01"],  # 17 at first employment
        [*teacher_row(工号="T602", 身份证号="", 出生日期=old_birth.isoformat()), "1990-09-01"],
    ]
    report = import_file(registry, write_csv("t.csv", header, rows), actor="clerk", dry_run=True)
    assert report.status == "dry_run", rendered(report)
    warnings = [n for n in report.notices if "(warning)" in n.text.en]
    assert [(w.row, w.column_letter) for w in warnings] == [(2, "M"), (3, "D")]
    lines = summary_lines(report, "en")
    assert sum("(warning)" in line and "row" in line for line in lines) == 2


def test_implausible_training_hours_are_refused_per_record_and_per_year(registry, write_csv):
    header = ["工号", "培训日期", "学时", "培训类别", "培训机构"]
    one = import_file(registry, write_csv("a.csv", header, [["T001", "2024-07-15", "10000", "集中培训", "A"]]), actor="c")  # fmt: skip
    assert [(p.row, p.column_letter) for p in one.problems] == [(2, "C")]
    assert "over the limit of 480 per record" in rendered(one)[0]
    stored = import_file(registry, write_csv("b.csv", header, [["T001", "2024-03-01", "480", "集中培训", "A"], ["T001", "2024-06-01", "400", "集中培训", "B"]]), actor="c")  # fmt: skip
    assert stored.status == "committed", rendered(stored)
    more = import_file(registry, write_csv("c.csv", header, [["T001", "2024-09-01", "100", "集中培训", "C"], ["T001", "2025-09-01", "100", "集中培训", "C"]]), actor="c")  # fmt: skip
    assert [(p.row, p.column_letter) for p in more.problems] == [(2, "C")]
    assert "980.0 hours in 2024 (880.0 already stored)" in rendered(more)[0]
    replaced = import_file(registry, write_csv("d.csv", header, [["T001", "2024-06-01", "470", "集中培训", "B"]]), actor="c")  # fmt: skip
    assert replaced.status == "committed", rendered(replaced)  # 480 + 470: the row replaces 400
    with Session(registry) as session:
        assert len(session.exec(select(TrainingRecord)).all()) == 2


@pytest.mark.postgres
def test_two_imports_at_once_cannot_both_pass_the_yearly_hours_check(registry, write_csv, monkeypatch):
    """Each file alone fits the 960 hours of 2024 (480 stored); together they do not. The first
    import waits, after its checks, for the second to reach its own checks: with the checks and
    the write in one write transaction the second waits for the first's commit instead (the
    wait then times out), sees its hours and is refused."""
    import threading

    from workforce.io import importer

    header = ["工号", "培训日期", "学时", "培训类别", "培训机构"]
    stored = import_file(registry, write_csv("a.csv", header, [["T001", "2024-03-01", "480", "集中培训", "A"]]), actor="c")  # fmt: skip
    assert stored.status == "committed", rendered(stored)
    files = [write_csv(f"{n}.csv", header, [["T001", f"2024-0{n}-01", "300", "集中培训", n]])
             for n in ("5", "6")]  # fmt: skip
    checked = threading.Barrier(2, timeout=3)
    real_compare = importer.compare

    def compare_when_both_checked(*args, **kwargs):
        # a broken barrier: the other import is waiting for this one's write transaction
        with contextlib.suppress(threading.BrokenBarrierError):
            checked.wait()
        return real_compare(*args, **kwargs)

    monkeypatch.setattr(importer, "compare", compare_when_both_checked)
    reports = [None, None]

    def run(i: int) -> None:
        reports[i] = import_file(registry, files[i], actor=f"clerk{i}")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = sorted(r.status for r in reports)  # type: ignore[union-attr]
    assert statuses == ["committed", "failed"], [rendered(r) for r in reports]
    with Session(registry) as session:
        hours = sum(r.hours for r in session.scalars(select(TrainingRecord)))
    assert hours == 780


OFFICIAL = {
    "titles": {"中小学高级教师": "senior", "中小学一级教师": "first", "中小学二级教师": "second",
               "中小学三级教师": "third", "正高级教师": "principal_senior",
               "中学高级教师": "senior", "小学高级教师": "first", "小学一级教师": "second",
               "小学三级教师": "third",
               # the old names as clerks' sheets write them, without 教师 (docs/import-formats.md)
               "中学高级": "senior", "中学一级": "first", "小学高级": "first", "中学二级": "second",
               "小学一级": "second", "中学三级": "third", "小学二级": "third"},
    "subjects": {"思想品德": "politics", "信息技术": "it", "体育与健康": "pe"},
    "education_levels": {"大学本科": "bachelor", "职业高中": "secondary_vocational", "技工学校": "secondary_vocational"},
    "genders": {"男性": "male", "女性": "female"},
    "certificate_levels": {"初级中学教师资格证": "junior", "高中教师资格证": "senior"},
    "teacher_statuses": {"已退休": "retired", "调离": "left"},
}  # fmt: skip


def test_official_names_and_common_variants_of_the_code_lists_are_read():
    read = {
        (name, label): code_list(name).parse(label)
        for name, labels in OFFICIAL.items()
        for label in labels
    }
    expected = {
        (name, label): code for name, labels in OFFICIAL.items() for label, code in labels.items()
    }
    assert read == expected and len(read) == 28


def test_a_title_under_its_official_name_imports(registry, write_csv):
    row = teacher_row(职称="中小学高级教师")
    report = import_file(registry, write_csv("t.csv", TEACHERS_HEADER, [row]), actor="clerk")
    assert report.status == "committed", rendered(report)
    assert teacher(registry, "T001").title == "senior"  # type: ignore[union-attr]


def test_a_blank_status_keeps_a_retired_teacher_retired(registry, write_csv):
    header = [*TEACHERS_HEADER, "状态", "是否校长"]
    retire = import_file(registry, write_csv("a.csv", header, [[*TEACHERS_ROWS[0], "退休", "是"]]), actor="c")  # fmt: skip
    assert retire.status == "committed", rendered(retire)
    again = import_file(registry, write_csv("b.csv", header, [[*TEACHERS_ROWS[0], "", ""]]), actor="c")  # fmt: skip
    assert again.status == "unchanged", [line for line in summary_lines(again, "en")]
    stored = teacher(registry, "T001")
    assert stored is not None and (stored.status, stored.is_principal) == ("retired", True)


def test_a_blank_still_means_the_default_for_a_new_teacher(registry, write_csv):
    header = [*TEACHERS_HEADER, "状态"]
    report = import_file(registry, write_csv("a.csv", header, [[*teacher_row(工号="T300", 身份证号=""), ""]]), actor="c")  # fmt: skip
    assert report.status == "committed", rendered(report)
    assert teacher(registry, "T300").status == "active"  # type: ignore[union-attr]


def test_a_masked_id_number_that_is_not_the_stored_ones_mask_is_warned_about(registry, write_csv):
    other = id_number(dt.date(1985, 3, 12), 555)
    rows = [teacher_row(身份证号=other[:6] + "********" + other[-4:])]
    report = import_file(
        registry, write_csv("t.csv", TEACHERS_HEADER, rows), actor="c", dry_run=True
    )
    (warning,) = [n for n in report.notices if "masked" in n.text.en]
    assert (warning.row, warning.column_letter, warning.header) == (2, "E", "身份证号")
    # The warning shows the stored number only as everyone sees it (every character hidden),
    # and a mask with visible digits never matches: otherwise the warning would be an oracle
    # that confirms guessed digits one at a time.
    assert "was ignored" in warning.render("en") and mask(LI_ID) in warning.text.en
    assert LI_ID[-4:] not in warning.text.en and LI_ID[-4:] not in warning.text.zh
    legacy = [teacher_row(身份证号=LI_ID[:6] + "********" + LI_ID[-4:])]
    oracle = import_file(
        registry, write_csv("v.csv", TEACHERS_HEADER, legacy), actor="c", dry_run=True
    )
    assert len([n for n in oracle.notices if "masked" in n.text.en]) == 1
    matching = [teacher_row(身份证号=mask(LI_ID))]
    quiet = import_file(
        registry, write_csv("u.csv", TEACHERS_HEADER, matching), actor="c", dry_run=True
    )
    assert not [n for n in quiet.notices if "masked" in n.text.en]


REFUSED_CATEGORIES = {"Cc", "Cs", "Zl", "Zp", "Cf"}
TEXT_COLUMNS = [
    (spec, column)
    for spec in SPECS.values()
    for column in spec.columns
    if isinstance(column.cell, (TextCell, ReferenceCell))
]
REFERENCES = {"staff_no": "T001", "school_code": "S01", "from_school": "S01", "to_school": "S02"}


def example_row(spec, column_key: str, text: str) -> list[str]:
    """The spec's example row, references pointing at the registry fixture's rows, the ID
    number left blank, and ``text`` in column ``column_key``."""
    values = {c.key: REFERENCES.get(c.key, c.example) for c in spec.columns}
    if spec.name == "teachers":
        values.update(staff_no="T001", id_number="", birth_date="1985-03-12", gender="男")
    values[column_key] = text
    return [values[c.key] for c in spec.columns]


def _clean(value: str, multiline: bool = False) -> bool:
    """Stored as the import promises: trimmed, no control, format or separator character (a
    note keeps line breaks as ``\n`` and tabs, never ``\r``), digits and Latin letters ASCII."""
    kept = {"\n", "\t"} if multiline else set()
    return (
        value == value.strip()
        and not any(unicodedata.category(c) in REFUSED_CATEGORIES and c not in kept
                    for c in value)
        and not any(
            c.isalnum() and not c.isascii() and unicodedata.normalize("NFKC", c).isascii()
            for c in value
        )
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    target=st.sampled_from(TEXT_COLUMNS),
    text=st.text(st.characters(codec="utf-8"), min_size=1, max_size=12),
)
def test_random_unicode_in_every_text_column_is_stored_normalised_or_refused_at_its_cell(
    registry, write_csv, target, text
):
    """Any text in any text column of any sheet: the import stores it normalised (no control
    or format character — a note's line breaks as ``\n`` —, digits and Latin letters in ASCII,
    trimmed) or refuses it at its row and column — never a traceback, never a control
    character stored (hypothesis once found a note stored with a lone ``\r``)."""
    spec, column = target
    row = example_row(spec, column.key, text)
    path = write_csv(f"{spec.name}.csv", [c.zh for c in spec.columns], [row])
    report = import_file(registry, path, actor="clerk")
    if report.status == "failed":
        assert report.problems and all(
            p.row == 2 and p.column_letter is not None for p in report.problems
        ), rendered(report)
    else:
        assert report.status in ("committed", "unchanged"), rendered(report)
        with registry.connect() as connection:
            stored = [
                value
                for stored_row in connection.execute(select(spec.table))
                for value in stored_row
                if isinstance(value, str)
            ]
        multiline = getattr(column.cell, "multiline", False)
        assert all(_clean(v, multiline) for v in stored), stored  # (a wishes row: no text)


@pytest.mark.parametrize("code", ["A/01", "A 01", "学校01", "-A01", "A01?", "A" * 33])
def test_a_school_code_outside_the_safe_form_is_refused_with_row_and_column(
    engine, write_csv, code
):
    rows = [
        ["S01", "埔前中心小学", "埔前", "农村", "小学", "", ""],
        [code, "高莲小学", "新江", "城区", "小学", "", ""],
    ]
    report = import_file(engine, write_csv("学校.csv", SCHOOLS_HEADER, rows), actor="clerk")
    assert report.status == "failed"
    assert {(p.row, p.column_letter) for p in report.problems} == {(3, "A")}, rendered(report)


def test_an_id_number_is_validated_in_ascii_after_normalisation():
    from workforce.idnumber import IdNumberError, parse_id_number

    written = [LI_ID.translate(FULL_WIDTH), f"\u200b{LI_ID}\ufeff", f"\u3000{LI_ID}\u00a0"]
    assert [parse_id_number(w).value for w in written] == [LI_ID] * 3
    with pytest.raises(IdNumberError):
        parse_id_number("٤٤١٦٠٢" + LI_ID[6:])  # Arabic-Indic digits are not an ID number's


def test_checking_masked_id_numbers_decrypts_no_stored_number(registry, write_csv, monkeypatch):
    """Whether a masked cell is the stored number's mask depends only on a number being on
    file (every stored number is 18 characters, the mask hides each): the check once
    decrypted every stored number of the file's teachers to compute it."""
    import workforce.io.validate as validate
    from workforce import idnumber

    calls: list[object] = []

    def counted(sealed):  # type: ignore[no-untyped-def]
        calls.append(sealed)
        return real(sealed)

    real = idnumber.decrypt
    monkeypatch.setattr(idnumber, "decrypt", counted)
    monkeypatch.setattr(validate, "decrypt", counted, raising=False)  # the old import by name
    rows = [
        teacher_row(身份证号=mask(LI_ID)),
        teacher_row(工号="T002", 身份证号=LI_ID[:6] + "********" + LI_ID[-4:]),
    ]
    report = import_file(registry, write_csv("m.csv", TEACHERS_HEADER, rows), actor="c", dry_run=True)
    assert calls == []
    warned = [n for n in report.notices if "masked" in n.text.en]
    assert [n.row for n in warned] == [3], rendered(report)


def test_a_name_lined_up_with_spaces_in_excel_is_stored_without_them(registry, write_csv):
    # 李 芳: two characters lined up with three-character names. Kept, it was a second spelling
    # of the teacher that a search for 李芳 did not find; a name with · keeps it.
    rows = [teacher_row(姓名=name, 工号=staff_no, 身份证号="") for name, staff_no in (
        ("李 芳", "N001"), ("王　小 明", "N002"), ("阿依古丽·买买提", "N003"), ("Li Fang", "N004"))]  # fmt: skip
    report = import_file(registry, write_csv("t.csv", TEACHERS_HEADER, rows), actor="clerk")
    assert report.status == "committed", rendered(report)
    names = {staff_no: teacher(registry, staff_no).name  # type: ignore[union-attr]
             for staff_no in ("N001", "N002", "N003", "N004")}  # fmt: skip
    assert names == {"N001": "李芳", "N002": "王小明", "N003": "阿依古丽·买买提", "N004": "Li Fang"}


@pytest.mark.parametrize("written", ["2016.9", "2016年9月", "2016-09", "2016/9", "２０１６年９月"])
def test_a_career_date_written_as_its_month_is_its_first_day(registry, write_csv, written):
    # Personnel files record 到本校任教时间 and 参加工作时间 to the month; every such row was
    # refused as an unrecognised date.
    row = teacher_row(到本校任教时间=written)
    report = import_file(registry, write_csv("t.csv", TEACHERS_HEADER, [row]), actor="clerk")
    assert report.status == "committed", rendered(report)
    assert teacher(registry, "T001").joined_school_on == dt.date(2016, 9, 1)  # type: ignore[union-attr]


def test_a_month_that_is_no_month_is_still_refused(registry, write_csv):
    row = teacher_row(到本校任教时间="2016.13")
    report = import_file(registry, write_csv("t.csv", TEACHERS_HEADER, [row]), actor="clerk")
    assert report.status == "failed" and "2016.13" in " ".join(rendered(report))


def test_a_sheet_of_the_key_and_one_column_changes_registered_teachers_only(registry, write_csv):
    # "A column the sheet does not have is left unchanged" held for optional columns only: to
    # correct one title a clerk had to re-type every required field, the birth date included.
    before = {t: teacher(registry, t) for t in ("T001", "T002")}
    fixed = import_file(registry, write_csv("t.csv", ["工号", "职称"], [["T001", "高级"],
                                                                     ["T002", "一级"]]),
                        actor="clerk")  # fmt: skip
    assert fixed.status == "committed", rendered(fixed)
    after = {t: teacher(registry, t) for t in ("T001", "T002")}
    assert (after["T001"].title, after["T002"].title) == ("senior", "first")  # type: ignore[union-attr]
    for staff_no in after:  # nothing else changed
        kept = {k: v for k, v in before[staff_no].model_dump().items()  # type: ignore[union-attr]
                if k not in ("title", "version", "updated_at")}  # fmt: skip
        now = {k: v for k, v in after[staff_no].model_dump().items()  # type: ignore[union-attr]
               if k not in ("title", "version", "updated_at")}  # fmt: skip
        assert now == kept
    # a new teacher in such a sheet is refused at its staff number, naming what it needs
    new = import_file(registry, write_csv("t.csv", ["工号", "职称"], [["T001", "二级"],
                                                                   ["N009", "一级"]]),
                      actor="clerk")  # fmt: skip
    assert new.status == "failed"
    problems = [(p.row, p.header, p.text.zh) for p in new.problems]
    assert len(problems) == 1 and problems[0][:2] == (3, "工号")
    assert "“N009”尚未登记" in problems[0][2] and "姓名、性别、出生日期" in problems[0][2]
    assert teacher(registry, "T001").title == "senior"  # type: ignore[union-attr]  # nothing written
    # without the key column the sheet is still refused as a whole
    keyless = import_file(registry, write_csv("t.csv", ["姓名", "职称"], [["李明", "二级"]]),
                          actor="clerk", entity=TEACHERS)  # fmt: skip
    assert keyless.status == "failed" and "required columns are missing: Staff number" in " ".join(
        rendered(keyless))


def test_a_value_not_in_a_code_list_names_the_list_as_users_call_it(registry, write_csv):
    report = import_file(registry, write_csv("t.csv", TEACHERS_HEADER,
                                             [teacher_row(职称="特级")]), actor="clerk")  # fmt: skip
    said = [p.text.zh for p in report.problems]
    assert len(said) == 1 and "不在代码表“职称”中" in said[0] and "titles" not in said[0]


def test_every_code_list_has_a_name_for_users():
    from workforce.codes import all_code_lists, list_label

    lists = all_code_lists()
    assert len(lists) >= 16
    unnamed = [c.name for c in lists if list_label(c.name, "zh") == c.name]
    assert unnamed == []
