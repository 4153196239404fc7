"""``workforce deploy-files``: the deployment files of docs/deploy.md come from the installed
package, and an office's edited copy is never overwritten without ``--force``."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from workforce.cli import app

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = sorted(p.name for p in (ROOT / "deploy").iterdir() if not p.name.startswith("_"))


def test_writes_every_deployment_file_as_shipped_and_keeps_an_edited_copy(tmp_path):
    assert len(SHIPPED) == 6
    runner = CliRunner()
    first = runner.invoke(app, ["deploy-files", str(tmp_path / "deploy")])
    assert first.exit_code == 0, first.output
    written = sorted(p.name for p in (tmp_path / "deploy").iterdir())
    assert written == SHIPPED
    for name in SHIPPED:
        assert (tmp_path / "deploy" / name).read_bytes() == (ROOT / "deploy" / name).read_bytes()

    edited = tmp_path / "deploy" / "workforce.env.example"
    edited.write_text("WORKFORCE_DATABASE_URL=edited\n", encoding="utf-8")
    again = runner.invoke(app, ["deploy-files", str(tmp_path / "deploy")])
    assert again.exit_code == 2
    assert "已有文件" in again.output and "--force" in again.output
    assert edited.read_text(encoding="utf-8") == "WORKFORCE_DATABASE_URL=edited\n"

    forced = runner.invoke(app, ["deploy-files", str(tmp_path / "deploy"), "--force"])
    assert forced.exit_code == 0, forced.output
    assert edited.read_bytes() == (ROOT / "deploy" / "workforce.env.example").read_bytes()
