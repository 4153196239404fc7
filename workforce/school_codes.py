"""The form of a school code (学校代码), shared by the import and the API (issue #9.9).

A school code names files (``{code}-教师.xlsx``), URLs (``/api/schools/{code}``) and sheet
cells, so it is kept to characters that are safe in all three: ASCII letters and digits,
then also ``-``, ``_`` and ``.``, at most 32 characters (the column's length). A ``/`` in a
code made exports fail; spaces, Chinese and other punctuation are refused the same way.
The national school identification code (学校标识码, 10 digits) and the district's own codes
(``YC-P-001``) both fit.
"""

from __future__ import annotations

import re

SCHOOL_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
SCHOOL_CODE = re.compile(SCHOOL_CODE_PATTERN)


def is_school_code(text: str) -> bool:
    return SCHOOL_CODE.fullmatch(text) is not None
