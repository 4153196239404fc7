"""A problem found in an imported file, located the way the clerk sees it:
file, sheet, Excel row number, column letter and header, the value, and what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from workforce.io.messages import Language, Text, message


def column_letter(index: int) -> str:
    """Excel's letter for a 0-based column index: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    file: str
    sheet: str
    text: Text
    row: int | None = None
    """Excel row number (1 = the sheet's first row)."""
    column: int | None = None
    """0-based column index in the sheet as read."""
    header: str | None = None
    """The header as written in the file."""
    value: object = None

    @property
    def column_letter(self) -> str | None:
        return None if self.column is None else column_letter(self.column)

    def render(self, language: Language = "zh") -> str:
        if self.row is None and not self.sheet:  # about the file (one that cannot be read)
            return message("problem_of_file", file=self.file,
                           message=self.text.render(language)).render(language)  # fmt: skip
        if self.row is None:
            return message(
                "problem_no_cell",
                file=self.file,
                sheet=self.sheet,
                message=self.text.render(language),
            ).render(language)
        return message(
            "problem",
            file=self.file,
            sheet=self.sheet,
            row=self.row,
            column=self.column_letter or "-",
            header=self.header or "-",
            value="" if self.value is None else str(self.value),
            message=self.text.render(language),
        ).render(language)
