"""The ``workforce`` command: the Typer application that every command module registers on.

Every command module imports only Typer and this module at the top and everything else inside
its commands, so that ``workforce --help`` (and a mistyped option) answers at once; see
``benchmarks/bench_cli.py`` and ``tests/workforce/cli/test_fast_cli.py``.
"""

from __future__ import annotations

import atexit
import errno
import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from workforce.cli.usage import LANGUAGES, ValueRefused, WorkforceGroup

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

app = typer.Typer(
    name="workforce",
    cls=WorkforceGroup,  # Typer's refusals of a command line in the user's language
    help="教师队伍管理与交流轮岗系统 / Teacher workforce registry and rotation planner.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # Plain help text: Typer's rich help would import rich's markdown renderer (~0.1 s) on every
    # `--help`; progress bars still use rich, imported when long work starts.
    rich_markup_mode=None,
)


@app.callback()
def start() -> None:
    """Runs before every command; tunes the cyclic garbage collector for a short process that
    builds large, long-lived object graphs (registry rows, the optimizer's instance and model):

    - the young generation is collected every 50,000 allocations instead of 700: with the
      default, the collector re-scanned those graphs again and again — 0.25–0.3 CPU s of the
      sample district's ``workforce plan`` (``benchmarks/bench_cli.py``);
    - at exit, what is still alive is frozen (``gc.freeze``), so the interpreter's final
      collection does not traverse it once more (0.15–0.2 s of the same run): the objects are
      still released one by one, and the process's memory returns to the system anyway.

    Cyclic garbage is still collected while the command runs. At exit the database's pooled
    connections are closed (`db.close_engine`: SQLite's ``-wal`` and ``-shm`` files go).

    OpenBLAS (numpy's linear algebra) is kept to one thread unless ``OPENBLAS_NUM_THREADS`` says
    otherwise: with a thread per core, importing numpy took 0.13 s instead of 0.07 s (its
    threads and their buffers are set up at import), and nothing a command runs multiplies
    matrices large enough to gain from them — the solver's parallelism is one process per
    county (``optimizer.parallel``). Only before numpy is imported: later it has no effect."""
    from optimizer.memory import YOUNG_COLLECTION_EVERY  # the solve's own pace (light module)

    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])
    atexit.unregister(gc.freeze)  # once, however many commands a process runs (tests)
    atexit.register(gc.freeze)
    atexit.unregister(_close_database)
    atexit.register(_close_database)  # runs first: last registered


def _close_database() -> None:
    """`db.close_engine`, when the command used the database (else `workforce.db` is not
    even imported: `--help`, `deploy-files`)."""
    if "workforce.db" in sys.modules:
        sys.modules["workforce.db"].close_engine()


@contextmanager
def writing(language: str, *files: Path) -> Iterator[None]:
    """One of ``files`` that the block cannot write (`workforce.private_files` names it in the
    `OSError`) becomes the command's error, exit 2: the file and the system's reason, not a
    traceback; so does a folder on the way to one that cannot be made. An error about any other
    file (one the block reads) is not called a write."""
    try:
        yield
    except OSError as exc:
        about = None if exc.filename is None else Path(exc.filename).resolve()
        if not any(about == f.resolve() or about in f.resolve().parents for f in files):
            raise
        raise fail(f"无法写入文件 {exc.filename}：{os_reason(exc, 'zh')}",
                   f"cannot write the file {exc.filename}: {os_reason(exc, 'en')}",
                   language) from None


