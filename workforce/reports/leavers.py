"""How many teachers who left or retired a report cannot place in time, said in its notes.

A teacher out of service is counted on the days before their leaving date (``left_on``,
`workforce.rules.leaving`). One with no leaving date on record — a leaver, or a retiree whose
statutory retirement date is still ahead — is counted on no past date
(:func:`workforce.reports.frames.service_ends`). A report dated before their leaving is short
by them; the note says by how many, of the schools reported on, so that HR can record the days
(the teacher page's 登记离岗, or the import's 离岗日期 column).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import pandas as pd
from sqlmodel import Session

from workforce.reports import frames
from workforce.reports.result import Note


def undated_leavers(
    session: Session,
    school_ids: Collection[int] | None,
    post_types: Collection[str] | None = None,
    former: pd.DataFrame | None = None,
) -> int:
    """Teachers out of service whom no past date counts, of ``school_ids`` (the school they
    left; None: every school) and ``post_types`` (None: every post type); of ``former``
    (:func:`frames.former_teachers`) when the report has read them already."""
    former = frames.former_teachers(session) if former is None else former
    if school_ids is not None:
        former = former[former["school_id"].isin(list(school_ids))]
    if post_types is not None:
        former = former[former["post_type"].isin(list(post_types))]
    if not len(former):
        return 0
    return sum(end == dt.date.min for end in frames.service_ends(former, ()))


def undated_leavers_notes(
    session: Session,
    school_ids: Collection[int] | None,
    post_types: Collection[str] | None = None,
    former: pd.DataFrame | None = None,
) -> list[Note]:
    """The note on :func:`undated_leavers`, when there are any."""
    count = undated_leavers(session, school_ids, post_types, former)
    if not count:
        return []
    return [
        Note(
            zh=f"另有 {count} 名离职、退休教师未登记离岗日期（退休者的法定退休日期也未到），"
            "统计日期在其离岗之前时也未计入；名单见教师列表“需关注”中的“离职、退休但未登记离岗"
            "日期”，请在教师页面“补登离岗日期”或导入的“离岗日期”列补填。",
            en=f"{count} teachers who left or retired have no leaving date on record (for a "
            "retiree, the statutory retirement date is still ahead): they are not counted on "
            "dates before they left either. The teacher list's Needs attention filter \"Left or "
            "retired, no leaving date\" lists them; record the dates on the teacher page "
            "(Record the leaving date) or in the import's Left on column.",
        )
    ]
