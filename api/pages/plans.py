"""The plan pages: start a solve (year, time limit) → its progress (polled; a stop button) →
the plan: moves with their reasons (filtered and paged on the server, see
:mod:`api.pages.plan_moves`), quotas with margins, unfilled shortages with reasons, conflicts
and the smallest relaxation when infeasible; pin any teacher of the district (a search box fed
by a small lookup) and unpin, re-solve with the pins, approve, apply (confirmed), download the
plan workbook (the notice letters are :mod:`api.pages.letters`); and two plans compared (moves
added, removed, changed; every quota and shortage of both, with the change).

Solves run in their own process (:mod:`workforce.plans.jobs`), so the server never waits for
one. Viewing is for the district roles; changing (solve, pin, approve, apply) needs the
``manage_plans`` right (admin, hr).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Form, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlmodel import Session, select

from api.deps import DistrictReader, SessionDep, Unmasker
from api.downloads import download, download_pieces, written_file
from api.i18n import page_language
from api.i18n.catalogue import UI
from api.pages.access import PlanManager
from api.pages.job_progress import job_state
from api.pages.pins import add_pending, clear_pending, pending_pins, remove_pending
from api.pages.plan_moves import (
    DIRECTIONS,
    MoveFilters,
    direction_of,
    page_of,
    parse_page,
    resolve_school,
    resolve_teacher,
    teacher_matches,
)
from api.pages.rendering import flash, render
from api.pages.routing import page_router
from api.pins import PIN_KINDS, make_pin
from api.schemas.plans import DEFAULT_TIME_LIMIT_S, MAX_TIME_LIMIT_S
from api.school_filter import solve_county
from api.security import refuse_cross_site_disclosure
from optimizer import SolveSettings
from optimizer.plan import Plan, Reason
from workforce.accounts.models import User
from workforce.accounts.roles import Permission, allows
from workforce.accounts.scope import county_of, sees_county
from workforce.models import RotationPlan, SolveJob
from workforce.plans import PlanError, apply_plan, approve_plan, load_plan
from workforce.plans.compare import compare_plans
from workforce.plans.jobs import TooManyJobs, get_job, start_solve_job, stop_job
from workforce.plans.lifecycle import (
    applied_plan_over,
    disclose_plan_file,
    plans_of_year,
    require_supplementary_choice,
)
from workforce.plans.workbook import plan_file_name, write_plan_workbook
from workforce.services.errors import InvalidInput, NotFound
from workforce.services.messages import Text
from workforce.snapshot import counties, year_being_planned

router = page_router()

Year = Annotated[int, Form(ge=2000, le=2100)]
TimeLimit = Annotated[float, Form(ge=1, le=MAX_TIME_LIMIT_S)]


def may_manage(user: User) -> bool:
    """Whether the page offers the solve, pin, approve and apply controls."""
    return allows(user.role, Permission.manage_plans)


def _plan_record(session: Session, plan_id: int, user: User) -> RotationPlan:
    record = session.get(RotationPlan, plan_id)
    if record is None or not sees_county(user, record.county):
        raise NotFound(UI.text("plan_not_found", plan_id=plan_id))
    return record


def _job(request: Request, job_id: int, user: User) -> SolveJob:
    job = get_job(request.app.state.engine, job_id)
    if job is None or not sees_county(user, job.county):
        raise NotFound(UI.text("job_not_found", job_id=job_id))
    return job


def _plan_error_text(error: PlanError) -> Text:
    return Text(error.key, error.zh, error.en)


def _to_plan(plan_id: int) -> RedirectResponse:
    return RedirectResponse(f"/plans/{plan_id}", status_code=303)



def proven_for_all(plan: Plan) -> Reason | None:
    """The proof that no plan fills more (``unfilled.bound``: level 1 at its proven bound), if
    the plan has it. It is the whole plan's, not a row's: said once above the table, not on
    each row that cites it, where it buried the reasons that differ (the school's ceiling, the
    teachers used elsewhere)."""
    return next((r for s in plan.shortages if s.unfilled > 0 for r in s.reasons
                 if r.code == BOUND_REASON), None)  # fmt: skip


BOUND_REASON = "unfilled.bound"

@router.get("/plans")
def plans_page(
    request: Request,
    session: SessionDep,
    user: DistrictReader,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Response:
    year = year or year_being_planned(dt.date.today())
    jobs = session.exec(
        select(SolveJob).where(SolveJob.year == year).order_by(SolveJob.id.desc()).limit(10)  # type: ignore[union-attr]
    ).all()
    # A city-level user of a registry of several counties solves one county at a time (a plan
    # spanning counties is refused: workforce.plans.lifecycle.require_one_county) and sees
    # every county's plans: the form asks for the county, the tables show it.
    groups = counties(session) if county_of(user) is None else []
    several = len(groups) > 1
    scopes = [c or None for c in groups] if several else [county_of(user)]
    found = (applied_plan_over(session, year, c) for c in scopes)
    applied = list({a.id: a for a in found if a is not None}.values())
    return render(
        request,
        "plans.html",
        user=user,
        year=year,
        plans=[p for p in reversed(plans_of_year(session, year)) if sees_county(user, p.county)],
        applied=applied,
        solve_counties=[c for c in groups if c] if several else [],
        show_county=several,
        jobs=[job for job in jobs if sees_county(user, job.county)],
        default_time_limit=DEFAULT_TIME_LIMIT_S,
        max_time_limit=MAX_TIME_LIMIT_S,
        can_manage=may_manage(user),
    )


@router.post("/plans/solve")
def start_solve(
    request: Request,
    session: SessionDep,
    user: PlanManager,
    year: Year,
    time_limit: TimeLimit,
    supplementary: Annotated[str, Form(max_length=8)] = "",
    county: Annotated[str, Form(max_length=50)] = "",
) -> Response:
    """Start a solve of the user's county, or of the county the form names (a city-level user
    of several counties); once that county's plan of the year is applied, only with the
    supplementary choice."""
    try:
        county_named = solve_county(session, user, county.strip() or None)
        require_supplementary_choice(
            session, year, supplementary=supplementary == "yes", county=county_named
        )
    except InvalidInput as error:  # no county named where a plan would span several
        flash(request, "error", error.text)
        return RedirectResponse(f"/plans?year={year}", status_code=303)
    except PlanError as error:
        flash(request, "error", _plan_error_text(error))
        return RedirectResponse(f"/plans?year={year}", status_code=303)
    try:
        job = start_solve_job(
            request.app.state.engine,
            year=year,
            county=county_named,
            actor=user.username,
            settings=SolveSettings(time_limit_s=time_limit),
        )
    except TooManyJobs as error:
        flash(request, "error", error.text)
        return RedirectResponse(f"/plans?year={year}", status_code=303)
    return RedirectResponse(f"/plans/jobs/{job.id}", status_code=303)


@router.get("/plans/jobs/{job_id}")
def job_page(request: Request, user: DistrictReader, job_id: int) -> Response:
    job = _job(request, job_id, user)
    return render(
        request, "job.html", user=user, job=job, state=job_state(job, page_language(request)),
        can_manage=may_manage(user),
    )


@router.get("/plans/jobs/{job_id}/status")
def job_status(request: Request, user: DistrictReader, job_id: int) -> Response:
    return JSONResponse(job_state(_job(request, job_id, user), page_language(request)))


@router.post("/plans/jobs/{job_id}/stop")
def stop_solve(request: Request, user: PlanManager, job_id: int) -> Response:
    _job(request, job_id, user)
    stop_job(request.app.state.engine, job_id)
    flash(request, "info", UI.text("job_stopped", job_id=job_id))
    return RedirectResponse(f"/plans/jobs/{job_id}", status_code=303)


Filter = Annotated[str, Query(max_length=50)]


@router.get("/plans/compare")
def compare_page(
    request: Request,
    session: SessionDep,
    user: DistrictReader,
    a: Annotated[int, Query(ge=1)],
    b: Annotated[int, Query(ge=1)],
) -> Response:
    """Two plans side by side: the moves plan ``b`` adds to, removes from and changes in plan
    ``a``, and each quota and rural shortage of both with the change (b − a)."""
    if a == b:
        raise InvalidInput(UI.text("compare_same_plan"))
    record_a, record_b = _plan_record(session, a, user), _plan_record(session, b, user)
    instance_a, plan_a = load_plan(record_a)
    instance_b, plan_b = load_plan(record_b)
    schools = {s.code: s.name for s in instance_a.schools}
    schools.update({s.code: s.name for s in instance_b.schools})
    return render(
        request,
        "plan_compare.html",
        user=user,
        record_a=record_a,
        record_b=record_b,
        comparison=compare_plans(plan_a, plan_b),
        schools=schools,
    )


@router.get("/plans/{plan_id}/teachers")
def teacher_lookup(
    session: SessionDep,
    user: DistrictReader,
    plan_id: int,
    q: Annotated[str, Query(max_length=50)] = "",
) -> Response:
    """The pin form's teacher picker: a few teachers of the plan's instance (the whole
    district) matching what was typed, as JSON — never the whole list."""
    instance, plan = load_plan(_plan_record(session, plan_id, user))
    moving = {m.staff_no for m in plan.moves}
    return JSONResponse(teacher_matches(instance, q, moving))


@router.get("/plans/{plan_id}")
def plan_page(
    request: Request,
    session: SessionDep,
    user: DistrictReader,
    plan_id: int,
    school: Filter = "",
    subject: Filter = "",
    direction: Filter = "",
    key: Annotated[str, Query(pattern="^(|yes|no)$")] = "",
    q: Filter = "",
    page: Annotated[str, Query(max_length=20)] = "1",
) -> Response:
    """The plan; its moves filtered by the address's school, subject, direction, key teacher
    and search, a page at a time. A page that is not a whole number from 1 is answered on the
    page's own filter form (422, page 1 shown); a page past the end shows the last page."""
    record = _plan_record(session, plan_id, user)
    instance, plan = load_plan(record)
    schools = {s.code: s.name for s in instance.schools}
    zones = {s.code: s.zone for s in instance.schools}
    filters = MoveFilters(school=school, subject=subject, direction=direction, key=key, q=q)
    filters.check()
    number = parse_page(page)
    shown = page_of(filters.apply(plan.moves, zones), number or 1)
    names = {t.staff_no: t.name for t in instance.teachers}
    pinned = {p.staff_no: p for p in instance.pins}
    return render(
        request,
        "plan.html",
        status_code=200 if number else 422,
        user=user,
        may_take_plan_file=allows(user.role, Permission.unmask_id_numbers),
        record=record,
        plan=plan,
        schools=schools,
        school_codes=sorted(schools, key=lambda c: (schools[c], c)),
        subjects=sorted({m.subject for m in plan.moves if m.subject}),
        directions=DIRECTIONS,
        direction_of=lambda m: direction_of(m, zones),
        filters=filters,
        shown=shown,
        page_error=None if number else UI.text("page_invalid", value=page),
        page_url=lambda n: f"/plans/{plan_id}?{filters.query(n)}",
        back=filters.query(shown.page),
        teacher_names=names,
        district_quotas=[q for q in plan.quotas if q.scope == "district"],
        school_quotas=sorted(
            (q for q in plan.quotas if q.scope != "district"), key=lambda q: (q.margin, q.scope)
        ),
        unfilled=[s for s in plan.shortages if s.unfilled > 0],
        proof=proven_for_all(plan),
        filled_total=sum(s.filled for s in plan.shortages),
        slots_total=sum(s.slots for s in plan.shortages),
        pinned=pinned,
        pending=pending_pins(session, user, plan_id),
        applied=applied_plan_over(session, record.year, record.county),
        pin_kinds=PIN_KINDS,
        default_time_limit=record_time_limit(plan.provenance.settings),
        can_manage=may_manage(user),
    )