def require_registry(language: str | None = None, *, at_schema_head: bool = True) -> Engine:
    """The registry's engine, once there is a registry here, it answers and (unless
    ``at_schema_head`` is False: ``backup``, which must work before an upgrade) its schema is
    this program's, and its local rule files are sound (`workforce.rules.local`); else the
    command's error, exit 2, saying what to do (in ``language``, else the configured one).

    Why: run from a folder with no registry, or against a database not yet migrated, every
    command that reads the registry ended in an SQL traceback ("no such table: school") and
    left ``var/`` behind with a new secret key and an empty database. Looking writes nothing
    (`config.existing_registry_url`)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from workforce.config import (
        DATABASE_FILE,
        configured_language,
        default_home,
        existing_registry_url,
    )
    from workforce.db import display_url, get_engine, schema_head, schema_revision

    language = language or configured_language()
    try:
        url = existing_registry_url()
        if url is not None:  # its driver, before the settings are read (which write a key)
            make_url(url).get_dialect().import_dbapi()
        engine = get_engine() if url is not None else None
    except (ArgumentError, ImportError) as error:  # not a URL; a database with no driver here
        reason = str(error).strip().splitlines()[0]
        raise fail(
            f"数据库地址（WORKFORCE_DATABASE_URL）无法使用：{reason}。本程序支持 SQLite 与 "
            "PostgreSQL，地址形如 postgresql+psycopg://用户:密码@主机/库名",
            f"the database address (WORKFORCE_DATABASE_URL) cannot be used: {reason}. This "
            "program works with SQLite and PostgreSQL, e.g. postgresql+psycopg://user:pw@host/db",
            language) from None
    if url is None or engine is None:
        home = default_home()
        raise fail(
            f"这里没有信息库：{home / DATABASE_FILE} 不存在，也未设置 WORKFORCE_DATABASE_URL。"
            "请在信息库所在的目录运行（或设置 WORKFORCE_HOME）；新建信息库请运行 "
            "workforce migrate，载入示例区请运行 workforce demo",
            f"there is no registry here: {home / DATABASE_FILE} does not exist and "
            "WORKFORCE_DATABASE_URL is not set. Run the command where the registry is (or set "
            "WORKFORCE_HOME); `workforce migrate` creates one, `workforce demo` loads the "
            "sample district",
            language)
    where = display_url(url)
    try:
        current = schema_revision(engine)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise fail(f"无法连接信息库 {where}：{reason}",
                   f"cannot reach the registry {where}: {reason}", language) from None
    head = schema_head()
    if current is None:
        raise fail(f"信息库 {where} 尚未建立：请运行 workforce migrate",
                   f"the registry {where} is not set up yet: run `workforce migrate`", language)
    if at_schema_head and current != head:
        if current > head:
            raise fail(
                f"信息库 {where} 的结构版本 {current} 比本程序所知的 {head} 新：请升级本程序",
                f"the registry {where} is at schema {current}, newer than this program's "
                f"{head}: upgrade the program", language)
        raise fail(
            f"信息库 {where} 的结构版本为 {current}，本程序需要 {head}：请先备份"
            "（workforce backup），再运行 workforce migrate",
            f"the registry {where} is at schema {current}; this program needs {head}: back it "
            "up (`workforce backup`), then run `workforce migrate`", language)
    from workforce.rules.local import LocalRulesError, local_rule_keys

    try:
        local_rule_keys()  # the county's own rules (`workforce.rules.local`), checked first
    except LocalRulesError as error:
        raise fail(error.zh, error.en, language) from None
    _refuse_another_key(engine, language)
    return engine


def _refuse_another_key(engine: Engine, language: str) -> None:
    """Refuse, before any work, a secret key that is not the registry's — every command, not
    only the ones that start a server: one run with another key read every ID number as
    unreadable, and its writes were refused only at their commit, in a traceback."""
    from workforce.config import get_settings
    from workforce.secret import SecretKeyMismatch, check_secret_key

    try:
        check_secret_key(engine, get_settings().secret_key, record=False)  # a dry run writes nothing
    except SecretKeyMismatch as error:
        raise fail(error.zh, error.en, language) from None


MAX_TIME_LIMIT_S = 24 * 60 * 60
"""The longest solve a command may be given (a day): ``inf`` overflowed the solvers."""


def time_limit_given(value: float | None) -> float | None:
    """A ``--time-limit`` option's check: seconds above 0 and at most a day (None: the
    command's default). 0 or less, ``nan`` and ``inf`` ended in a traceback."""
    if value is not None and not 0 < value <= MAX_TIME_LIMIT_S:
        # not the value: Typer's float of what was typed ("0" is 0.0, "1e309" is inf)
        raise ValueRefused(None, *pair("cli.time_limit_refused", limit=MAX_TIME_LIMIT_S))
    return value


