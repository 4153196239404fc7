"""Uploaded import files kept between their dry run and their commit, for the import pages
and the JSON import API alike.

Each upload gets a folder named by a random token (its upload id) under the configured
``upload_dir`` (:class:`workforce.config.Settings`). Beside the file the folder holds
``upload.json`` (who uploaded it, for which entity, in which language) and, once it is
committed, a ``committed`` marker created atomically, so that of two commits of the same
upload exactly one goes ahead. Only ``.xlsx`` and ``.csv`` files up to
:data:`MAX_UPLOAD_BYTES` are kept; uploads older than :data:`KEPT_FOR` are removed whenever a
new one arrives. An upload is found only by the user who made it (anyone else: not found).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from fastapi import UploadFile

from api.i18n.catalogue import UI
from workforce.io.entities import SPECS
from workforce.io.spec import EntitySpec
from workforce.services.errors import InvalidInput, NotFound

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""20 MiB: a district's full teacher workbook is about 2 MiB."""
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


async def save_upload(
    root: Path, file: UploadFile, *, owner: int, entity: str, language: str
) -> Upload:
    """Keep ``file`` under ``root``; refuses other types and sizes with a clear message."""
    name = clean_name(file.filename)
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise InvalidInput(UI.text("upload_type", name=name))
    sweep_old_uploads(root)
    token = secrets.token_urlsafe(16)
    folder = root / token
    folder.mkdir(parents=True)
    path = folder / name
    size = 0
    with path.open("wb") as out:
        while chunk := await file.read(CHUNK):
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                out.close()
                shutil.rmtree(folder, ignore_errors=True)
                raise InvalidInput(UI.text("upload_too_large", mib=MAX_UPLOAD_BYTES // 2**20))
            out.write(chunk)
    meta = {"owner": owner, "entity": entity, "language": language, "file": name}
    (folder / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return Upload(token, path, owner, entity, language)


def find_upload(root: Path, token: str, *, owner: int) -> Upload:
    """The upload ``token`` made by ``owner``; not found for anyone else's or a swept one."""
    folder = root / token
    meta_path = folder / META
    if not TOKEN_PATTERN.match(token) or not meta_path.is_file():
        raise NotFound(UI.text("upload_not_found"))
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    path = folder / meta["file"]
    if meta["owner"] != owner or not path.is_file():
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
