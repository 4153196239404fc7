"""A refused request (422) says in Chinese which field is wrong and why: pydantic's English
("Field required", "Input should be a valid integer …") and its Python reprs of the choices
("'male' or 'female'") stayed inside ``detail.zh`` before; the English is clean too, the value
sent is still never repeated, and the pages' error page says the same."""

from __future__ import annotations

import datetime as dt
import re

from api_helpers import id_number

PYDANTIC_ENGLISH = re.compile(r"Input should|Field required|Value error|String should|Extra "
                              r"inputs|Invalid JSON|valid integer|'[a-z_]+' or '")  # fmt: skip


def new_teacher(district, **changes):
    return {"staff_no": "T900", "name": "陈新", "gender": "male", "birth_date": "1995-06-15",
            "id_number": id_number(dt.date(1995, 6, 15), 901), "post_type": "established",
            "school_id": district.school_b.id, "joined_school_on": "2020-09-01",
            "main_subject": "pe", **changes}  # fmt: skip


def _latin_left(zh: str, *names: str) -> str:
    """The Latin words of ``zh`` besides the field names, the accepted codes ("应为以下之一：
    male、female": what the client must send) and the words of the format examples."""
    zh = re.sub(r"以下之一：[^；]*", "", zh)
    for name in (*names, "JSON"):
        zh = zh.replace(name, "")
    return " ".join(re.findall(r"[A-Za-z]+", zh))


def test_each_refusal_names_the_field_and_says_why_in_chinese(client, district):
    h = district.headers["admin"]
    teacher = new_teacher(district)
    cases = [
        ("GET", "/api/teachers?limit=abc", None, ["query", "limit"], "int_parsing",
         "查询参数 limit 应为整数", "query parameter limit must be a whole number"),
        ("GET", "/api/teachers?limit=0", None, ["query", "limit"], "greater_than_equal",
         "查询参数 limit 不能小于 1", "query parameter limit must be at least 1"),
        ("GET", "/api/teachers?limit=501", None, ["query", "limit"], "less_than_equal",
         "查询参数 limit 不能大于 500", "query parameter limit must be at most 500"),
        ("GET", "/api/teachers/abc", None, ["path", "teacher_id"], "int_parsing",
         "地址中的 teacher_id 应为整数", "path parameter teacher_id must be a whole number"),
        ("POST", "/api/teachers", {k: v for k, v in teacher.items() if k != "name"},
         ["body", "name"], "missing", "请求体字段 name 必须填写", "body field name is required"),
        ("POST", "/api/teachers", {**teacher, "name": "张" * 51}, ["body", "name"],
         "string_too_long", "请求体字段 name 最多 50 个字符",
         "body field name must have at most 50 characters"),
        ("GET", "/api/audit?since=2026-13-01", None, ["query", "since"],
         "date_from_datetime_parsing", "查询参数 since 应为日期，格式如 2026-09-01",
         "query parameter since must be a date such as 2026-09-01"),
        ("GET", "/api/corrections?status=x", None, ["query", "status"], "literal_error",
         "查询参数 status 应为以下之一：proposed、accepted、rejected",
         "query parameter status must be one of: proposed, accepted, rejected"),
        ("POST", "/api/plans/jobs", {"year": 2026, "backend": "x"}, ["body", "backend"],
         "literal_error", "请求体字段 backend 应为以下之一：highs、scip、cpsat",
         "body field backend must be one of: highs, scip, cpsat"),
        ("POST", "/api/plans/jobs", {"year": 2026, "speed": 1}, ["body", "speed"],
         "extra_forbidden", "请求体字段 speed 不是可接受的项（多余）",
         "body field speed is not accepted here (no such field)"),
        ("POST", "/api/plans/jobs", {"year": 2026, "time_limit_s": "soon"},
         ["body", "time_limit_s"], "float_parsing", "请求体字段 time_limit_s 应为数字",
         "body field time_limit_s must be a number"),
        ("POST", "/api/teachers", {**teacher, "other_subjects": ["math"] * 11},
         ["body", "other_subjects"], "too_long", "请求体字段 other_subjects 最多 10 项",
         "body field other_subjects must have at most 10 items"),
        ("POST", "/api/teachers", b"{not json", ["body", "1"], "json_invalid",
         "请求体 不是有效的 JSON", "the request body is not valid JSON"),
    ]  # fmt: skip
    checked = 0
    for method, url, body, loc, kind, zh, en in cases:
        if isinstance(body, bytes):
            answer = client.request(method, url, content=body,
                                    headers={**h, "Content-Type": "application/json"})  # fmt: skip
        else:
            answer = client.request(method, url, json=body, headers=h)
        assert answer.status_code == 422, (url, answer.text)
        found = answer.json()
        problem = next(p for p in found["errors"] if p["loc"] == loc)
        assert (problem["type"], problem["zh"], problem["msg"]) == (kind, zh, en), found
        assert found["detail"]["zh"].startswith("请求数据有误："), found
        assert zh in found["detail"]["zh"] and en in found["detail"]["en"], found
        assert not PYDANTIC_ENGLISH.search(found["detail"]["zh"]), found["detail"]["zh"]
        assert _latin_left(found["detail"]["zh"], *loc[1:]) == "", found["detail"]["zh"]
        assert not PYDANTIC_ENGLISH.search(found["detail"]["en"]), found["detail"]["en"]
        checked += 1
    assert checked == len(cases) == 13


def test_a_validators_own_message_keeps_its_chinese_and_the_id_number_is_hidden(client,
                                                                              district):
    good = district.id_numbers["T101"]
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    answer = client.post("/api/teachers", headers=district.headers["hr"],
                         json=new_teacher(district, id_number=wrong_check))  # fmt: skip
    assert answer.status_code == 422, answer.text
    problem = next(p for p in answer.json()["errors"] if p["loc"] == ["body", "id_number"])
    assert problem["type"] == "value_error"
    assert problem["zh"].startswith("请求体字段 id_number 身份证号"), problem
    assert "/" not in problem["zh"] and "ID number" not in problem["zh"], problem
    assert "ID number" in problem["msg"] and "身份证" not in problem["msg"], problem
    assert wrong_check not in answer.text and wrong_check[6:14] not in answer.text