def language_given(value: str | None) -> str | None:
    """A ``--lang`` option's check: zh or en (None: the command's default). Any other value was
    taken for Chinese (or English) without a word; it is refused in both languages, naming
    the two (`workforce.cli.usage`: whose language is unknown is answered in both)."""
    if value is not None and value not in LANGUAGES:
        raise ValueRefused(value, *pair("cli.language_refused"))
    return value


def out_suffix_given(out: Path | None, suffixes: tuple[str, ...], language: str,
                     option: str = "--out") -> None:  # fmt: skip
    """Refuse, before any work, an output file whose extension is not one of ``suffixes``
    (lower case, with the dot): the extension decides the format written, and a plan written as
    JSON into ``plan.xlsx`` (or a workbook into ``teachers.csv``) opened as neither."""
    if out is None or out.suffix.lower() in suffixes:
        return
    zh, en = (say("cli.out_suffix", each, option=option, path=out,
                  suffixes=_listed_suffixes(suffixes, each)) for each in LANGUAGES)  # fmt: skip
    raise fail(zh, en, language)


def _listed_suffixes(suffixes: tuple[str, ...], language: str) -> str:
    return (" 或 " if language == "zh" else " or ").join(suffixes)


OS_ERRORS = {
    errno.ENOENT: "not_found", errno.EACCES: "permission", errno.EPERM: "permission",
    errno.EISDIR: "is_folder", errno.ENOTDIR: "not_folder", errno.ENOSPC: "no_space",
    errno.EROFS: "read_only", errno.EEXIST: "exists",
}  # fmt: skip
"""The system's reasons a clerk meets, by ``errno`` → ``cli.os_error.<id>``."""


def os_reason(error: OSError, language: str) -> str:
    """Why the system refused a file, in ``language``: the usual reasons from the catalogue
    (the system's own ``strerror`` is English: "Permission denied"); another, as the system
    says it."""
    from workforce.private_files import NOT_A_REGULAR_FILE

    if error.strerror == NOT_A_REGULAR_FILE:  # our own refusal (a device where a file goes)
        return say("cli.os_error.not_a_regular_file", language)
    known = OS_ERRORS.get(error.errno or 0)
    if known is not None:
        return say(f"cli.os_error.{known}", language)
    return error.strerror or str(error)


YES, NO = ("y", "yes", "是"), ("n", "no", "否")


def confirm(question: str, language: str) -> bool:
    """A yes-or-no question, no by default: y / yes / 是, n / no / 否 (any case; Enter is no).
    Typer's own question took y or n only, and answered anything else (是, 好) with "Error:
    invalid input" in English; this one asks again in the user's language. A question broken
    off (Ctrl-C, end of input) is Typer's Abort (`workforce.cli.usage`: "已取消")."""
    while True:
        reply = typer.prompt(f"{question} [y/N]", default="", show_default=False)
        if reply.strip().lower() in YES:
            return True
        if reply.strip().lower() in ("", *NO):
            return False
        typer.echo(say("cli.confirm_again", language), err=True)


def fail(zh: str, en: str, language: str = "zh") -> typer.Exit:
    """Print a user-facing error (Chinese first, or English) and return the exit to raise."""
    typer.echo(zh if language == "zh" else en, err=True)
    return typer.Exit(code=2)


def say(message_id: str, language: str, **values: object) -> str:
    """A command's message from the project catalogue (:mod:`texts`, ids ``cli.…``), filled."""
    from texts import text

    return text(message_id, language, **values)


def pair(message_id: str, **values: object) -> tuple[str, str]:
    """The message in Chinese and English, as :func:`fail` takes them."""
    return say(message_id, "zh", **values), say(message_id, "en", **values)