def record_time_limit(settings: SolveSettings) -> float:
    return min(settings.time_limit_s, MAX_TIME_LIMIT_S)


def _back_to_plan(plan_id: int, back: str, anchor: str) -> RedirectResponse:
    """Back to the plan page the form was sent from: its filters and page (rebuilt from the
    known fields only, so the redirect cannot be steered elsewhere) and the row or section
    the user was at, so the browser keeps its place on the page."""
    values = dict(parse_qsl(back))
    filters = MoveFilters(
        **{k: values.get(k, "")[:50] for k in ("school", "subject", "direction", "key", "q")}
    )
    number = parse_page(values.get("page", "1")) or 1
    query = filters.query(number)
    target = f"/plans/{plan_id}" + (f"?{query}" if query else "")
    if re.fullmatch(r"[A-Za-z0-9_.-]{1,80}", anchor):
        target += f"#{anchor}"
    return RedirectResponse(target, status_code=303)


@router.post("/plans/{plan_id}/pins")
def pin_move(
    request: Request,
    session: SessionDep,
    user: PlanManager,
    plan_id: int,
    staff_no: Annotated[str, Form(max_length=80)],
    kind: Annotated[str, Form(max_length=16)] = "",
    school: Annotated[str, Form(max_length=80)] = "",
    back: Annotated[str, Form(max_length=400)] = "",
    anchor: Annotated[str, Form(max_length=80)] = "",
) -> Response:
    """Add a pending pin on any teacher of the plan's instance (a staff number, or a name only
    one teacher has); a refused pin (no kind chosen, the teacher's own school …) is named in
    a message at the top of the same place of the page."""
    instance, _ = load_plan(_plan_record(session, plan_id, user))
    try:
        chosen = resolve_teacher(instance, staff_no)
        pin = make_pin(
            instance, kind=kind, staff_no=chosen, school=resolve_school(instance, school) or None
        )
        add_pending(session, user, plan_id, pin)
    except InvalidInput as error:
        session.rollback()
        flash(request, "error", error.text)
        return _back_to_plan(plan_id, back, anchor)
    session.commit()
    name = next(t.name for t in instance.teachers if t.staff_no == chosen)
    kind_text = UI.text(f"pin_{pin.kind}")
    flash(
        request,
        "success",
        Text(
            "pin_added",
            UI.text("pin_added", name=name, staff_no=chosen, kind=kind_text.zh).zh,
            UI.text("pin_added", name=name, staff_no=chosen, kind=kind_text.en).en,
        ),
    )
    return _back_to_plan(plan_id, back, anchor)


