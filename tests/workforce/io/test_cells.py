"""Cell parsers: every form clerks write, and exports that parse back to the same value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workforce.dates import EXCEL_EPOCH
from workforce.idnumber import check_character
from workforce.io.cells import (
    BoolCell,
    CellError,
    CodeCell,
    CodesCell,
    DateCell,
    DecimalCell,
    IdNumberCell,
    IntCell,
    IntListCell,
    TextCell,
    clean_text,
)

DATES = st.dates(dt.date(1940, 1, 1), dt.date(2060, 12, 31))


@given(DATES)
def test_every_date_form_reads_the_same_day(day):
    cell = DateCell()
    forms = [
        day,
        dt.datetime.combine(day, dt.time()),
        (day - EXCEL_EPOCH).days,
        float((day - EXCEL_EPOCH).days),
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        int(f"{day:%Y%m%d}"),  # 20190901 typed into a number cell
        float(f"{day:%Y%m%d}"),
        f"{day.year}/{day.month}/{day.day} 0:00",  # a date-and-time cell saved as CSV
        f"{day.isoformat()} 00:00:00",
    ]
    assert {cell.parse(form) for form in forms} == {day}


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        (19850312, dt.date(1985, 3, 12)),
        (19850312.0, dt.date(1985, 3, 12)),
        ("1985/3/12 0:00", dt.date(1985, 3, 12)),
        ("2015/8/28 8:30:00", dt.date(2015, 8, 28)),
        ("2015年8月28日 0:00", dt.date(2015, 8, 28)),
        ("2015-08-28T00:00:00", dt.date(2015, 8, 28)),
    ],
)
def test_excel_number_dates_and_csv_date_times_are_read(raw, day):
    """A clerk types 19850312 into a cell Excel keeps as a number (the text "19850312" was
    read, the number refused as "1.98503e+07 is not an Excel date"); a date-and-time cell
    saved as CSV reads "1985/3/12 0:00" (refused as unrecognised)."""
    assert DateCell().parse(raw) == day


@pytest.mark.parametrize(
    ("raw", "shown"), [(19851332, "19851332"), (20190901.5, "20190901.5"), (2958466, "2958466")]
)
def test_a_number_that_is_no_date_is_named_as_written(raw, shown):
    with pytest.raises(CellError) as error:
        DateCell().parse(raw)
    assert f"“{shown}”" in error.value.text.zh


@pytest.mark.parametrize("text", ["2019-02-30", "2019年13月1日", "下周一", "2019-9"])
def test_a_date_that_is_not_one_is_refused_with_its_text(text):
    with pytest.raises(CellError) as error:
        DateCell().parse(text)
    assert text in error.value.text.zh


@given(st.text(min_size=1, max_size=20).filter(lambda s: s.strip() and s.strip() == s))
def test_text_round_trips(value):
    """What a text cell keeps reads back the same; what it refuses is a control character."""
    cell = TextCell(20)
    try:
        kept = cell.parse(value)
    except CellError as error:
        assert "control character" in error.text.en
    else:
        assert cell.parse(cell.export(kept, "zh")) == kept


def test_text_longer_than_the_column_is_refused_and_integral_numbers_read_as_text():
    with pytest.raises(CellError, match="longer than 3"):
        TextCell(3).parse("工号过长")
    assert TextCell(10).parse(123.0) == "123"


@given(st.integers(0, 10**6))
def test_whole_numbers_from_excel_floats_and_text(n):
    assert IntCell().parse(float(n)) == IntCell().parse(str(n)) == IntCell().parse(f"{n}.0") == n


@pytest.mark.parametrize("raw", ["3.5", "三", -1, True])
def test_not_a_count(raw):
    with pytest.raises(CellError):
        IntCell().parse(raw)


@given(st.decimals(Decimal("0.1"), Decimal("9999.9"), places=1))
def test_hours_round_trip_through_xlsx_numbers_and_csv_text(hours):
    cell = DecimalCell()
    shown = cell.export(hours, "zh")
    assert cell.parse(shown) == cell.parse(str(shown)) == hours


@pytest.mark.parametrize(
    ("raw", "message"), [("0", "greater than 0"), ("1.25", "decimal places"), ("x", "not a number")]
)
def test_hours_must_be_positive_with_one_decimal(raw, message):
    with pytest.raises(CellError, match=message):
        DecimalCell().parse(raw)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("是", True), ("否", False), ("Y", True), ("no", False), (True, True), (1.0, True)],
)
def test_yes_and_no(raw, value):
    assert BoolCell().parse(raw) is value


def test_codes_by_label_code_alias_and_english_and_a_clear_refusal():
    cell = CodeCell("subjects")
    assert {cell.parse(v) for v in ["体育", "pe", "体育与健康", "Physical education"]} == {"pe"}
    with pytest.raises(CellError) as error:
        cell.parse("武术")
    assert "武术" in error.value.text.zh and "体育" in error.value.text.zh


@given(
    st.lists(st.sampled_from(["语文", "数学", "英语", "体育", "科学"]), min_size=1, max_size=4),
    st.sampled_from("、;；，,"),
)
def test_lists_of_codes_with_any_separator_round_trip(labels, separator):
    cell = CodesCell("subjects")
    codes = cell.parse(separator.join(labels))
    assert len(codes) == len(labels)
    assert cell.parse(cell.export(codes, "zh")) == codes


@given(st.lists(st.integers(0, 20), min_size=1, max_size=9))
def test_classes_by_grade_round_trip(classes):
    cell = IntListCell()
    assert cell.parse(cell.export(classes, "zh")) == classes


@given(st.dates(dt.date(1940, 1, 1), dt.date(2008, 12, 31)), st.integers(0, 999))
def test_id_numbers_with_their_check_character_are_read(birth, sequence):
    first17 = f"441602{birth:%Y%m%d}{sequence:03d}"
    number = first17 + check_character(first17)
    assert IdNumberCell().parse(number.lower()) == number


@pytest.mark.parametrize("raw", [4.41602198709011e17, "4.41602198709011E+17", "4.41602E17"])
def test_id_numbers_mangled_by_excel_are_named(raw):
    with pytest.raises(CellError) as error:
        IdNumberCell().parse(raw)
    assert "Excel" in error.value.text.zh


def test_id_number_check_character_and_masked_numbers():
    with pytest.raises(CellError, match="check character"):
        IdNumberCell().parse("130402198207290622")
    assert IdNumberCell().parse("441602********1234") == "441602********1234"


@pytest.mark.parametrize(("written", "stored"), [
    ("第一行\r\n第二行", "第一行\n第二行"),  # Windows
    ("第一行\r第二行", "第一行\n第二行"),  # old Mac
    ("第一行\u2028第二行\u2029第三行", "第一行\n第二行\n第三行"),  # Unicode separators
    ("甲\t乙\n丙", "甲\t乙\n丙"),
])
def test_a_notes_line_breaks_are_stored_as_one_kind(written, stored):
    """A note (multi-line text) keeps its lines, each break stored as ``\\n`` whichever
    system wrote the file; a single-line cell refuses them at the cell."""
    assert clean_text(written, multiline=True) == stored
    with pytest.raises(CellError):
        clean_text(written, multiline=False)
