"""Who is a key teacher on a day (区级及以上在任骨干教师), as SQL for the teacher list.

A key teacher holds, on the day, a designation of a key kind at the minimum tier or above whose
term covers the day: the rotation rules' one definition (``quotas.key_kinds`` and
``quotas.key_min_tier`` of ``data/rules/rotation.yaml``, read through
:mod:`workforce.reports.keyteachers`), the same the reports and the optimizer use. The index ``ix_designation_teacher_terms`` (teacher_id, kind,
tier, term_end, term_start) answers both forms below without reading designation rows:

* :func:`key_teacher_condition` asks per teacher (a correlated EXISTS): cheap when other
  filters or a clerk's school have already narrowed the teachers down;
* :func:`key_teacher_ids` reads the holders themselves in teacher order: the district's key
  teachers page by page, without collecting all of them before the first page. Every
  designation's teacher exists (a foreign key), so no teacher row is needed for it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, distinct, func, select

from workforce.models import Designation, Teacher
from workforce.reports.keyteachers import key_kinds, key_tiers


def key_designation(as_of: dt.date) -> list[Any]:
    """Conditions on Designation: a key-teacher designation whose term covers ``as_of``."""
    return [
        Designation.kind.in_(key_kinds()),
        Designation.tier.in_(key_tiers()),
        Designation.term_start <= as_of,
        Designation.term_end >= as_of,
    ]


def key_teacher_condition(as_of: dt.date) -> Any:
    """Condition on Teacher: they are a key teacher on ``as_of``."""
    return (
        select(Designation.id)
        .where(Designation.teacher_id == Teacher.id, *key_designation(as_of))
        .exists()
    )


def key_teacher_ids(as_of: dt.date) -> Select[tuple[int]]:
    """The ids of every key teacher on ``as_of``, in id order, each once."""
    return (
        select(Designation.teacher_id)
        .where(*key_designation(as_of))
        .group_by(Designation.teacher_id)
        .order_by(Designation.teacher_id)
    )


def key_teacher_count(as_of: dt.date) -> Select[tuple[int]]:
    """How many key teachers there are on ``as_of`` in the district."""
    return select(func.count(distinct(Designation.teacher_id))).where(*key_designation(as_of))
