"""The column reference in docs/import-formats.md is the one the specs generate."""

from workforce.io.docs import BEGIN, DOC, END, columns_reference, render


def test_import_formats_page_matches_the_specs():
    page = DOC.read_text(encoding="utf-8")
    assert BEGIN in page and END in page
    assert render(page) == page, "regenerate with: .venv/bin/python -m workforce.io.docs"
    assert "| `staff_no` | 工号 | Staff number |" in columns_reference()
