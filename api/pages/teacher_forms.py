"""The teacher page's forms: HR edits the teacher, a school clerk proposes a correction.

HR's edit sends only the fields changed from what the form showed (their values when the page
was read travel in the form) with the version read. When someone else saved in between, the
registry refuses the stale version (:func:`~workforce.services.teachers.update_teacher`) and
the page comes back with a side-by-side of the value written and the value now on record for
every field either side changed, the form kept and the version moved on, so saving again
deliberately writes over the other change. An invalid value (either form) brings the page
back with what was typed and, per field, what is wrong in plain words.

The edit keeps to the editor's scope as the API's ``PATCH /api/teachers/{id}`` does: a
county's HR officer edits their county's teachers only (another's is "not found"), moves one
to a school of their county only, and the form's school picker lists those schools.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session, select

from api.deps import Editor, Proposer, SessionDep
from api.i18n import Language, page_language
from api.i18n.catalogue import UI
from api.pages.rendering import flash
from api.pages.routing import page_router
from api.pages.teacher_values import (
    EDITABLE_FIELDS,
    field_label,
    form_number,
    form_problems,
    form_value,
    parsed_form_value,
    plain_text,
    problem_message,
    shown_value,
)
from api.routes.teachers import check_visible_school, visible_teacher
from workforce.accounts.models import Correction, User
from workforce.accounts.roles import Permission, allows, is_school_bound
from workforce.accounts.scope import restrict
from workforce.codes import code_list
from workforce.dates import DateError, parse_date
from workforce.models import School, Teacher
from workforce.rules.leaving import GONE
from workforce.services.corrections import (
    CORRECTABLE_FIELDS,
    CorrectionCreate,
    propose_correction,
)
from workforce.services.errors import DomainError, StaleVersion
from workforce.services.teachers import (
    NULLABLE_FIELDS,
    TeacherUpdate,
    deactivate_teacher,
    update_teacher,
)

router = page_router()

EDIT_CODE_LISTS = {
    "gender": "genders",
    "post_type": "post_types",
    "main_subject": "subjects",
    "education": "education_levels",
    "title": "titles",
}


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form's text fields (a sync handler cannot await the body itself)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


FormFields = Annotated[dict[str, str], Depends(form_fields)]


def editing_context(
    session: Session, user: User, teacher: Teacher, language: Language, forms: Mapping[str, Any]
) -> dict[str, Any]:
    """What the teacher page's forms and correction list need."""
    can_edit = allows(user.role, Permission.write_registry)
    context: dict[str, Any] = {
        "can_edit": can_edit,
        "can_propose": allows(user.role, Permission.propose_correction),
        "field_label": lambda field: field_label(field, language),
        "shown": lambda field, value: shown_value(field, value, language),
        "correctable_fields": CORRECTABLE_FIELDS,
        "corrections": _corrections_of(session, user, teacher.id),  # type: ignore[arg-type]
        "propose_form": forms.get("propose_form", {}),
        "propose_problems": forms.get("propose_problems", []),
        "edit_problems": forms.get("edit_problems", []),
        "conflict": forms.get("conflict"),
        "leave_problems": forms.get("leave_problems", []),
        "leave_on": forms.get("leave_on", ""),
        "today": dt.date.today().isoformat(),
    }
    if can_edit:
        current = {field: form_value(field, getattr(teacher, field)) for field in EDITABLE_FIELDS}
        context |= {
            "edit_fields": EDITABLE_FIELDS,
            "edit_form": forms.get("edit_form", current),
            "edit_original": json.dumps(forms.get("edit_original", current), ensure_ascii=False),
            "edit_version": forms.get("edit_version", teacher.version),
            "edit_codes": {f: code_list(name).codes for f, name in EDIT_CODE_LISTS.items()},
            "edit_schools": session.exec(
                restrict(select(School).where(School.active), user, School).order_by(
                    School.level, School.code
                )
            ).all(),
        }
    return context


