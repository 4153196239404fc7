"""``scripts/postgres`` (what ``scripts/test`` runs): each start without a folder gets its own
data folder and a free port, asks for a password over TCP, and ``stop`` leaves nothing behind —
so two test runs at once cannot end each other's connections."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "postgres"


def _start() -> str:
    return subprocess.run(["bash", str(SCRIPT)], check=True, capture_output=True, text=True,
                          timeout=120).stdout.strip()  # fmt: skip


def _connect(url: str, password: str | None = None) -> psycopg.Connection:
    parsed = make_url(url)
    return psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username,
                           password=parsed.password if password is None else password,
                           dbname=parsed.database, connect_timeout=10)  # fmt: skip


def test_two_servers_at_once_are_private_and_stop_without_a_trace():
    with ThreadPoolExecutor(2) as pool:
        urls = list(pool.map(lambda _: _start(), range(2)))
    folders = []
    try:
        first, second = (make_url(u) for u in urls)
        assert first.port != second.port and first.password != second.password
        for url in urls:
            with _connect(url) as conn:
                (folder,) = conn.execute("SHOW data_directory").fetchone()
                folders.append(Path(folder).parent)
                assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
            with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
                _connect(url, password="wrong").close()
        assert folders[0] != folders[1]
        assert all(f.stat().st_mode & 0o077 == 0 for f in folders)  # owner-only folders
    finally:
        for folder in folders:
            subprocess.run(["bash", str(SCRIPT), "stop", str(folder)], check=True, timeout=60)
    assert len(folders) == 2 and not any(f.exists() for f in folders)
    for url in urls:
        with pytest.raises(psycopg.OperationalError):
            _connect(url).close()


def test_stop_leaves_alone_a_folder_the_script_did_not_make(tmp_path):
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "todo.txt").write_text("keep me")
    refused = subprocess.run(["bash", str(SCRIPT), "stop", str(mine)], capture_output=True,
                             text=True, timeout=60)  # fmt: skip
    assert refused.returncode == 1 and "left alone" in refused.stderr
    assert (mine / "todo.txt").read_text() == "keep me"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert subprocess.run(["bash", str(SCRIPT), "stop", str(empty)], timeout=60).returncode == 0
    assert not empty.exists()
