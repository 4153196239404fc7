"""Rotation plans over the API: solve jobs (started in their own process, polled, stopped),
plans as kept in the registry, re-solving with pins added or removed, comparing two plans,
approving (with the version read), applying (once), and the plan's workbook and notice
letters.

Rights: admin and hr do everything; auditors read; a school clerk reads only the part of each
plan that concerns their school (:mod:`workforce.plans.school_view`): the moves leaving or
reaching it, its shortages, the district's and its own quotas. A user scoped to a county sees,
solves, approves and applies only that county's plans and jobs (another county's plan, or a
whole-registry one, is "not found"; :mod:`workforce.accounts.scope`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import func, select
from sqlmodel import Session

from api.deps import IfMatch, Reader, SessionDep, Unmasker, require
from api.downloads import download, download_pieces, written_file
from api.pins import check_pin
from api.routes.messages import WORK_MESSAGES
from api.schemas.common import Page
from api.schemas.plans import (
    ApproveRequest,
    JobPublic,
    PlanDetail,
    PlanSummary,
    ResolveRequest,
    SolveRequest,
)
from api.school_filter import solve_county, visible_school
from api.security import refuse_cross_site_disclosure
from optimizer import Instance, Pin, Plan, SolveSettings
from workforce.accounts.models import User
from workforce.accounts.roles import Permission
from workforce.accounts.scope import county_of, get_visible, restrict
from workforce.models import RotationPlan, SolveJob
from workforce.plans import PlanError, apply_plan, approve_plan, load_plan
from workforce.plans.compare import PlanComparison, compare_plans
from workforce.plans.jobs import FINISHED, get_job, start_solve_job, stop_job
from workforce.plans.lifecycle import disclose_plan_file, require_supplementary_choice
from workforce.plans.notices import NoticeRefused, notice_letters_pdf, write_notice_workbook
from workforce.plans.school_view import pins_for_school, plan_for_school
from workforce.plans.workbook import plan_file_name, write_plan_workbook
from workforce.services.errors import Conflict, NotFound, StaleVersion, VersionRequired
from workforce.services.messages import REGISTRY_MESSAGES, Text

router = APIRouter(prefix="/plans", tags=["plans"])

PlanManager = Annotated[User, Depends(require(Permission.manage_plans))]
Language = Annotated[Literal["zh", "en"], Query(description="表头语言 / headers")]
PLAN_ERROR_CLASS = {"not_found": NotFound, "stale_version": StaleVersion}
"""How a lifecycle refusal maps to a domain error; every other one is a conflict."""


def _plan_error(error: PlanError) -> Exception:
    cls = PLAN_ERROR_CLASS.get(error.key, Conflict)
    extra = {"teachers": error.details} if error.details else None
    return cls(Text(error.key, error.zh, error.en), extra=extra)


def _supplementary_choice(
    session: Session, year: int, supplementary: bool, county: str | None
) -> None:
    """A new plan of a year whose plan (of ``county``) was applied needs the supplementary
    choice (409)."""
    try:
        require_supplementary_choice(session, year, supplementary=supplementary, county=county)
    except PlanError as error:
        raise _plan_error(error) from None


def _record(session: Session, plan_id: int, user: User) -> RotationPlan:
    """The plan if ``user`` may see it (a county's user: their county's plans only)."""
    missing = WORK_MESSAGES.text("plan_not_found", plan_id=plan_id)
    return get_visible(session, user, RotationPlan, plan_id, missing)


def _may_change(session: Session, plan_id: int, user: User) -> None:
    """404 unless ``user`` may see the plan (a county's user: their county's plans only); the
    read transaction then ends, so approving or applying opens its own write transaction
    before it reads (``workforce.plans.lifecycle``). A plan's county never changes."""
    _record(session, plan_id, user)
    session.rollback()


def _job(request: Request, job_id: int, user: User) -> SolveJob:
    """The job; a school clerk's own jobs only, a county's user their county's jobs only
    (another's is "not found", not "forbidden")."""
    own = user.username if user.role == "clerk" else None
    job = get_job(request.app.state.engine, job_id, visible_to=own)
    county = county_of(user)
    if job is None or (county is not None and job.county != county):
        raise NotFound(WORK_MESSAGES.text("job_not_found", job_id=job_id))
    return job


def _seen(session: Session, user: User, record: RotationPlan) -> tuple[Instance, Plan, list[Pin]]:
    """The plan's instance, content and pins as ``user`` may see them."""
    instance, plan = load_plan(record)
    own = visible_school(session, user, None)
    if own is None:
        return instance, plan, instance.pins
    return instance, plan_for_school(plan, own.code), pins_for_school(instance, own.code)


def _job_answer(job: SolveJob, response: Response) -> JobPublic:
    response.headers["Location"] = f"/api/plans/jobs/{job.id}"
    return JobPublic.of(job, FINISHED)


