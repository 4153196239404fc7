"""Uploaded import files kept between their dry run and their commit, for the import pages
and the JSON import API alike.

Each upload gets a folder named by a random token (its upload id) under the configured
``upload_dir`` (:class:`workforce.config.Settings`). Beside the file the folder holds
``upload.json`` (who uploaded it, for which entity, in which language) and, once it is
committed, a ``committed`` marker created atomically, so that of two commits of the same
upload exactly one goes ahead. Only ``.xlsx`` and ``.csv`` files are kept; uploads older
than :data:`KEPT_FOR` are removed whenever a new one arrives. An upload is found only by the
user who made it (anyone else: not found).

Protection (issue #9 item 4):

- the body is read only after the route's permission check has passed: the upload routes
  declare no form parameters (FastAPI would parse those before any dependency runs) and
  read the form themselves (:func:`read_upload_form`), so an anonymous request is refused
  before a byte of its body is stored;
- :class:`BodySizeLimit` cuts every request body off at the configured
  ``upload_max_bytes`` while it streams (413), whoever reads it (the CSRF check of a page
  form reads it too), and refuses a declared ``Content-Length`` beyond it unread; a body
  that is not a multipart upload (JSON, a page's form) at ``request_max_bytes`` (1 MiB);
- the upload folders are ``0700`` and every file in them ``0600``; the uploaded file is
  deleted as soon as its import is committed or the upload is cancelled.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.i18n.catalogue import UI
from api.routes.messages import WORK_MESSAGES as UPLOAD_MESSAGES
from api.security import check_form_csrf
from workforce.config import get_settings
from workforce.io.entities import SPECS
from workforce.io.spec import EntitySpec
from workforce.private_files import PRIVATE_FILE_MODE
from workforce.services.errors import Conflict, InvalidInput, NotFound

FORM_OVERHEAD = 64 * 1024
"""What a multipart body may hold beyond its file: boundaries, part headers, the CSRF token
and the entity field."""
R = TypeVar("R")
FOLDER_MODE = 0o700
FILE_MODE = PRIVATE_FILE_MODE
ALLOWED_SUFFIXES = (".xlsx", ".csv")
KEPT_FOR = dt.timedelta(days=1)
"""How long an upload waits for its commit: a working day, then it is swept away."""
CHUNK = 1024 * 1024
ERROR_REPORT = "errors.xlsx"
META = "upload.json"
COMMITTED = "committed"
BOOKKEEPING = frozenset({ERROR_REPORT, META, COMMITTED})
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class Upload:
    token: str
    path: Path
    owner: int
    entity: str
    """The entity chosen at upload (``auto`` lets the importer detect each sheet's)."""
    language: str

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def error_report(self) -> Path:
        return self.folder / ERROR_REPORT

    @property
    def committed(self) -> bool:
        return (self.folder / COMMITTED).exists()

    def claim_commit(self) -> bool:
        """Mark the upload committed; False when it already was (or another commit runs)."""
        try:
            os.close(os.open(self.folder / COMMITTED, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    def release_commit(self) -> None:
        """Undo :meth:`claim_commit` after a commit that wrote nothing."""
        (self.folder / COMMITTED).unlink(missing_ok=True)

    def forget_file(self) -> None:
        """Delete the uploaded file once it is imported; the folder keeps its bookkeeping
        (owner, the committed marker) until swept, so a second commit is told it was."""
        self.path.unlink(missing_ok=True)


def commit_once(upload: Upload, run: Callable[[], R], failed: Callable[[R], bool]) -> R:
    """Run an upload's commit (``run``) at most once, whoever asks (the API, the page; a
    double click, two tabs): the first claims it, any other is refused (409
    ``already_committed``). A commit that wrote nothing (``failed`` of its report, or an
    exception) releases the claim; one that imported deletes the file, keeping the marker."""
    if not upload.claim_commit():
        raise Conflict(UPLOAD_MESSAGES.text("already_committed", upload_id=upload.token))
    try:
        report = run()
    except BaseException:
        upload.release_commit()
        raise
    if failed(report):
        upload.release_commit()
    else:
        upload.forget_file()
    return report


def chosen_spec(entity: str) -> EntitySpec | None:
    """The spec the user chose; ``auto`` (or blank) lets the importer detect each sheet's."""
    if entity in ("", "auto"):
        return None
    if entity not in SPECS:
        raise NotFound(UI.text("unknown_entity", entity=entity, choices=", ".join(SPECS)))
    return SPECS[entity]


def clean_name(filename: str | None) -> str:
    """The file's own name without any folder, odd characters replaced, at most 100 long."""
    name = Path((filename or "").replace("\\", "/")).name
    name = re.sub(r"[^\w.\-（）() ]", "_", name).strip() or "upload"
    return name[-100:]


def private_folder(path: Path) -> None:
    """Make ``path`` (and its missing parents) a folder only its owner can open."""
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    path.chmod(FOLDER_MODE)


def private_file(path: Path) -> Any:
    """A new file at ``path`` for writing, readable by its owner only (``0600`` from the
    start, whatever the process's umask)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE), "wb")


@asynccontextmanager
async def upload_form(request: Request) -> AsyncIterator[tuple[UploadFile, dict[str, str]]]:
    """The uploaded ``file`` and the other (text) fields of the request's multipart form,
    closed (its spooled temporary file removed) on leaving the block.

    Entered by the upload routes (marked :func:`api.security.reads_own_form`) after their
    permission check; a cookie session's CSRF token is checked here, on the form's field,
    before the file is used. The body's size is already capped by :class:`BodySizeLimit`.
    """
    async with request.form(max_files=1, max_fields=16) as form:
        fields = {key: value for key, value in form.items() if isinstance(value, str)}
        check_form_csrf(request, fields)
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise InvalidInput(UI.text("upload_missing"))
        yield file, fields


async def save_upload(
    root: Path,
    file: UploadFile,
    *,
    owner: int,
    entity: str,
    language: str,
    max_bytes: int | None = None,
) -> Upload:
    """Keep ``file`` under ``root`` (``0700`` folders, ``0600`` files); refuses other types
    and sizes over ``max_bytes`` (by default the settings' ``upload_max_bytes``) with a
    clear message."""
    if max_bytes is None:
        max_bytes = get_settings().upload_max_bytes
    name = clean_name(file.filename)
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise InvalidInput(UI.text("upload_type", name=name))
    private_folder(root)
    sweep_old_uploads(root)
    token = secrets.token_urlsafe(16)
    folder = root / token
    folder.mkdir(mode=FOLDER_MODE)
    folder.chmod(FOLDER_MODE)
    path = folder / name
    size = 0
    with private_file(path) as out:
        while chunk := await file.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                out.close()
                shutil.rmtree(folder, ignore_errors=True)
                raise InvalidInput(UI.text("upload_too_large", mib=_mib(max_bytes)))
            out.write(chunk)
    meta = {"owner": owner, "entity": entity, "language": language, "file": name}
    with private_file(folder / META) as out:
        out.write(json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    return Upload(token, path, owner, entity, language)


def _mib(size: int) -> str:
    return f"{size / 2**20:g}"


def find_upload(root: Path, token: str, *, owner: int) -> Upload:
    """The upload ``token`` made by ``owner``; not found for anyone else's or a swept one."""
    folder = root / token
    meta_path = folder / META
    if not TOKEN_PATTERN.match(token) or not meta_path.is_file():
        raise NotFound(UI.text("upload_not_found"))
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    path = folder / meta["file"]
    imported = (folder / COMMITTED).exists()  # its file is deleted once imported
    if meta["owner"] != owner or not (path.is_file() or imported):
        raise NotFound(UI.text("upload_not_found"))
    return Upload(token, path, meta["owner"], meta["entity"], meta["language"])


def discard_upload(root: Path, token: str) -> None:
    if TOKEN_PATTERN.match(token):
        shutil.rmtree(root / token, ignore_errors=True)


def sweep_old_uploads(root: Path, now: dt.datetime | None = None) -> None:
    """Remove the uploads made more than :data:`KEPT_FOR` ago."""
    if not root.is_dir():
        return
    cutoff = (now or dt.datetime.now(dt.UTC)).timestamp() - KEPT_FOR.total_seconds()
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


class BodySizeLimit:
    """ASGI middleware: no request body beyond the settings' ``upload_max_bytes`` (plus
    :data:`FORM_OVERHEAD`) is read, and no body other than a multipart upload beyond
    ``request_max_bytes``. A declared ``Content-Length`` beyond it is answered 413 at once; a
    body that streams past it (chunked, or lying about its length) is cut off there: the
    client gets 413 and the application sees the client gone.

    Why a second, smaller cap: FastAPI parses a JSON body before the route's dependencies
    run, the permission check among them. A 50 MiB JSON array of empty objects sent without
    signing in took 1.26 GB and 1.9 s CPU of the worker before its 401; no JSON route takes
    more than about 50 KB."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = scope["app"].state.settings
        headers = dict(scope["headers"])
        if headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data"):
            max_bytes = settings.upload_max_bytes
            limit = max_bytes + FORM_OVERHEAD
            body = _refusal_body(max_bytes)
        else:
            limit = max_bytes = settings.request_max_bytes
            body = _request_refusal_body(max_bytes)
        refusal = JSONResponse(body, status_code=413, headers={"Connection": "close"})
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await refusal(scope, receive, send)
            return
        state = {"read": 0, "refused": False, "started": False}

        async def limited_receive() -> Message:
            if state["refused"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                state["read"] += len(message.get("body", b""))
                if state["read"] > limit:
                    state["refused"] = True
                    if not state["started"]:
                        state["started"] = True
                        await refusal(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if state["refused"]:
                return  # the 413 is the answer; whatever the application says after is dropped
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not state["refused"]:
                raise  # the application's own failure; a cut-off body's aftermath is not


def _refusal_body(max_bytes: int) -> dict[str, Any]:
    text = UI.text("upload_too_large", mib=_mib(max_bytes))
    return {"detail": text.as_dict(), "code": text.id}


def _request_refusal_body(max_bytes: int) -> dict[str, Any]:
    text = UI.text("request_too_large", kib=f"{max_bytes / 1024:g}")
    return {"detail": text.as_dict(), "code": text.id}
