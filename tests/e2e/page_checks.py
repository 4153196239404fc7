"""Checks every browser test can run on a page it shows: screenshots at a desktop and a phone
width, and failures for a page wider than the screen (the reader would scroll sideways) or
an internal code in the Chinese text (``snake_case`` identifiers, ``None``)."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page

WIDTHS = (1280, 390)
"""A desktop browser and a phone (the width of a common handset in CSS pixels)."""
INTERNAL_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\bNone\b")


def internal_codes(text: str) -> list[str]:
    """ASCII identifiers like ``principal_senior`` (and ``None``) in a page's text."""
    return INTERNAL_CODE.findall(text)


def check_page(page: Page, folder: Path, name: str) -> list[Path]:
    """Screenshot the page at each of :data:`WIDTHS` into ``folder`` (``name-1280.png`` …);
    fail when it overflows horizontally or shows an internal code. Returns the shots."""
    shots = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        shot = folder / f"{name}-{width}.png"
        page.screenshot(path=shot, full_page=True)
        shots.append(shot)
        assert overflow <= 0, f"{name} is {overflow} px wider than a {width} px screen: {shot}"
    codes = internal_codes(page.locator("body").inner_text())
    assert codes == [], f"{name} shows internal codes {codes}"
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    return shots
