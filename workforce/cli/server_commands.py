"""``workforce serve``, ``workforce worker`` (queued solve jobs on this machine),
``workforce rotate-secret``, ``workforce create-admin``, ``workforce create-user`` and
``workforce update-user`` (role, county scope).

There is no default account or password: the first administrator is created here, with
the password typed twice at a prompt (or read from standard input for scripts).

``serve`` refuses the published development secret unless it is bound to 127.0.0.1 *and* told
``--insecure-dev``, and refuses a secret key that is not the one the database's ID numbers were
stored with (see :mod:`workforce.secret`). Like every command module, this one imports what a
command needs when it runs, so ``workforce --help`` starts fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from workforce.accounts.roles import Role  # an enum only: cheap to import for --help
from workforce.cli.app import app, fail, pair, require_registry, say

if TYPE_CHECKING:
    from workforce.config import Settings

COUNTY_HELP = (
    "限定的县（区）（区人事股、审计人员；须为学校名单中的县区）/ the county an HR officer or "
    "auditor is scoped to (one the schools carry)"
)

def development_secret_refused(settings: Settings, host: str, *, insecure_dev: bool) -> bool:
    """Whether ``serve`` must refuse to start: the published development secret is allowed only
    on the loopback address and only when asked for with ``--insecure-dev``."""
    from workforce.config import DEVELOPMENT_SECRET

    return settings.secret_key == DEVELOPMENT_SECRET and not (host == "127.0.0.1" and insecure_dev)


def check_database_key(language: str) -> None:
    """Exit with the clear message when the secret key is not the database's (see
    :func:`workforce.secret.check_secret_key`)."""
    from workforce.config import get_settings
    from workforce.db import get_engine
    from workforce.secret import SecretKeyMismatch, check_secret_key

    try:
        check_secret_key(get_engine(), get_settings().secret_key)
    except SecretKeyMismatch as error:
        raise fail(error.zh, error.en, language) from None


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="监听地址 / address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口 / port")] = 8000,
    workers: Annotated[int, typer.Option(help="工作进程数 / worker processes")] = 1,
    insecure_dev: Annotated[
        bool,
        typer.Option("--insecure-dev", help="仅本机调试：允许开发密钥 / allow the dev secret locally"),
    ] = False,
) -> None:
    """启动网页和 API 服务 / Run the web application and HTTP API."""
    from workforce.config import get_settings

    # first: where there is no registry, refuse before the settings are read, which would write
    # a new secret key into var/workforce.env of whatever folder this was run in; every page
    # would fail on a missing or older schema anyway
    require_registry()
    settings = get_settings()
    if development_secret_refused(settings, host, insecure_dev=insecure_dev):
        raise fail(*pair("cli.serve.development_secret"), settings.language)
    check_database_key(settings.language)
    if settings.web_runs_solves:  # jobs whose process died with the last server: failed; the
        from workforce.db import get_engine  # queue: started again
        from workforce.plans.jobs import dispatch

        dispatch(get_engine())
    from workforce.db import display_url

    database = display_url(settings.database_url)
    if workers > 1 and settings.solves_at_once is None:  # the worker processes inherit it
        from workforce.config import solves_per_worker

        os.environ["WORKFORCE_SOLVES_AT_ONCE"] = str(solves_per_worker(workers))
    typer.echo(say("cli.serve.started", settings.language, home=settings.home, database=database,
                    workers=workers, host=host, port=port))  # fmt: skip
    import uvicorn

    uvicorn.run("api.main:create_app", factory=True, host=host, port=port, workers=workers,
                log_config=server_log_config(settings.log_dir))  # fmt: skip


def server_log_config(log_dir: Path) -> dict:
    """Uvicorn's logging, plus the same lines (timestamped, no colours) in ``<home>/logs/
    server.log`` (rotated at 10 MB, five kept), so the home holds the server's log too."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    log_dir.mkdir(parents=True, exist_ok=True)
    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["file"] = {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    config["handlers"]["file"] = {
        "class": "logging.handlers.RotatingFileHandler",
        "filename": str(log_dir / "server.log"),
        "maxBytes": 10_000_000,
        "backupCount": 5,
        "encoding": "utf-8",
        "formatter": "file",
    }
    for name in ("uvicorn", "uvicorn.access"):
        config["loggers"][name]["handlers"] = [*config["loggers"][name]["handlers"], "file"]
    return config


@app.command("worker")
def worker_command(
    processes: Annotated[
        int | None,
        typer.Option("--processes", help="最多同时求解数（默认按设置）/ solver processes (default: setting)"),
    ] = None,
    poll: Annotated[float, typer.Option("--poll", help="查询间隔（秒）/ seconds between looks")] = 2.0,
) -> None:
    """在本机运行排队的求解任务 / Run queued solve jobs on this machine (until stopped)."""
    import signal

    from workforce.config import get_settings
    from workforce.db import get_engine
    from workforce.plans.jobs import RUNNER, run_worker

    require_registry()
    settings = get_settings()
    check_database_key(settings.language)
    running = [True]

    def _stop(*_: object) -> None:
        running[0] = False

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    limit = processes or settings.max_solver_processes
    typer.echo(
        f"求解工作进程 {RUNNER}：最多 {limit} 个求解同时运行 / solve worker {RUNNER}: at most "
        f"{limit} solves at once"
    )
    run_worker(get_engine(), limit, poll_s=poll, keep_going=lambda: running[0])


@app.command("rotate-secret")
def rotate_secret_command(
    new_key_stdin: Annotated[
        bool, typer.Option("--new-key-stdin", help="从标准输入读取新密钥 / read the new key")
    ] = False,
) -> None:
    """更换密钥并重新加密全部身份证号（一个事务；仍用旧密钥运行的服务此后拒绝一切写入，须重启）/
    Change the secret key, re-encrypting ID numbers (one transaction; a server still running
    on the old key has every write refused afterwards and must be restarted)."""
    import secrets

    from workforce.audit_chain import ChainBroken
    from workforce.config import get_settings, write_config_value
    from workforce.db import get_engine
    from workforce.secret import SecretKeyMismatch, rotate_secret_key

    require_registry()
    settings = get_settings()
    language = settings.language
    from_environment = bool(os.environ.get("WORKFORCE_SECRET_KEY"))
    if from_environment and not new_key_stdin:
        raise fail(*pair("cli.serve.rotate_env"), language)
    new = sys.stdin.readline().strip() if new_key_stdin else secrets.token_urlsafe(48)
    if len(new) < 32:
        raise fail(*pair("cli.serve.new_key_short"), language)
    # The new key is written before the database is re-encrypted, and the old one put back if
    # that fails: written after, a config file that cannot be written would leave a database
    # under a random key nobody has (the instance locked out of every ID number).
    if not from_environment:
        write_config_value(settings.config_file, "WORKFORCE_SECRET_KEY", new)
    try:
        count = rotate_secret_key(get_engine(), settings.secret_key, new, actor=settings.actor)
    except BaseException as error:
        if not from_environment:
            write_config_value(settings.config_file, "WORKFORCE_SECRET_KEY", settings.secret_key)
        if isinstance(error, SecretKeyMismatch | ChainBroken):
            raise fail(error.zh, error.en, language) from None
        raise
    if from_environment:
        where = "请更新环境变量 WORKFORCE_SECRET_KEY" if language == "zh" else (
            "now set WORKFORCE_SECRET_KEY to the new key")  # fmt: skip
    else:
        where = f"{'新密钥已写入' if language == 'zh' else 'new key written to'} {settings.config_file}"
    typer.echo(say("cli.serve.rotated", language, count=count, where=where))


def _read_password(password_stdin: bool) -> str:
    from workforce.accounts.messages import ACCOUNT_MESSAGES
    from workforce.config import get_settings

    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = typer.prompt("密码 / password", hide_input=True)
    second = typer.prompt("再次输入密码 / password again", hide_input=True)
    if first != second:
        text = ACCOUNT_MESSAGES.text("password_mismatch")
        raise fail(text.zh, text.en, get_settings().language)
    return first


_ACCOUNT_FIELDS = {
    "username": ("用户名", "username"), "display_name": ("--display-name",) * 2,
    "role": ("--role",) * 2, "school_id": ("--school",) * 2, "county": ("--county",) * 2,
    "password": ("密码", "password"),
}  # fmt: skip
"""How a refused field of a new account is named: the option the user typed, or the argument."""


def _field_named(loc: tuple, language: str) -> str:
    field = str(loc[0]) if loc else ""
    names = _ACCOUNT_FIELDS.get(field, (field, field))
    return names[0] if language == "zh" else names[1]


def _create(
    username: str,
    display_name: str,
    role: Role,
    school_id: int | None,
    password: str,
    county: str | None = None,
) -> None:
    from pydantic import ValidationError

    from workforce.accounts.users import UserCreate, create_user
    from workforce.config import get_settings
    from workforce.db import session_scope

    require_registry()
    from workforce.services.errors import DomainError

    settings = get_settings()
    data = dict(
        username=username,
        display_name=display_name or username,
        role=role,
        school_id=school_id,
        county=county,
        password=password,
    )
    try:
        request = UserCreate.model_validate(data)
    except ValidationError as error:
        from texts.validation import reason

        said = {language: ("；" if language == "zh" else "; ").join(
            f"{_field_named(e['loc'], language)}{'：' if language == 'zh' else ': '}"
            f"{reason(e, language)}" for e in error.errors()
        ) for language in ("zh", "en")}  # fmt: skip
        raise fail(f"输入有误：{said['zh']}", f"invalid input: {said['en']}",
                   settings.language) from None  # fmt: skip
    try:
        with session_scope() as session:
            user = create_user(session, actor=settings.actor, data=request)
    except DomainError as error:
        raise fail(error.text.zh, error.text.en, settings.language) from None
    typer.echo(f"已创建用户 / created user: {user.username} ({_role(user.role)})")


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
    school: Annotated[
        str | None, typer.Option(help="学校人事专干所属学校的学校代码 / the clerk's school code")
    ] = None,
    school_id: Annotated[
        int | None, typer.Option(help="或：学校在数据库中的编号 / or: the school's database id")
    ] = None,
    county: Annotated[str | None, typer.Option(help=COUNTY_HELP)] = None,
    password_stdin: Annotated[
        bool, typer.Option(help="从标准输入读取密码 / read the password from standard input")
    ] = False,
) -> None:
    """创建用户 / Create an account of any role."""
    if school is not None and school_id is not None:
        from workforce.config import get_settings

        raise fail("--school 与 --school-id 只能给出一个", "give --school or --school-id, not both",
                   get_settings().language)  # fmt: skip
    if school is not None:
        school_id = _school_id_of_code(school)
    _create(username, display_name, role, school_id, _read_password(password_stdin), county)


