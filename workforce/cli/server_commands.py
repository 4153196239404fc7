"""``workforce serve``, ``workforce create-admin`` and ``workforce create-user``.

There is no default account or password: the first administrator is created here, with
the password typed twice at a prompt (or read from standard input for scripts).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from pydantic import ValidationError

from workforce.accounts.messages import ACCOUNT_MESSAGES
from workforce.accounts.roles import Role
from workforce.accounts.users import UserCreate, create_user
from workforce.cli.app import app, fail
from workforce.config import get_settings
from workforce.db import session_scope
from workforce.services.errors import DomainError


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="监听地址 / address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口 / port")] = 8000,
    workers: Annotated[int, typer.Option(help="工作进程数 / worker processes")] = 1,
) -> None:
    """启动网页和 API 服务 / Run the web application and HTTP API."""
    import uvicorn

    uvicorn.run("api.main:create_app", factory=True, host=host, port=port, workers=workers)


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = typer.prompt("密码 / password", hide_input=True)
    second = typer.prompt("再次输入密码 / password again", hide_input=True)
    if first != second:
        text = ACCOUNT_MESSAGES.text("password_mismatch")
        raise fail(text.zh, text.en, get_settings().language)
    return first


def _create(
    username: str, display_name: str, role: Role, school_id: int | None, password: str
) -> None:
    settings = get_settings()
    data = dict(
        username=username,
        display_name=display_name or username,
        role=role,
        school_id=school_id,
        password=password,
    )
    try:
        request = UserCreate.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise fail(
            f"输入有误：{problems}", f"invalid input: {problems}", settings.language
        ) from None
    try:
        with session_scope() as session:
            user = create_user(session, actor=settings.actor, data=request)
    except DomainError as error:
        raise fail(error.text.zh, error.text.en, settings.language) from None
    typer.echo(f"已创建用户 / created user: {user.username} ({user.role})")


@app.command("create-admin")
def create_admin_command(
    username: Annotated[str, typer.Argument(help="用户名 / username")],
    display_name: Annotated[str, typer.Option(help="姓名 / display name")] = "",
    password_stdin: Annotated[
        bool, typer.Option(help="从标准输入读取密码 / read the password from standard input")
    ] = False,
) -> None:
    """创建区教育局管理员 / Create a district administrator."""
    _create(username, display_name, Role.admin, None, _read_password(password_stdin))


@app.command("create-user")
def create_user_command(
    username: Annotated[str, typer.Argument(help="用户名 / username")],
    role: Annotated[Role, typer.Option(help="角色 / role: admin, hr, clerk, auditor")],
    display_name: Annotated[str, typer.Option(help="姓名 / display name")] = "",
    school_id: Annotated[
        int | None, typer.Option(help="学校人事专干所属学校编号 / the clerk's school id")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option(help="从标准输入读取密码 / read the password from standard input")
    ] = False,
) -> None:
    """创建用户 / Create an account of any role."""
    _create(username, display_name, role, school_id, _read_password(password_stdin))
