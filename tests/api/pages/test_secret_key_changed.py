"""A page of a server still running on the old key after ``rotate-secret`` says so, in
Chinese, with the remedy: a 503 page, not a bare 500 (the API's answer:
``tests/api/test_api_secret_key_changed.py``)."""

from __future__ import annotations

from page_helpers import signed_in

from workforce import config
from workforce.secret import check_secret_key, rotate_secret_key

NEW_KEY = "the-new-secret-key-of-the-registry-0123456789abcdef"


def test_a_page_says_it_too(app, district, engine):
    browser = signed_in(app, "hr")
    old = config.get_settings().secret_key
    check_secret_key(engine, old)
    rotate_secret_key(engine, old, NEW_KEY, actor="admin")
    page = browser.get(f"/teachers/{district.teachers_a[0].id}")
    assert page.status_code == 503
    assert "本服务所用的密钥已不是信息库的密钥" in page.text and "<html" in page.text
