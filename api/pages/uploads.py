"""The import wizard's uploads: kept by the shared upload store (:mod:`api.uploads`, in the
configured ``upload_dir``), and remembered in the uploader's signed session, so that only
that browser session can commit or download them. A session keeps its last
:data:`KEPT_PER_SESSION` uploads; older ones are removed.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from starlette.datastructures import UploadFile

from api.i18n import page_language
from api.i18n.catalogue import UI
from api.uploads import Upload, discard_upload
from api.uploads import find_upload as find_stored_upload
from api.uploads import save_upload as store_upload
from workforce.accounts.models import User
from workforce.services.errors import NotFound

KEPT_PER_SESSION = 5


def upload_root(request: Request) -> Path:
    return Path(request.app.state.settings.upload_dir)


async def save_upload(request: Request, user: User, file: UploadFile, entity: str) -> Upload:
    """Keep ``file`` and remember its token in the session."""
    assert user.id is not None
    root = upload_root(request)
    upload = await store_upload(
        root, file, owner=user.id, entity=entity, language=page_language(request),
        max_bytes=request.app.state.settings.upload_max_bytes,
    )  # fmt: skip
    kept = [*request.session.get("uploads", []), upload.token]
    for old in kept[:-KEPT_PER_SESSION]:
        discard_upload(root, old)
    request.session["uploads"] = kept[-KEPT_PER_SESSION:]
    return upload


def cancel_upload(request: Request, user: User, token: str) -> None:
    """Delete the upload ``token`` of this session (its file and error report)."""
    upload = find_upload(request, user, token)
    discard_upload(upload_root(request), upload.token)
    request.session["uploads"] = [t for t in request.session.get("uploads", []) if t != token]


def find_upload(request: Request, user: User, token: str) -> Upload:
    """The upload ``token`` of this session; not found for anyone else's or a cleaned one."""
    if token not in request.session.get("uploads", []):
        raise NotFound(UI.text("upload_not_found"))
    assert user.id is not None
    return find_stored_upload(upload_root(request), token, owner=user.id)
