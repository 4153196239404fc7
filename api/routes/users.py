"""Account administration (administrators only) and changing one's own password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import func, select

from api.deps import Administrator, CurrentUser, SessionDep, forget_recent_users
from api.routes.auth import client_address
from api.schemas.accounts import PasswordChange, UserPublic
from api.schemas.common import Page
from workforce.accounts.models import User
from workforce.accounts.users import (
    UserCreate,
    UserUpdate,
    change_own_password,
    create_user,
    get_user,
    update_user,
)

router = APIRouter(prefix="/users", tags=["users"])


@router.get("", response_model=Page[UserPublic])
def list_users(
    session: SessionDep,
    _admin: Administrator,
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page[UserPublic]:
    """用户列表 / List accounts."""
    count = session.execute(select(func.count()).select_from(User)).scalar_one()
    rows = session.execute(select(User).order_by(User.id).offset(skip).limit(limit)).scalars()
    return Page(data=[UserPublic.model_validate(u) for u in rows], count=count)


@router.post("", response_model=UserPublic, status_code=201)
def create_user_route(session: SessionDep, admin: Administrator, body: UserCreate) -> UserPublic:
    """新建用户 / Create an account."""
    user = create_user(session, actor=admin.username, data=body)
    session.commit()
    return UserPublic.model_validate(user)


@router.get("/{user_id}", response_model=UserPublic)
def read_user(session: SessionDep, _admin: Administrator, user_id: int) -> UserPublic:
    """用户详情 / One account."""
    return UserPublic.model_validate(get_user(session, user_id=user_id))


@router.patch("/{user_id}", response_model=UserPublic)
def update_user_route(
    request: Request, session: SessionDep, admin: Administrator, user_id: int, body: UserUpdate
) -> UserPublic:
    """修改用户（角色、学校、停用、重置密码）/ Change an account."""
    user = update_user(session, actor=admin, user_id=user_id, data=body)
    session.commit()
    forget_recent_users(request)
    return UserPublic.model_validate(user)


@router.post("/me/password", status_code=204)
def change_password_route(
    request: Request, session: SessionDep, user: CurrentUser, body: PasswordChange
) -> Response:
    """修改本人密码（所有令牌和会话随之失效，需重新登录）/ Change your own password; every
    token and session of yours ends, this one included: sign in again."""
    change_own_password(
        session,
        user=user,
        current=body.current_password,
        new=body.new_password,
        client=client_address(request),
    )
    session.commit()
    forget_recent_users(request)
    return Response(status_code=204)
