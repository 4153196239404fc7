"""Pydantic's refusals in words (`texts.validation.reason`): every error type it names has a
message in both languages; the choices are listed without Python's quotes; a validator's own
message keeps its languages apart; any other type reads "not valid"."""

from __future__ import annotations

import re

import pytest

import texts
from texts.validation import MESSAGE_OF_TYPE, choices, reason


def test_every_message_the_table_names_exists_in_both_languages():
    ids = sorted({f"validation.{m}" for m in MESSAGE_OF_TYPE.values()} | {"validation.invalid"})
    assert len(ids) == 25
    assert [i for i in ids if not texts.exists(i)] == []
    assert all(texts.template(i, "en") != texts.template(i, "zh") for i in ids)


@pytest.mark.parametrize("expected,values", [
    ("'zh' or 'en'", ["zh", "en"]),
    ("'highs', 'scip' or 'cpsat'", ["highs", "scip", "cpsat"]),
    ("1, 2 or 3", ["1", "2", "3"]),
])  # fmt: skip
def test_the_choices_are_listed_without_quotes(expected, values):
    assert choices(expected) == values


CASES = [
    ({"type": "missing"}, "必须填写", "is required"),
    ({"type": "int_parsing"}, "应为整数", "must be a whole number"),
    ({"type": "string_too_long", "ctx": {"max_length": 50}}, "最多 50 个字符",
     "must have at most 50 characters"),
    ({"type": "greater_than_equal", "ctx": {"ge": 2000}}, "不能小于 2000", "must be at least 2000"),
    ({"type": "literal_error", "ctx": {"expected": "'zh' or 'en'"}}, "应为以下之一：zh、en",
     "must be one of: zh, en"),
    ({"type": "value_error", "ctx": {"error": ValueError("日期不存在 / not a date")}},
     "日期不存在", "not a date"),
    ({"type": "value_error", "ctx": {"error": ValueError("cycle x ends before it starts")}},
     "取值不符合要求", "cycle x ends before it starts"),
    ({"type": "url_parsing", "msg": "Input should be a valid URL"}, "取值不符合要求",
     "is not valid"),
]  # fmt: skip


def test_each_kind_of_refusal_in_both_languages():
    said = [(reason(error, "zh"), reason(error, "en")) for error, _, _ in CASES]
    assert said == [(zh, en) for _, zh, en in CASES]
    assert len(said) == 8
    assert not [zh for zh, _ in said if re.search(r"Input|should|'", zh)]


def test_a_validator_error_with_both_languages_is_used_as_it_is():
    class Refusal(ValueError):
        zh, en = "须为正数", "must be positive"

    error = {"type": "value_error", "ctx": {"error": Refusal("must be positive")}}
    assert (reason(error, "zh"), reason(error, "en")) == ("须为正数", "must be positive")