@router.post("/jobs", response_model=JobPublic, status_code=202)
def start_job(
    request: Request,
    session: SessionDep,
    user: PlanManager,
    body: SolveRequest,
    response: Response,
) -> JobPublic:
    """开始求解（独立进程）/ Start a solve in its own process; poll the job it returns.
    Once the year's plan has been applied, only a supplementary plan may be solved. ``county``
    solves that county's plan; a user scoped to a county solves their own county's."""
    county = solve_county(session, user, body.county)
    _supplementary_choice(session, body.year, body.supplementary, county)
    job = start_solve_job(
        request.app.state.engine,
        year=body.year,
        county=county,
        actor=user.username,
        settings=SolveSettings(time_limit_s=body.time_limit_s, backend=body.backend),
    )
    return _job_answer(job, response)


@router.get("/jobs/{job_id}", response_model=JobPublic)
def read_job(request: Request, user: Reader, job_id: int) -> JobPublic:
    """求解任务状态 / A solve job: status, stage, the plan once done."""
    return JobPublic.of(_job(request, job_id, user), FINISHED)


@router.post("/jobs/{job_id}/stop", response_model=JobPublic)
def stop_solve(request: Request, user: PlanManager, job_id: int) -> JobPublic:
    """停止求解 / Stop a running solve (a finished job is left as it is)."""
    _job(request, job_id, user)
    stopped = stop_job(request.app.state.engine, job_id)
    assert stopped is not None
    return JobPublic.of(stopped, FINISHED)