@router.post("/plans/{plan_id}/pins/remove")
def unpin_move(
    request: Request,
    session: SessionDep,
    user: PlanManager,
    plan_id: int,
    staff_no: Annotated[str, Form(max_length=32)],
    back: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    _plan_record(session, plan_id, user)
    remove_pending(session, user, plan_id, staff_no)
    session.commit()
    flash(request, "info", UI.text("pin_removed", staff_no=staff_no))
    return _back_to_plan(plan_id, back, "pins")


@router.post("/plans/{plan_id}/resolve")
def resolve(
    request: Request,
    session: SessionDep,
    user: PlanManager,
    plan_id: int,
    time_limit: TimeLimit,
    supplementary: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Re-solve the plan's instance with the pending pins added (a new draft, a new job);
    once the year's plan is applied, only with the supplementary choice."""
    record = _plan_record(session, plan_id, user)
    try:
        require_supplementary_choice(
            session, record.year, supplementary=supplementary == "yes", county=record.county
        )
    except PlanError as error:
        flash(request, "error", _plan_error_text(error))
        return _to_plan(plan_id)
    taken = pending_pins(session, user, plan_id)
    try:
        job = start_solve_job(
            request.app.state.engine,
            year=record.year,
            county=record.county,
            actor=user.username,
            settings=SolveSettings(time_limit_s=time_limit),
            parent_plan_id=plan_id,
            pins=taken,
        )
    except TooManyJobs as error:
        flash(request, "error", error.text)
        return _to_plan(plan_id)
    clear_pending(session, user, plan_id, taken)
    session.commit()
    return RedirectResponse(f"/plans/jobs/{job.id}", status_code=303)


@router.post("/plans/{plan_id}/approve")
def approve(
    request: Request,
    session: SessionDep,
    user: PlanManager,
    plan_id: int,
    version: Annotated[int, Form(ge=1)],
    comment: Annotated[str, Form(max_length=500)] = "",
    confirm: Annotated[str, Form(max_length=8)] = "",
    supplementary: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Approve a draft: the form must carry the ticked confirmation and a comment."""
    if confirm != "yes" or not comment.strip():
        flash(request, "error", UI.text("approve_confirm_missing"))
        return _to_plan(plan_id)
    _plan_record(session, plan_id, user)
    session.rollback()  # approving opens its own write transaction (lifecycle._begin_write)
    try:
        approve_plan(
            session,
            plan_id,
            actor=user.username,
            comment=comment,
            expected_version=version,
            supplementary=supplementary == "yes",
        )
        session.commit()
        flash(request, "success", UI.text("plan_approved", plan_id=plan_id))
    except PlanError as error:
        session.rollback()
        flash(request, "error", _plan_error_text(error))
    return _to_plan(plan_id)


@router.post("/plans/{plan_id}/apply")
def apply(
    request: Request,
    session: SessionDep,
    user: PlanManager,
    plan_id: int,
    confirm: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Carry out an approved plan; the form must carry the ticked confirmation."""
    if confirm != "yes":
        flash(request, "error", UI.text("apply_confirm_missing"))
        return _to_plan(plan_id)
    _plan_record(session, plan_id, user)
    session.rollback()  # applying opens its own write transaction (lifecycle._begin_write)
    try:
        apply_plan(session, plan_id, actor=user.username)
        session.commit()
        flash(request, "success", UI.text("plan_applied", plan_id=plan_id))
    except PlanError as error:
        session.rollback()
        flash(request, "error", _plan_error_text(error))
    return _to_plan(plan_id)


@router.get("/plans/{plan_id}/plan.json")
def plan_file(request: Request, session: SessionDep, user: Unmasker, plan_id: int) -> Response:
    """The signed plan file (`api.routes.plans.plan_file`): an audited unmasking."""
    refuse_cross_site_disclosure(request)
    record = _plan_record(session, plan_id, user)
    pieces = disclose_plan_file(session, record, actor=user.username)
    session.commit()
    return download_pieces(pieces, f"plan-{plan_id}.json")


@router.get("/plans/{plan_id}/workbook.xlsx")
def plan_workbook(
    request: Request, session: SessionDep, user: DistrictReader, plan_id: int
) -> Response:
    record = _plan_record(session, plan_id, user)
    instance, plan = load_plan(record)
    language = page_language(request)
    content = written_file("plan.xlsx", lambda path: write_plan_workbook(
        path, instance, plan, language=language, record=record))  # fmt: skip
    return download(content, plan_file_name(record, language))
