"""Showing ID numbers in full: only to roles with the right, and always written to the
audit log (action ``unmask``), for views and exports alike (PIPL: log who saw what) — and
for a search by a full ID number that finds a teacher, which tells the same."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from workforce import audit
from workforce.accounts.messages import ACCOUNT_MESSAGES
from workforce.accounts.roles import Permission, allows, role_names
from workforce.idnumber import IdNumberError, decrypt, parse_id_number
from workforce.models import Teacher
from workforce.services.errors import Forbidden


def disclose_id_numbers(
    session: Session, *, actor: str, role: str, teachers: Iterable[Teacher], purpose: str
) -> dict[int, str]:
    """The clear ID numbers of ``teachers`` (by teacher id), one audit entry per teacher
    whose number is shown; ``purpose`` (``view``, ``export`` …) goes into the entry's note.
    Raises :class:`Forbidden` for roles that may not see them."""
    if not allows(role, Permission.unmask_id_numbers):
        raise Forbidden(ACCOUNT_MESSAGES.text("unmask_forbidden", each=role_names(role)))
    teachers = list(teachers)
    shown = {
        t.id: decrypt(t.id_number_encrypted)
        for t in teachers
        if t.id is not None and t.id_number_encrypted is not None
    }
    staff_no = {t.id: t.staff_no for t in teachers}
    audit.record_many(
        session,
        [
            {
                "actor": actor,
                "action": "unmask",
                "entity": "teacher",
                "entity_key": staff_no[teacher_id],
                "note": purpose,
            }
            for teacher_id in shown
        ],
    )
    return shown


def record_id_number_search(
    session: Session, *, actor: str, query: str | None, found: Iterable[Any]
) -> bool:
    """Write an ``unmask`` entry (note ``search``) for each teacher ``found`` by a search
    whose ``query`` is a full ID number. The answer "this number is this teacher's" discloses
    the number as an unmasking does: unlogged, an editor could try every number that fits
    the masked one, the birth month and the gender shown (some 14,000) until one answered.
    Only roles that may unmask search by number (:mod:`workforce.services.queries`). The
    caller commits when this says it wrote; a query that is not an ID number, or finds nobody,
    writes nothing."""
    found = list(found)
    if query is None or not found:
        return False
    try:
        parse_id_number(query.strip())
    except IdNumberError:
        return False
    return (
        audit.record_many(
            session,
            [
                {
                    "actor": actor,
                    "action": "unmask",
                    "entity": "teacher",
                    "entity_key": teacher.staff_no,
                    "note": "search",
                }
                for teacher in found
            ],
        )
        > 0
    )


NUMBER_REFUSED = "edit: the ID number sent is this teacher's (refused)"
"""Note of the ``unmask`` entry of :func:`record_number_refused`."""


def record_number_refused(session: Session, *, actor: str, holder: str) -> None:
    """Write an ``unmask`` entry for ``holder`` (a staff number) after an edit or a new
    teacher was refused because the ID number sent is theirs: the refusal tells the sender
    that the number is a registered teacher's, as a search by number does — unlogged, an
    editor could try the ~14,000 numbers that fit what they see until one was refused. The
    caller has rolled the refused change back, and commits this."""
    audit.record(session, actor=actor, action="unmask", entity="teacher", entity_key=holder,
                 note=NUMBER_REFUSED)  # fmt: skip
