"""A page's form or address refused by validation: the error page names the field and says
why in the page's language ("查询参数 year 应为整数"), where it listed ``query.year`` alone."""

from __future__ import annotations

from page_helpers import signed_in


def test_the_error_page_names_the_field_and_the_reason(app, district):
    client = signed_in(app, "hr")
    page = client.get("/plans?year=abc")
    assert page.status_code == 422
    assert "请求中的以下字段有误：查询参数 year 应为整数" in page.text
    assert "Input should" not in page.text and "query.year" not in page.text
    english = client.get("/plans?year=abc&lang=en")
    assert "these fields of the request are invalid: query parameter year must be a whole " \
        "number" in english.text
