"""Files users get from the system are theirs alone and never half-written (`private_files`):
the helper itself, then every command that writes a file, as a user runs it."""

import errno
import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from workforce.cli import app
from workforce.private_files import private_output, private_workbook, write_private_text

from .district import build_small_district


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_is_owner_only_whatever_the_umask(tmp_path):
    with umask(0):  # a umask that would make every new file world-writable
        write_private_text(tmp_path / "名单.json", '{"姓名": "张三"}')
    assert mode(tmp_path / "名单.json") == 0o600
    assert json.loads((tmp_path / "名单.json").read_text(encoding="utf-8")) == {"姓名": "张三"}
    assert [p.name for p in tmp_path.iterdir()] == ["名单.json"]


def test_a_file_readable_by_others_is_replaced_by_an_owner_only_one(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o644)
    write_private_text(path, "new")
    assert path.read_text(encoding="utf-8") == "new" and mode(path) == 0o600


def test_a_write_that_fails_halfway_leaves_the_old_file_and_no_partial_one(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text("the plan the office approved", encoding="utf-8")
    with pytest.raises(RuntimeError, match="disk full"), private_output(path) as partial:
        partial.write_text("the first half of a new pl", encoding="utf-8")
        raise RuntimeError("disk full")
    assert path.read_text(encoding="utf-8") == "the plan the office approved"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_a_workbook_that_fails_halfway_is_not_left_behind(tmp_path):
    path = tmp_path / "名单.xlsx"
    with pytest.raises(ValueError, match="bad row"), private_workbook(path, {}) as workbook:
        workbook.add_worksheet("交流名单").write_string(0, 0, "工号")
        raise ValueError("bad row")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_where_the_file_should_go_is_an_error_and_leaves_nothing(tmp_path):
    (tmp_path / "plan.json").mkdir()
    with pytest.raises(IsADirectoryError):
        write_private_text(tmp_path / "plan.json", "{}")
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]
    assert list((tmp_path / "plan.json").iterdir()) == []


def test_a_missing_folder_is_an_error_that_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="no-such-folder"):
        write_private_text(tmp_path / "no-such-folder" / "plan.json", "{}")


runner = CliRunner()

COMMANDS = {
    "plan.json": ["plan", "--year", "2026", "--time-limit", "20", "--out", "{out}"],
    "plan.xlsx": ["plan", "--year", "2026", "--time-limit", "20", "--out", "{out}"],
    "teachers.csv": ["export", "teachers", "--out", "{out}"],
    "teachers.xlsx": ["export", "teachers", "--out", "{out}"],
    "template.xlsx": ["template", "teachers", "--out", "{out}"],
    "training.xlsx": ["report", "training", "--as-of", "2026-09-01", "--out", "{out}"],
    "rotation.json": ["report", "rotation", "--out", "{out}"],
    "staffing.png": ["report", "staffing", "--out", "{folder}/staffing.xlsx",
                     "--chart", "{out}"],
    "roadmap.json": ["roadmap", "--from", "2026", "--years", "2", "--time-limit", "20",
                     "--json", "{out}"],
    "backup.tar.gz": ["backup", "{out}"],
}
"""Every command that writes a file a user takes away, with the file it is checked on."""


def test_every_file_a_command_writes_is_owner_only_and_whole(engine, tmp_path):
    with Session(engine) as session:
        build_small_district(session)
    folder = tmp_path / "out"
    folder.mkdir()
    checked = []
    with umask(0o022):  # the usual umask: files the user's colleagues on the server could read
        for name, arguments in COMMANDS.items():
            out = folder / name
            result = runner.invoke(app, [a.format(out=out, folder=folder) for a in arguments],
                                   catch_exceptions=False)
            assert result.exit_code == 0, (name, result.output)
            assert out.stat().st_size > 0 and mode(out) == 0o600, name
            checked.append(name)
    assert checked == list(COMMANDS) and len(checked) == 10
    written = sorted(p.name for p in folder.iterdir())
    assert written == sorted([*COMMANDS, "staffing.xlsx"])  # nothing partial left beside them
    assert all(mode(p) == 0o600 for p in folder.iterdir())


