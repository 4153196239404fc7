"""The notice letters' embedded font: cuts of the CJK font are reused for the same characters,
and no more than ``KEPT`` stay registered with reportlab, whatever number of
different letters are made; a cut a document is building with is never forgotten."""

from __future__ import annotations

import pytest
from reportlab.lib import fonts
from reportlab.pdfbase import pdfmetrics

from workforce.plans import notice_font
from workforce.plans.notice_font import KEPT, FontMissing, embedded_font

BASE = "源城区教育局交流轮岗通知书"


@pytest.fixture(autouse=True)
def _font() -> None:
    try:
        notice_font.font_face()
    except FontMissing:
        pytest.fail("fonts-noto-cjk is missing: run scripts/system-deps")


def _cuts() -> list[str]:
    return [n for n in pdfmetrics.getRegisteredFontNames() if n.startswith("NoticeCJK-")]


def test_the_same_characters_reuse_their_cut():
    with embedded_font(BASE) as first:
        pass
    with embedded_font(BASE[::-1] + BASE) as again:
        assert again == first
    assert first in _cuts()


def test_at_most_kept_unused_cuts_stay_registered_and_one_in_use_is_kept():
    with embedded_font(BASE + "甲") as held:
        names = []
        for i in range(KEPT + 4):
            with embedded_font(BASE + chr(0x4E00 + i)) as name:
                assert name in _cuts()
                names.append(name)
        assert len(set(names)) == KEPT + 4
        assert held in _cuts()  # in use all along: never forgotten
        assert len(_cuts()) == KEPT
    assert len(_cuts()) == KEPT and held in _cuts()
    assert names[0] not in _cuts() and names[-1] in _cuts()
    forgotten = names[0].lower()
    assert forgotten not in fonts._ps2tt_map  # noqa: SLF001
    assert (forgotten, 0, 0) not in fonts._tt2ps_map  # noqa: SLF001