def _school_id_of_code(code: str) -> int:
    """The database id of the school whose code is ``code`` (what clerks and the pages call a
    school; the id, which only the database shows, was all ``--school-id`` took)."""
    from sqlmodel import Session, select

    from workforce.config import get_settings
    from workforce.models import School

    engine = require_registry()
    with Session(engine) as session:
        found = session.exec(select(School.id).where(School.code == code.strip())).first()
    if found is None:
        raise fail(f"没有学校代码为“{code}”的学校（见 workforce export schools）",
                   f"no school has the code '{code}' (see `workforce export schools`)",
                   get_settings().language)  # fmt: skip
    return found


@app.command("update-user")
def update_user_command(
    username: Annotated[str, typer.Argument(help="用户名 / username")],
    role: Annotated[Role | None, typer.Option(help="新角色 / new role")] = None,
    county: Annotated[str | None, typer.Option(help=COUNTY_HELP)] = None,
    city: Annotated[
        bool, typer.Option("--city", help="取消县（区）限定，改为全市 / make the user city-level")
    ] = False,
) -> None:
    """修改用户的角色或县（区）限定（写入审计日志）/ Change an account's role or county
    (audited)."""
    from workforce.accounts.messages import ACCOUNT_MESSAGES
    from workforce.accounts.users import UserUpdate, find_user, update_user
    from workforce.config import get_settings
    from workforce.db import session_scope
    from workforce.services.errors import DomainError

    require_registry()
    settings = get_settings()
    if county is not None and city:
        raise fail("--county 与 --city 不能同时使用", "use --county or --city, not both",
                   settings.language)  # fmt: skip
    changes: dict[str, object] = {"role": role} if role is not None else {}
    if county is not None or city:
        changes["county"] = county
    try:
        with session_scope() as session:
            user = find_user(session, username=username)
            if user is None:
                text = ACCOUNT_MESSAGES.text("user_not_found", key=username)
                raise fail(text.zh, text.en, settings.language)
            update_user(session, actor=settings.actor, user_id=user.id,  # type: ignore[arg-type]
                        data=UserUpdate(**changes))  # fmt: skip
            scope = user.county or "全市 / city"
    except DomainError as error:
        raise fail(error.text.zh, error.text.en, settings.language) from None
    typer.echo(f"已修改用户 / updated user: {username} ({_role(user.role)}, {scope})")


def _role(code: str) -> str:
    """A role in both languages, as the users page names it: 区人事股 / HR office (hr)."""
    from texts import text

    return f"{text(f'accounts.role.{code}', 'zh')} / {text(f'accounts.role.{code}', 'en')}"
