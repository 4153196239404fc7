"""Schools: list, detail, create, update (optimistic concurrency), deactivate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from api.deps import Editor, IfMatch, Reader, SessionDep, chosen_version
from api.schemas.common import Page
from api.schemas.registry import SchoolPublic
from workforce.accounts.models import User
from workforce.accounts.scope import get_visible, placed_county
from workforce.models import School
from workforce.services.fields import SchoolLevel, Zone
from workforce.services.messages import REGISTRY_MESSAGES
from workforce.services.queries import SchoolFilters, list_schools
from workforce.services.schools import (
    SchoolCreate,
    SchoolUpdate,
    create_school,
    deactivate_school,
    update_school,
)

router = APIRouter(prefix="/schools", tags=["schools"])


class SchoolPatch(SchoolUpdate):
    version: int | None = Field(default=None, ge=1, description="读取时的版本号（或 If-Match）")


class VersionBody(BaseModel):
    version: int | None = Field(default=None, ge=1, description="读取时的版本号（或 If-Match）")


def _public(response: Response, school: School) -> SchoolPublic:
    response.headers["ETag"] = f'"{school.version}"'
    return SchoolPublic.model_validate(school)


@router.get("", response_model=Page[SchoolPublic])
def list_schools_route(
    session: SessionDep,
    user: Reader,
    zone: Zone | None = None,
    level: SchoolLevel | None = None,
    town: Annotated[str | None, Query(max_length=50)] = None,
    county: Annotated[str | None, Query(max_length=50, description="所属县（区）")] = None,
    active: bool | None = None,
    q: Annotated[str | None, Query(max_length=100, description="学校代码或名称")] = None,
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page[SchoolPublic]:
    """学校列表（按权限范围）/ List the schools you may see."""
    filters = SchoolFilters(zone=zone, level=level, town=town, county=county, active=active, q=q)
    rows, count = list_schools(session, viewer=user, filters=filters, skip=skip, limit=limit)
    return Page(data=[SchoolPublic.model_validate(s) for s in rows], count=count)


@router.get("/{school_id}", response_model=SchoolPublic)
def read_school(
    session: SessionDep, user: Reader, school_id: int, response: Response
) -> SchoolPublic:
    """学校详情 / One school (its version is also the ETag)."""
    return _public(response, _visible(session, user, school_id))


def _visible(session: Session, user: User, school_id: int) -> School:
    """The school if ``user`` may see it (404 otherwise: another school's or county's)."""
    return get_visible(
        session, user, School, school_id, REGISTRY_MESSAGES.text("school_not_found", key=school_id)
    )


@router.post("", response_model=SchoolPublic, status_code=201)
def create_school_route(
    session: SessionDep, user: Editor, body: SchoolCreate, response: Response
) -> SchoolPublic:
    """新建学校；限定县（区）的用户只能建在本县（区），不写县区即为本县（区）/ Create a school; a
    user scoped to a county creates schools in that county only (no county given: theirs)."""
    body.county = placed_county(user, body.county, new=True)
    school = create_school(session, actor=user.username, data=body)
    session.commit()
    return _public(response, school)


@router.patch("/{school_id}", response_model=SchoolPublic)
def update_school_route(
    session: SessionDep,
    user: Editor,
    school_id: int,
    body: SchoolPatch,
    if_match: IfMatch,
    response: Response,
) -> SchoolPublic:
    """修改学校（需提供读取时的版本号）；限定县（区）的用户不能把学校移出本县（区）/ Change a
    school; send the version you read. A county's user cannot move it out of their county."""
    _visible(session, user, school_id)
    changes = SchoolUpdate.model_validate(body.model_dump(exclude_unset=True, exclude={"version"}))
    if "county" in changes.model_fields_set:
        placed_county(user, changes.county, new=False)
    school = update_school(
        session,
        actor=user.username,
        school_id=school_id,
        data=changes,
        version=chosen_version(if_match, body.version),
    )
    session.commit()
    return _public(response, school)


@router.post("/{school_id}/deactivate", response_model=SchoolPublic)
def deactivate_school_route(
    session: SessionDep,
    user: Editor,
    school_id: int,
    body: VersionBody,
    if_match: IfMatch,
    response: Response,
) -> SchoolPublic:
    """停用学校（不删除）/ Deactivate a school; it is never deleted."""
    _visible(session, user, school_id)
    school = deactivate_school(
        session,
        actor=user.username,
        school_id=school_id,
        version=chosen_version(if_match, body.version),
    )
    session.commit()
    return _public(response, school)
