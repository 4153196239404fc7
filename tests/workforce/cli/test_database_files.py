"""What a command leaves of the embedded SQLite database once its process has ended: the one
file, owner-only, holding every write — no ``-wal`` or ``-shm`` beside it that a plain copy of
the file would miss. Run as processes of their own: the database is closed at exit."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

RUN = "import sys; from workforce.cli import app; app(sys.argv[1:])"


def _workforce(home: Path, *arguments: str) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("WORKFORCE_")}
    environment |= {"WORKFORCE_HOME": str(home), "WORKFORCE_ENVIRONMENT": "test"}
    done = subprocess.run([sys.executable, "-c", RUN, *arguments], capture_output=True,
                          text=True, env=environment, timeout=300,
                          preexec_fn=lambda: os.umask(0o022))  # the usual umask
    assert done.returncode == 0, done.stderr
    return done.stdout


def _copy_of_the_file(home: Path, tmp_path: Path) -> sqlite3.Connection:
    """What a plain copy of the database file alone holds, after checking it is alone."""
    assert sorted(p.name for p in home.iterdir() if p.is_file()) == ["workforce.env",
                                                                    "workforce.sqlite3"]
    database = home / "workforce.sqlite3"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(database.read_bytes())
    return sqlite3.connect(copy)


def test_after_each_command_the_database_is_one_owner_only_file_with_every_write(tmp_path):
    home = tmp_path / "home"
    _workforce(home, "migrate")
    with _copy_of_the_file(home, tmp_path) as copy:
        tables = {row[0] for row in copy.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"school", "teacher", "rotationplan", "auditlog", "alembic_version"} <= tables
    _workforce(home, "demo")
    with _copy_of_the_file(home, tmp_path) as copy:
        teachers = copy.execute("SELECT count(*) FROM teacher").fetchone()[0]
        plans = copy.execute("SELECT count(*) FROM rotationplan").fetchone()[0]
    assert teachers > 3000 and plans == 1
