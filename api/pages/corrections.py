"""Correction requests as pages: district HR's inbox (accept or reject each with a note) and a
school clerk's list of their own requests with the decision on each.

Every row shows the teacher (name, staff number, the ID number masked), the field by its
Chinese name, the value when the request was made, the value on record now (marked when it
changed since) and the value proposed — code labels, never codes; a birth date as its month
only, as everywhere beside a masked ID number. Decisions go through the registry's services
(:mod:`workforce.services.corrections`), which audit them and refuse an outdated request.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func
from sqlmodel import Session, select

from api.deps import Reader, Reviewer, SessionDep
from api.i18n import Language, page_language
from api.i18n.catalogue import UI
from api.pages.rendering import flash, render
from api.pages.routing import page_router
from api.pages.teacher_values import field_label, plain_text, shown_value
from workforce.accounts.models import Correction, User
from workforce.accounts.roles import Permission, allows, is_school_bound
from workforce.accounts.scope import restrict
from workforce.models import Teacher
from workforce.services.corrections import CorrectionReview, accept_correction, reject_correction
from workforce.services.errors import DomainError
from workforce.services.messages import Text
from workforce.services.teachers import masked_id_number

router = page_router()

PAGE_SIZE = 50
Status = Literal["proposed", "accepted", "rejected", "all"]


@router.get("/corrections")
def corrections_page(
    request: Request,
    session: SessionDep,
    user: Reader,
    status: Annotated[Status | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """HR's inbox (the requests awaiting review first) or a clerk's own requests (all)."""
    reviewer = allows(user.role, Permission.review_correction)
    chosen = status or ("proposed" if reviewer else "all")
    statement = restrict(select(Correction), user, Correction)
    if is_school_bound(user.role):
        statement = statement.where(Correction.proposed_by == user.username)
    if chosen != "all":
        statement = statement.where(Correction.status == chosen)
    count = session.exec(select(func.count()).select_from(statement.subquery())).one()
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(page, pages)
    corrections = session.exec(
        statement.order_by(Correction.id.desc())  # type: ignore[union-attr]
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    rows = correction_rows(session, list(corrections), page_language(request))
    return render(
        request,
        "corrections.html",
        user=user,
        rows=rows,
        count=count,
        status=chosen,
        statuses=("proposed", "accepted", "rejected", "all"),
        can_review=reviewer,
        page=page,
        pages=pages,
        page_url=lambda number: f"/corrections?status={chosen}&page={number}",
    )


def correction_rows(
    session: Session, corrections: list[Correction], language: Language
) -> list[dict[str, object]]:
    """Each correction with its teacher, its values as the page shows them and the people
    by their names (a login name is an identifier, not how colleagues know each other)."""
    ids = {c.teacher_id for c in corrections}
    teachers = {
        t.id: t
        for t in session.exec(select(Teacher).where(Teacher.id.in_(ids)))  # type: ignore[union-attr]
    }
    usernames = {c.proposed_by for c in corrections} | {c.reviewed_by for c in corrections}
    people = {
        u.username: u.display_name
        for u in session.exec(select(User).where(User.username.in_(usernames)))  # type: ignore[attr-defined]
    }
    rows = []
    for correction in corrections:
        teacher = teachers[correction.teacher_id]
        now = teacher.model_dump(mode="json").get(correction.field)
        rows.append(
            {
                "correction": correction,
                "teacher": teacher,
                "id_number": masked_id_number(teacher) or "—",
                "field": field_label(correction.field, language),
                "at_proposal": shown_value(correction.field, correction.current_value, language),
                "now": shown_value(correction.field, now, language),
                "changed": now != correction.current_value,
                "proposed": shown_value(correction.field, correction.proposed_value, language),
                "proposed_by": people.get(correction.proposed_by, correction.proposed_by),
                "reviewed_by": people.get(correction.reviewed_by or "", correction.reviewed_by),
            }
        )
    return rows


@router.post("/corrections/{correction_id}/{decision}")
def decide_correction(
    request: Request,
    session: SessionDep,
    user: Reviewer,
    correction_id: int,
    decision: Literal["accept", "reject"],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Accept (the teacher is changed, audited) or reject a request; a refusal (already
    decided, or the field changed since the request) is shown on the inbox."""
    language = page_language(request)
    review = CorrectionReview(note=note.strip() or None)
    decide = accept_correction if decision == "accept" else reject_correction
    try:
        correction = decide(
            session, actor=user.username, viewer=user, correction_id=correction_id, data=review
        )
    except DomainError as error:
        session.rollback()
        flash(request, "error", _refusal(error, language))
        return RedirectResponse("/corrections", status_code=303)
    teacher = session.get(Teacher, correction.teacher_id)
    session.commit()
    name = teacher.name if teacher else ""
    field = field_label(correction.field, language)
    if decision == "accept":
        value = shown_value(correction.field, correction.proposed_value, language)
        flash(
            request, "success", UI.text("correction_accepted", name=name, field=field, value=value)
        )
    else:
        flash(request, "success", UI.text("correction_rejected", name=name, field=field))
    return RedirectResponse("/corrections", status_code=303)


def _refusal(error: DomainError, language: Language) -> Text:
    """A refused decision in plain words: an outdated request names the field by its name
    and both values as labels (the service's message has the stored codes)."""
    field = error.extra.get("field")
    if not isinstance(field, str):
        plain = plain_text(error.text, language)
        return Text(error.text.id, plain, plain) if language == "zh" else error.text
    return UI.text(
        "correction_outdated",
        field=field_label(field, language),
        current=shown_value(field, error.extra.get("current_value"), language),
        proposed=shown_value(field, error.extra.get("proposed_value"), language),
    )