def test_a_command_that_cannot_write_its_file_says_which_and_why_and_leaves_nothing(engine,
                                                                                    tmp_path):
    with Session(engine) as session:
        build_small_district(session)
    folder = tmp_path / "out"
    folder.mkdir()
    refused = []
    for name, arguments in COMMANDS.items():
        out = folder / name
        out.mkdir()  # a folder stands where the file should go
        result = runner.invoke(app, [a.format(out=out, folder=folder) for a in arguments],
                               catch_exceptions=False)
        assert result.exit_code == 2, (name, result.output)
        assert "无法写入" in result.output and str(out) in result.output, (name, result.output)
        assert "Traceback" not in result.output and ".partial" not in result.output
        assert list(out.iterdir()) == [], name
        refused.append(name)
    assert refused == list(COMMANDS) and len(refused) == 10
    assert not [p for p in folder.iterdir() if p.name.endswith(".partial")]


def test_a_device_or_pipe_where_the_file_should_go_is_refused_not_replaced(engine, tmp_path):
    """`--out /dev/full`, run as root, replaced the device with the command's file: the
    rename over the name does not care what is there. Every command now refuses a path that is
    not a regular file, names it, and leaves it as it was (a pipe stands in for the device)."""
    with Session(engine) as session:
        build_small_district(session)
    folder = tmp_path / "out"
    folder.mkdir()
    refused = []
    for name, arguments in COMMANDS.items():
        out = folder / name
        os.mkfifo(out)
        result = runner.invoke(app, [a.format(out=out, folder=folder) for a in arguments],
                               catch_exceptions=False)
        assert result.exit_code == 2, (name, result.output)
        assert "无法写入" in result.output and str(out) in result.output, (name, result.output)
        assert "not a regular file" in result.output or "不是普通文件" in result.output, (
            name, result.output)  # fmt: skip
        assert stat.S_ISFIFO(os.lstat(out).st_mode), name
        refused.append(name)
    assert refused == list(COMMANDS) and len(refused) == 10
    # nothing else but the staffing workbook, written before its chart was refused
    assert sorted(p.name for p in folder.iterdir()) == sorted([*COMMANDS, "staffing.xlsx"])


def test_an_error_about_another_file_is_not_blamed_on_the_one_written(tmp_path):
    with pytest.raises(FileNotFoundError) as raised, private_output(tmp_path / "b.tar.gz"):
        (tmp_path / "gone.txt").read_text()  # e.g. a file the backup was packing vanished
    assert raised.value.filename == str(tmp_path / "gone.txt")
    assert list(tmp_path.iterdir()) == []


def test_no_room_while_writing_is_an_error_about_the_file_asked_for(tmp_path):
    with pytest.raises(OSError) as raised, private_output(tmp_path / "名单.csv"):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as a write() on a full disk
    assert raised.value.errno == errno.ENOSPC and raised.value.filename == str(tmp_path / "名单.csv")
    assert list(tmp_path.iterdir()) == []


def test_only_the_files_a_command_writes_are_called_unwritable(tmp_path, monkeypatch):
    import typer

    from workforce.cli.app import writing

    monkeypatch.chdir(tmp_path)
    out = Path("out") / "b.tar.gz"  # as typed; the writer reports it resolved
    with pytest.raises(typer.Exit), writing("zh", out):
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(tmp_path / out))
    with pytest.raises(typer.Exit), writing("zh", out):  # its folder cannot be made
        raise NotADirectoryError(errno.ENOTDIR, "Not a directory", "out")
    with pytest.raises(FileNotFoundError), writing("zh", out):  # a file being read vanished
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", "home/uploads/a.xlsx")
