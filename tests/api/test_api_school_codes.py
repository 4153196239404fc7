"""School codes in the API keep the safe form of :mod:`workforce.school_codes` (issue #9.9):
a ``/`` in a code made exports fail; it is refused (422) on creation and on update alike."""

from __future__ import annotations

import pytest

NEW = {"name": "新城小学", "town": "源西", "zone": "urban", "level": "primary"}


@pytest.mark.parametrize("code", ["A/01", "A 01", "学校01", "../etc", "A01?"])
def test_a_school_code_outside_the_safe_form_is_refused(client, district, code):
    h = district.headers["hr"]
    created = client.post("/api/schools", json={"code": code, **NEW}, headers=h)
    assert created.status_code == 422, created.text
    school = district.school_a.id
    renamed = client.patch(
        f"/api/schools/{school}", json={"code": code}, headers={**h, "If-Match": "1"}
    )
    assert renamed.status_code == 422, renamed.text


def test_district_and_national_codes_are_accepted(client, district):
    h = district.headers["hr"]
    codes = ["YC-P-101", "2144012345", "S_01.b"]
    answers = [client.post("/api/schools", json={"code": c, **NEW}, headers=h) for c in codes]
    assert [a.status_code for a in answers] == [201, 201, 201], [a.text for a in answers]
