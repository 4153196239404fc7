"""The notice letters' pure parts: the official date style and the document number."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from workforce.config import Settings
from workforce.plans.notices import NoticeRefused, chinese_date, document_number

DATES = [
    (dt.date(2026, 12, 5), "二〇二六年十二月五日"),
    (dt.date(2026, 10, 20), "二〇二六年十月二十日"),
    (dt.date(2030, 1, 31), "二〇三〇年一月三十一日"),
    (dt.date(2026, 11, 11), "二〇二六年十一月十一日"),
    (dt.date(2100, 9, 10), "二一〇〇年九月十日"),
    (dt.date(2027, 2, 28), "二〇二七年二月二十八日"),
]


@pytest.mark.parametrize(("day", "written"), DATES)
def test_dates_are_written_in_the_official_style(day: dt.date, written: str):
    assert chinese_date(day) == written


def test_every_day_of_a_year_is_written_with_chinese_numerals_only():
    day, seen = dt.date(2026, 1, 1), set()
    while day.year == 2026:
        text = chinese_date(day)
        assert text.startswith("二〇二六年") and text.endswith("日")
        assert not any(c.isascii() for c in text), text
        seen.add(text)
        day += dt.timedelta(days=1)
    assert len(seen) == 365


def test_the_document_number_fills_the_setting():
    assert document_number("源城教人〔{year}〕{plan_id}号", year=2026, plan_id=7) == (
        "源城教人〔2026〕7号"
    )


def test_a_refusal_names_the_status_in_words():
    refused = NoticeRefused(3, "superseded")
    assert refused.zh.startswith("方案 3 已被替代，不出通知书")
    assert "superseded" not in refused.zh


@pytest.mark.parametrize(
    "pattern",
    [
        "源城教人〔{year}〕{plan_id}号",
        "源教〔{year}〕{plan_id:03d}号",
        "源教{{{year}}}号",
        "无编号",
    ],
)
def test_a_notice_number_setting_of_year_and_plan_is_taken(pattern: str):
    settings = Settings(secret_key="k" * 40, notice_number=pattern)
    assert document_number(settings.notice_number, year=2026, plan_id=7)


@pytest.mark.parametrize(
    "pattern",
    [
        "源教{id}号",
        "源教〔{year}〕{",
        "{}号",
        "{0}号",
        "{year.__class__}",
        "{year!r}",
        "{plan_id:zz}",
    ],  # fmt: skip
)
def test_a_notice_number_setting_that_letters_would_fail_on_is_refused_at_start(pattern: str):
    with pytest.raises(ValidationError, match="WORKFORCE_NOTICE_NUMBER may hold only"):
        Settings(secret_key="k" * 40, notice_number=pattern)


def _letter_text(move_fields: dict, issued_on: dt.date) -> str:
    """The characters of one move's letter and slip (the PDF's text before layout)."""
    from types import SimpleNamespace

    from optimizer.plan import Move
    from workforce.plans.notices import _letter, _styles, _text_of

    schools = [SimpleNamespace(code="A", name="东埔小学"), SimpleNamespace(code="B", name="新兴小学")]
    move = Move.model_validate({
        "staff_no": "T1", "name": "张三", "role": "teacher", "from_school": "A",
        "to_school": "B", "subject": "math", "kind": "secondment", "start": dt.date(2026, 9, 1),
        "planned_end": dt.date(2029, 8, 31), "wish_rank": None, "distance_km": 3.0,
        "is_key": False, "reasons": [], **move_fields,
    })  # fmt: skip
    story = _letter(SimpleNamespace(schools=schools), SimpleNamespace(year=2026), move, 3,
                    "源城教人〔2026〕3号", issued_on, _styles("Helvetica"))  # fmt: skip
    return _text_of(story)


def test_a_principals_letter_says_the_post_is_taken_not_taught():
    principal = _letter_text({"role": "principal", "subject": None}, dt.date(2026, 8, 1))
    assert "到新兴小学担任校长。" in principal and "任教校长" not in principal
    teacher = _letter_text({}, dt.date(2026, 8, 1))
    assert "到新兴小学任教数学。" in teacher


def test_a_late_letters_slip_says_at_once_as_the_letter_does():
    # issued after the start: the letter said "report at once", its slip "by 1 September"
    late = _letter_text({}, dt.date(2026, 10, 8))
    assert "报到日期已过" in late and "将于接到通知后立即到新兴小学报到" in late
    assert "将于二〇二六年九月一日前" not in late
    on_time = _letter_text({}, dt.date(2026, 8, 1))
    assert "将于二〇二六年九月一日前到新兴小学报到" in on_time and "报到日期已过" not in on_time
