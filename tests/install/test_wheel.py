"""The built wheel, installed into a fresh virtualenv, runs from an empty folder.

The wheel is built from a copy of the packaged sources (so parallel runs do not share a build
folder), installed with ``--no-deps`` into a new virtualenv whose only way to the third-party
libraries is a ``.pth`` line naming this test run's site-packages (its ``.pth`` files — the
editable install's finder among them — are not processed there, so ``workforce`` can only come
from the wheel). Then ``workforce demo`` and ``workforce plan`` run in an empty folder, and
everything they wrote must be under that folder's ``var/`` (the default WORKFORCE_HOME):
nothing in the installed package, nothing in the source tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = ("pyproject.toml", "setup.py", "README.md", "workforce", "optimizer", "api", "texts",
            "data", "migrations", "deploy")  # fmt: skip


def _files(folder: Path) -> set[str]:
    return {
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh virtualenv holding only the wheel."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in PACKAGED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
        else:
            shutil.copy(ROOT / name, source / name)
    run = {"check": True, "capture_output": True, "text": True}
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                    str(work / "dist"), str(source)], **run)  # fmt: skip
    (wheel,) = (work / "dist").glob("teacher_workforce-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], **run)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", str(wheel)], **run)  # fmt: skip
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], **run
    ).stdout.strip()
    Path(site, "test-libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin"


def test_the_wheel_runs_the_demo_and_a_plan_from_an_empty_folder(installed, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKFORCE_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"

    def python(code: str) -> list[str]:
        """What the installed interpreter prints for ``code``, run from the empty folder."""
        return subprocess.run([str(installed / "python"), "-c", code], cwd=folder, env=env,
                              check=True, capture_output=True, text=True).stdout.split()  # fmt: skip

    where = python("import workforce, optimizer, api; "
                   "print(workforce.__file__, optimizer.__file__, api.__file__)")  # fmt: skip
    package_root = Path(where[0]).parent.parent
    assert all(Path(p).is_relative_to(installed.parent) for p in where), where
    package_before = _files(package_root)
    source_before = _files(ROOT / "data") | _files(ROOT / "migrations")

    def workforce(*args: str) -> str:
        done = subprocess.run([str(installed / "workforce"), *args], cwd=folder, env=env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    # At 400 or 800 teachers the sample district has no plan at all (a two-term principal has
    # no principal post to go to); 1,500 is the smallest size checked that has one.
    demo = workforce("demo", "--teachers", "1500", "--time-limit", "30")
    home = folder / "var"
    assert f"实例目录（WORKFORCE_HOME）：{home}" in demo
    assert "已载入合成样本区" in demo and "方案工作簿：" in demo
    plan = workforce("plan", "--year", "2026", "--time-limit", "30", "--out", "plan.json")
    assert "方案草稿 #2 已保存" in plan
    checked = workforce("check-plan", "plan.json")
    assert "方案通过校验" in checked
    # the checker's and explanations' code labels come with the wheel (they fell back to codes)
    labels = python("from optimizer.messages import code_label as c; "
                    "print(c('school_levels', 'primary', 0), c('certificate_levels', 'junior', 0),"
                    " c('subjects', 'pe', 0), c('zones', 'rural', 0))")  # fmt: skip
    assert labels == ["小学", "初级中学教师资格", "体育", "农村"], labels
    # docs/deploy.md is followed from the installed package: its files come with the wheel
    workforce("deploy-files", "deploy")
    shipped = {p.name for p in (ROOT / "deploy").iterdir() if not p.name.startswith("_")}
    assert len(shipped) == 6
    assert {p.name: p.read_bytes() for p in (folder / "deploy").iterdir()} == {
        name: (ROOT / "deploy" / name).read_bytes() for name in shipped
    }

    written = _files(folder)
    assert {"var/workforce.sqlite3", "var/workforce.env", "plan.json"} <= written
    assert any(f.startswith("var/output/rotation-plan-2026-draft-1") for f in written)
    assert all(f.startswith(("var/", "deploy/")) or f == "plan.json" for f in written), written
    assert (home / "workforce.env").stat().st_mode & 0o777 == 0o600
    assert _files(package_root) == package_before
    assert _files(ROOT / "data") | _files(ROOT / "migrations") == source_before