def _corrections_of(session: Session, user: User, teacher_id: int) -> list[Correction]:
    """This teacher's correction requests: a clerk's own, or all of them for the district."""
    statement = select(Correction).where(Correction.teacher_id == teacher_id)
    if is_school_bound(user.role):
        statement = statement.where(Correction.proposed_by == user.username)
    return list(session.exec(statement.order_by(Correction.id.desc())).all())  # type: ignore[union-attr]


def _sent_version(form: Mapping[str, str]) -> int | None:
    """The version the form was read at (None: missing or not a number: refused as such)."""
    return form_number(form.get("version", ""))


@router.post("/teachers/{teacher_id}/edit")
def edit_teacher_page(
    request: Request, session: SessionDep, user: Editor, teacher_id: int, form: FormFields
) -> Response:
    """HR saves the edit form (see the module's description for a conflict)."""
    from api.pages.teachers import render_teacher

    visible_teacher(session, user, teacher_id)
    language = page_language(request)
    version = _sent_version(form)
    original = _original(form.get("original", ""))
    written = {field: form.get(field, "").strip() for field in EDITABLE_FIELDS}
    changed = {
        field: parsed_form_value(field, text)
        for field, text in written.items()
        if text != original.get(field, "")
    }
    if not changed:
        flash(request, "info", UI.text("no_changes"))
        return RedirectResponse(f"/teachers/{teacher_id}", status_code=303)
    kept = {"edit_form": written, "edit_original": original, "edit_version": version}
    problems = {
        f: UI.text("problem_blank")
        for f, value in changed.items()
        if value is None and f not in NULLABLE_FIELDS
    }
    try:
        data = TeacherUpdate.model_validate(changed)
    except ValidationError as error:
        problems = form_problems(error) | problems
    if problems:
        return render_teacher(
            request,
            session,
            user,
            teacher_id,
            status_code=422,
            edit_problems=[problem_message(f, p, language) for f, p in problems.items()],
            **kept,
        )
    try:
        if data.school_id is not None:
            check_visible_school(session, user, data.school_id)
        teacher = update_teacher(
            session, actor=user.username, teacher_id=teacher_id, data=data, version=version
        )
    except StaleVersion as error:
        session.rollback()
        current: dict[str, Any] = error.extra["current"]
        conflict = _conflict(session, data, original, current, language)
        conflict["message"] = plain_text(
            UI.text("edit_conflict", sent=version, current=error.extra["current_version"]),
            language,
        )
        kept |= {
            "edit_original": {f: form_value(f, current[f]) for f in EDITABLE_FIELDS},
            "edit_version": error.extra["current_version"],
        }
        return render_teacher(
            request, session, user, teacher_id, status_code=409, conflict=conflict, **kept
        )
    except DomainError as error:
        session.rollback()
        return render_teacher(
            request,
            session,
            user,
            teacher_id,
            status_code=422,
            edit_problems=[plain_text(error.text, language)],
            **kept,
        )
    session.commit()
    flash(request, "success", UI.text("teacher_saved", name=teacher.name))
    return RedirectResponse(f"/teachers/{teacher_id}", status_code=303)


def _original(text: str) -> dict[str, str]:
    """The form's values when the page was read (a JSON object of strings; else empty)."""
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items()}


def _conflict(
    session: Session,
    data: TeacherUpdate,
    original: Mapping[str, str],
    current: Mapping[str, Any],
    language: Language,
) -> dict[str, Any]:
    """Rows (field, value written, value on record) for each field changed on either side."""
    mine = data.model_dump(exclude_unset=True)
    fields = [
        f
        for f in EDITABLE_FIELDS
        if f in mine or form_value(f, current.get(f)) != original.get(f, "")
    ]
    school_ids = {v for v in (mine.get("school_id"), current.get("school_id")) if v}
    names = {
        s.id: s.name
        for s in session.exec(select(School).where(School.id.in_(school_ids)))  # type: ignore[union-attr]
    }
    rows = []
    for field in fields:
        yours = mine[field] if field in mine else parsed_form_value(field, original.get(field, ""))
        rows.append(
            {
                "field": field_label(field, language),
                "yours": shown_value(field, yours, language, names),
                "theirs": shown_value(field, current.get(field), language, names),
            }
        )
    return {"rows": rows}


