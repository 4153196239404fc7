"""File answers of the JSON API (workbooks, CSV, PDF, charts): the media types and the
``Content-Disposition`` header that keeps Chinese file names intact (RFC 5987)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import quote

from fastapi.responses import Response, StreamingResponse

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
    "png": "image/png",
    "json": "application/json",
}


def download(content: bytes, filename: str) -> Response:
    """``content`` as an attachment named ``filename`` (its suffix gives the media type)."""
    suffix = filename.rsplit(".", 1)[-1].lower()
    return Response(
        content,
        media_type=MEDIA_TYPES[suffix],
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename, safe='')}"},
    )


def download_pieces(pieces: Iterable[str], filename: str) -> StreamingResponse:
    """A long text given in pieces (`workforce.plans.lifecycle.plan_json_pieces`) as an
    attachment, encoded and sent a slice at a time: joined, the 100,000-teacher plan file is
    about 100 MB of text, held again as bytes."""
    from workforce.plans.lifecycle import text_slices  # the file writer's slices

    suffix = filename.rsplit(".", 1)[-1].lower()
    return StreamingResponse(
        (text.encode() for text in text_slices(pieces)),
        media_type=MEDIA_TYPES[suffix],
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename, safe='')}"},
    )


def written_file(filename: str, write: Callable[[Path], object]) -> bytes:
    """The bytes ``write(path)`` puts in a fresh temporary file with ``filename``'s suffix.
    Only the suffix is taken: a file name may hold what users typed (a county, which may hold
    ``/`` or ``..``), and as a path it could land outside the temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"download{Path(filename).suffix}"
        write(path)
        return path.read_bytes()
