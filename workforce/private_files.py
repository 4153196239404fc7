"""Files the system writes for its users — exports, plans, reports, letters, backups, its own
settings: written whole or not at all, and readable by their owner only.

Why: these files hold personal data (names, birth dates, posts and histories; ID numbers where
the user's role may see them). Written in place with the process's umask (usually 022) they
were readable by every account of the machine, and a write that failed halfway (a full disk, a
killed process, a folder where the file should go) left a truncated file under the final name,
which Excel, `check-plan` or a restore would then open as if it were whole.

Here each file is written to a temporary file beside it, created with mode 0600 by
`tempfile.mkstemp` whatever the umask; writers that take a path (XlsxWriter, `zipfile`) open
that path again for writing, which keeps the mode. Once written it is flushed to the disk and
renamed over the final name (`os.replace`: atomic within one file system, and the folder is the
same), so a reader sees the old file or the new one, never a part. On any error the temporary
file is removed and the old file, if there was one, is left as it was.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xlsxwriter import Workbook

PRIVATE_FILE_MODE = 0o600
"""Owner may read and write; nobody else may do anything (what `mkstemp` creates)."""
NOT_A_REGULAR_FILE = "exists and is not a regular file (a device, pipe or socket): not replaced"


@contextmanager
def private_output(path: Path | str) -> Iterator[Path]:
    """A temporary path to write ``path``'s content to; when the block ends without an error
    the file there replaces ``path``, else it is removed.

    A file that cannot be written (no such folder, no room, a folder where the file should go)
    raises the `OSError` of the system — `FileNotFoundError`, `IsADirectoryError`, … — with
    ``path`` as its ``filename``, never the temporary file's name, which the user never gave.
    An `OSError` about another file (one the block reads) passes as it is.

    A ``path`` that exists and is not a regular file (a device, a pipe, a socket) is refused
    before anything is written: the rename would replace it. ``--out /dev/full`` replaced the
    device with a plan file when the program ran as root."""
    target = Path(path)
    if target.exists() and not target.is_file() and not target.is_dir():
        raise OSError(errno.EEXIST, NOT_A_REGULAR_FILE, str(target))
    try:
        descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial",
                                            dir=target.parent)
    except OSError as exc:
        raise _naming(exc, target) from None
    os.close(descriptor)
    partial = Path(name)
    try:
        yield partial
        with partial.open("rb+") as written:  # its data on the disk before the name points at it
            os.fsync(written.fileno())
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        if exc.filename not in (None, name):  # about another file the block read: as it is
            raise
        raise _naming(exc, target) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _naming(error: OSError, target: Path) -> OSError:
    """``error`` (its errno, hence its class, and the system's reason) about ``target``."""
    return OSError(error.errno, error.strerror or str(error), str(target))


def write_private_text(path: Path | str, text: str) -> None:
    """``path.write_text(text)`` in UTF-8, whole or not at all and owner-only."""
    with private_output(path) as partial:
        partial.write_text(text, encoding="utf-8")


@contextmanager
def private_workbook(path: Path | str, options: dict[str, object]) -> Iterator[Workbook]:
    """An XlsxWriter workbook (with ``options``) that becomes ``path`` as `private_output`
    says: closed (written) when the block ends and kept only when nothing went wrong.
    XlsxWriter's own error for a file it cannot create is the system's `OSError` again, naming
    ``path``. After an error in the block the workbook is still closed (XlsxWriter's temporary
    files go), but the block's error is the one raised."""
    import xlsxwriter  # here: the CLI imports this module on commands that write no workbook
    from xlsxwriter.exceptions import FileCreateError

    with private_output(path) as partial:
        workbook = xlsxwriter.Workbook(str(partial), options)
        try:
            yield workbook
        except BaseException:
            with suppress(Exception):
                workbook.close()
            raise
        try:
            workbook.close()
        except FileCreateError as exc:  # it wraps the OSError of the zip file it opens
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
            raise cause or OSError(errno.EIO, str(exc)) from None