@router.post("/teachers/{teacher_id}/corrections")
def propose_correction_page(
    request: Request, session: SessionDep, user: Proposer, teacher_id: int, form: FormFields
) -> Response:
    """A clerk proposes a correction of one field; district HR reviews it. An invalid value
    brings the page back with the form as written and what is wrong."""
    from api.pages.teachers import render_teacher

    language = page_language(request)
    written = {key: form.get(key, "").strip() for key in ("field", "proposed_value", "reason")}
    field = written["field"]
    problems: list[str] = []
    if field not in CORRECTABLE_FIELDS:
        problems.append(plain_text(UI.text("problem_invalid"), language))
    else:
        try:
            TeacherUpdate.model_validate(
                {field: parsed_form_value(field, written["proposed_value"])}
            )
        except ValidationError as error:
            problems += [problem_message(field, p, language) for p in form_problems(error).values()]
    if not written["reason"]:
        problems.append(problem_message("reason", UI.text("problem_blank"), language))
    for key, limit in (("proposed_value", 200), ("reason", 500)):
        if len(written[key]) > limit:
            problems.append(
                problem_message(key, UI.text("problem_too_long", limit=limit), language)
            )
    if problems:
        return render_teacher(
            request,
            session,
            user,
            teacher_id,
            status_code=422,
            propose_form=written,
            propose_problems=problems,
        )
    data = CorrectionCreate(
        teacher_id=teacher_id,
        field=field,
        proposed_value=parsed_form_value(field, written["proposed_value"]),
        reason=written["reason"],
    )
    propose_correction(session, actor=user.username, viewer=user, data=data)
    session.commit()
    flash(request, "success", UI.text("correction_sent"))
    return RedirectResponse(f"/teachers/{teacher_id}", status_code=303)


@router.post("/teachers/{teacher_id}/leave")
def leave_teacher_page(
    request: Request, session: SessionDep, user: Editor, teacher_id: int, form: FormFields
) -> Response:
    """HR records that a teacher left (离职/调出) or retired, from the day given: the first day
    out of service (`workforce.rules.leaving`; reports dated before it still count them). For
    a teacher already out of service with no date on record (the list's 需关注 worklist), the
    same form records the day alone, which must then be given: today would be wrong for a
    leaving long past. A stale version, a day that is not a date or one before the teacher
    joined the school comes back on the page, in words."""
    from api.pages.teachers import render_teacher

    current = visible_teacher(session, user, teacher_id)
    language = page_language(request)
    version = _sent_version(form)
    status = form.get("status", "")
    typed = form.get("left_on", "").strip()
    problems = []
    backfill = current.status in GONE and current.left_on is None
    if status not in GONE or (backfill and status != current.status):
        problems.append(plain_text(UI.text("leave_status_invalid"), language))
    if backfill and not typed:
        problems.append(plain_text(UI.text("leave_date_needed"), language))
    try:
        left_on = parse_date(typed) if typed else None
    except DateError as error:
        left_on = None
        problems.append(error.zh if language == "zh" else error.en)
    if not problems:
        try:
            if backfill:
                teacher = update_teacher(session, actor=user.username, teacher_id=teacher_id,
                                         data=TeacherUpdate(left_on=left_on), version=version)  # fmt: skip
            else:
                teacher = deactivate_teacher(session, actor=user.username, teacher_id=teacher_id,
                                             version=version, status=status, left_on=left_on)  # type: ignore[arg-type]  # fmt: skip
        except DomainError as error:
            session.rollback()
            problems.append(plain_text(error.text, language))
    if problems:
        return render_teacher(request, session, user, teacher_id, status_code=422,
                              leave_problems=problems, leave_on=typed)  # fmt: skip
    session.commit()
    flash(request, "success", UI.text("teacher_left", name=teacher.name,
                                      left_on=teacher.left_on))  # fmt: skip
    return RedirectResponse(f"/teachers/{teacher_id}", status_code=303)
