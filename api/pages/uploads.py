"""Uploaded files kept between the import wizard's dry run and its commit.

Each upload gets a folder named by a random token under the system's temporary directory;
the token is remembered in the uploader's signed session, so nobody else can commit or
download it. Only ``.xlsx`` and ``.csv`` files up to :data:`MAX_UPLOAD_BYTES` are kept.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request, UploadFile

from api.i18n.catalogue import UI
from workforce.services.errors import InvalidInput, NotFound

UPLOAD_ROOT = Path(tempfile.gettempdir()) / "workforce-uploads"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""20 MiB: a district's full teacher workbook is about 2 MiB."""
ALLOWED_SUFFIXES = (".xlsx", ".csv")
KEPT_PER_SESSION = 5
CHUNK = 1024 * 1024
ERROR_REPORT = "errors.xlsx"


@dataclass(frozen=True)
class Upload:
    token: str
    path: Path

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def error_report(self) -> Path:
        return self.folder / ERROR_REPORT


def clean_name(filename: str | None) -> str:
    """The file's own name without any folder, odd characters replaced, at most 100 long."""
    name = Path((filename or "").replace("\\", "/")).name
    name = re.sub(r"[^\w.\-（）() ]", "_", name).strip() or "upload"
    return name[-100:]


async def save_upload(request: Request, file: UploadFile) -> Upload:
    """Keep ``file`` and remember its token in the session; refuses other types and sizes."""
    name = clean_name(file.filename)
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise InvalidInput(UI.text("upload_type", name=name))
    token = secrets.token_urlsafe(16)
    folder = UPLOAD_ROOT / token
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
    kept = [*request.session.get("uploads", []), token]
    for old in kept[:-KEPT_PER_SESSION]:
        shutil.rmtree(UPLOAD_ROOT / old, ignore_errors=True)
    request.session["uploads"] = kept[-KEPT_PER_SESSION:]
    return Upload(token, path)


def find_upload(request: Request, token: str) -> Upload:
    """The upload ``token`` of this session; not found for anyone else's or a cleaned one."""
    if token not in request.session.get("uploads", []):
        raise NotFound(UI.text("upload_not_found"))
    folder = UPLOAD_ROOT / token
    files = [p for p in folder.glob("*") if p.name != ERROR_REPORT] if folder.is_dir() else []
    if not files:
        raise NotFound(UI.text("upload_not_found"))
    return Upload(token, files[0])
