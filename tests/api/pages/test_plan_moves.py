"""The plan page's paging and page-number parsing (:mod:`api.pages.plan_moves`), for any list
and any text: pages cover the list once, in order, none over the page size; a page past the
end is the last; a page number is a whole number from 1 or refused."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from api.pages.plan_moves import PAGE_SIZE, page_of, parse_page


@given(size=st.integers(0, 5 * PAGE_SIZE + 3), asked=st.integers(1, 10**6))
def test_pages_cover_the_list_once_and_clamp(size: int, asked: int) -> None:
    items = list(range(size))
    first = page_of(items, 1)  # type: ignore[arg-type]
    pages = first.pages
    assert pages == max(1, -(-size // PAGE_SIZE))
    seen = []
    for number in range(1, pages + 1):
        shown = page_of(items, number)  # type: ignore[arg-type]
        assert shown.page == number and shown.matching == size
        assert len(shown.moves) <= PAGE_SIZE
        seen += shown.moves
    assert seen == items
    clamped = page_of(items, asked)  # type: ignore[arg-type]
    assert clamped.page == min(asked, pages)


@given(text=st.text(max_size=12))
def test_a_page_number_is_a_whole_number_from_one(text: str) -> None:
    number = parse_page(text)
    if number is None:
        stripped = text.strip()
        assert not (stripped.isascii() and stripped.isdigit() and 0 < int(stripped) < 10**9)
    else:
        assert number >= 1 and int(text.strip()) == number


def test_page_numbers_by_example() -> None:
    cases = {"1": 1, " 7 ": 7, "0": None, "-1": None, "abc": None, "1.5": None, "２": None,
             "": None, "999999999": 999999999, "1000000000": None}
    for text, expected in cases.items():
        assert parse_page(text) == expected, text
    assert len(cases) == 10