@router.get("", response_model=Page[PlanSummary])
def list_plans(
    session: SessionDep,
    user: Reader,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    county: Annotated[str | None, Query(max_length=50, description="县（区）的方案")] = None,
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Page[PlanSummary]:
    """方案列表（最新在前）/ Plans kept in the registry, newest first; ``county`` keeps one
    county's (a county's user sees only their own county's anyway)."""
    statement = restrict(select(RotationPlan), user, RotationPlan)
    if year is not None:
        statement = statement.where(RotationPlan.year == year)
    if county is not None and county.strip():
        statement = statement.where(RotationPlan.county == county.strip())
    count = session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
    rows = session.execute(
        statement.order_by(RotationPlan.id.desc()).offset(skip).limit(limit)  # type: ignore[union-attr]
    ).scalars()
    return Page(data=[PlanSummary.model_validate(r) for r in rows], count=count)


@router.get("/compare", response_model=PlanComparison)
def compare(
    session: SessionDep,
    user: Reader,
    a: Annotated[int, Query(description="方案 a 的编号")],
    b: Annotated[int, Query(description="方案 b 的编号")],
) -> PlanComparison:
    """比较两个方案 / Moves only in a, only in b, changed destinations; figures side by side."""
    _, plan_a, _ = _seen(session, user, _record(session, a, user))
    _, plan_b, _ = _seen(session, user, _record(session, b, user))
    return compare_plans(plan_a, plan_b)


@router.get("/{plan_id}.xlsx", response_class=Response)
def plan_workbook(
    session: SessionDep, user: Reader, plan_id: int, lang: Language = "zh"
) -> Response:
    """方案工作簿 / The plan as a workbook: moves, quotas, shortages (or conflicts)."""
    record = _record(session, plan_id, user)
    instance, plan, _ = _seen(session, user, record)
    content = written_file("plan.xlsx", lambda path: write_plan_workbook(
        path, instance, plan, language=lang, record=record))  # fmt: skip
    return download(content, plan_file_name(record, lang))


@router.get("/{plan_id}.json", response_class=Response)
def plan_file(request: Request, session: SessionDep, user: Unmasker, plan_id: int) -> Response:
    """方案文件（含实例与信息库签名，可离线以 check-plan --trust-key 核验；记入审计）/ The plan
    file with its instance and the registry's signature, for `workforce check-plan
    --trust-key` away from the registry. Its instance holds every teacher's full birth date,
    so it is an unmasking: for admin and HR, audited, never from another site's link."""
    refuse_cross_site_disclosure(request)
    record = _record(session, plan_id, user)
    pieces = disclose_plan_file(session, record, actor=user.username)
    session.commit()
    return download_pieces(pieces, f"plan-{plan_id}.json")


DocNo = Annotated[
    str | None,
    Query(
        max_length=40,
        pattern=r"^[^\x00-\x1f\x7f]*$",
        description="文号（至多 40 字，不含控制字符），默认按 WORKFORCE_NOTICE_NUMBER",
    ),
]
"""The 文号 the office types for the letters: printed on every page (escaped for the PDF's
mini-HTML), never part of a file name."""


def notice_letters(session: Session, user: User, plan_id: int, doc_no: str | None) -> bytes:
    """The plan's letters as a PDF, as ``user`` may see them — the one implementation
    behind this API's ``notices.pdf`` and the plan page's ``letters.pdf``: another county's
    plan is "not found", a clerk's letters are their school's moves, a superseded plan's are
    refused (409)."""
    record = _record(session, plan_id, user)
    instance, plan, _ = _seen(session, user, record)
    try:
        content = notice_letters_pdf(
            instance, plan, plan_id=plan_id, status=record.status, doc_no=doc_no
        )
    except NoticeRefused as refused:
        raise Conflict(Text("notice_refused", refused.zh, refused.en)) from None
    return content


@router.get("/{plan_id}/notices.{file_format}", response_class=Response)
def plan_notices(
    session: SessionDep,
    user: Reader,
    plan_id: int,
    file_format: Literal["pdf", "xlsx"],
    lang: Language = "zh",
    doc_no: DocNo = None,
) -> Response:
    """交流轮岗通知书（每位交流教师一页 / 一行；草稿带水印，已替代的方案不出）/ Notice
    letters, one per moved teacher (a draft's watermarked; none for a superseded plan)."""
    if file_format == "pdf":
        content = notice_letters(session, user, plan_id, doc_no)
        return download(content, f"notices-plan-{plan_id}.pdf")
    record = _record(session, plan_id, user)
    instance, plan, _ = _seen(session, user, record)
    try:
        content = written_file(
            "notices.xlsx",
            lambda path: write_notice_workbook(
                path,
                instance,
                plan,
                plan_id=plan_id,
                status=record.status,
                language=lang,
                doc_no=doc_no,
            ),
        )
    except NoticeRefused as refused:
        raise Conflict(Text("notice_refused", refused.zh, refused.en)) from None
    return download(content, f"notices-plan-{plan_id}.xlsx")


@router.get("/{plan_id}", response_model=PlanDetail)
def read_plan(session: SessionDep, user: Reader, plan_id: int, response: Response) -> PlanDetail:
    """方案详情：调动及理由、指标、缺口、冲突、放宽、界与差距 / A plan with its content."""
    record = _record(session, plan_id, user)
    _, plan, pins = _seen(session, user, record)
    response.headers["ETag"] = f'"{record.version}"'
    return PlanDetail(registry=PlanSummary.model_validate(record), plan=plan, pins=pins)


@router.post("/{plan_id}/resolve", response_model=JobPublic, status_code=202)
def resolve(
    request: Request,
    session: SessionDep,
    user: PlanManager,
    plan_id: int,
    body: ResolveRequest,
    response: Response,
) -> JobPublic:
    """带锁定重新求解（新草稿，原方案为其父方案）/ Re-solve with pins added or removed."""
    record = _record(session, plan_id, user)
    _supplementary_choice(session, record.year, body.supplementary, record.county)
    instance, plan = load_plan(record)
    pins = [check_pin(instance, pin) for pin in body.pins]
    settings = SolveSettings(
        time_limit_s=body.time_limit_s,
        backend=body.backend or plan.provenance.settings.backend,
    )
    job = start_solve_job(
        request.app.state.engine,
        year=record.year,
        county=record.county,
        actor=user.username,
        settings=settings,
        parent_plan_id=plan_id,
        pins=pins,
        unpin=body.unpin,
    )
    return _job_answer(job, response)


@router.post("/{plan_id}/approve", response_model=PlanSummary)
def approve(
    session: SessionDep,
    user: PlanManager,
    plan_id: int,
    if_match: IfMatch,
    body: ApproveRequest,
    response: Response,
) -> PlanSummary:
    """审批草稿（需 If-Match 版本号与审批意见）/ Approve a draft: send the version you read
    (If-Match) and a comment; once the year's plan is applied, only as a supplementary plan.
    With second-person approval on, the drafter may not approve. Other plans of the year
    pending approval or application become superseded."""
    if if_match is None:
        raise VersionRequired(REGISTRY_MESSAGES.text("version_required"))
    _may_change(session, plan_id, user)
    try:
        record = approve_plan(
            session,
            plan_id,
            actor=user.username,
            comment=body.comment,
            expected_version=if_match,
            supplementary=body.supplementary,
        )
        session.commit()
    except PlanError as error:
        session.rollback()
        raise _plan_error(error) from None
    response.headers["ETag"] = f'"{record.version}"'
    return PlanSummary.model_validate(record)


@router.post("/{plan_id}/apply", response_model=PlanSummary)
def apply(session: SessionDep, user: PlanManager, plan_id: int, response: Response) -> PlanSummary:
    """执行已审批的方案（全部或全不，不可重复）/ Apply an approved plan, all or nothing, once.

    Refused (409) when the plan is not approved or already applied, when the year's plan was
    applied already, or when the registry changed so that a move no longer keeps the rules
    (``teachers`` lists each teacher — staff number, name — and the rule now broken)."""
    _may_change(session, plan_id, user)
    try:
        record = apply_plan(session, plan_id, actor=user.username)
        session.commit()
    except PlanError as error:
        session.rollback()
        raise _plan_error(error) from None
    response.headers["ETag"] = f'"{record.version}"'
    return PlanSummary.model_validate(record)
