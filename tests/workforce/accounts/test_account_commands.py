"""``workforce create-admin`` / ``create-user``: no default password; typed twice or piped."""

from __future__ import annotations

from sqlmodel import Session, select
from typer.testing import CliRunner

from workforce.accounts.models import User
from workforce.cli import app

PASSWORD = "a long enough password"


def test_create_admin_from_prompt_and_user_from_stdin(engine):
    runner = CliRunner()
    admin = runner.invoke(app, ["create-admin", "chen"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert admin.exit_code == 0, admin.output
    auditor = runner.invoke(
        app, ["create-user", "wu", "--role", "auditor", "--password-stdin"], input=f"{PASSWORD}\n"
    )
    assert auditor.exit_code == 0, auditor.output
    with Session(engine) as session:
        users = {u.username: u.role for u in session.exec(select(User)).all()}
    assert users == {"chen": "admin", "wu": "auditor"}


def test_refusals_are_clear_messages(engine):
    runner = CliRunner()
    mismatch = runner.invoke(app, ["create-admin", "chen"], input=f"{PASSWORD}\nother one!!\n")
    assert mismatch.exit_code == 2 and "两次输入的密码不一致" in mismatch.output
    short = runner.invoke(app, ["create-admin", "chen", "--password-stdin"], input="short\n")
    assert short.exit_code == 2 and "密码至少需要" in short.output
    clerk = runner.invoke(
        app, ["create-user", "li", "--role", "clerk", "--password-stdin"], input=f"{PASSWORD}\n"
    )
    assert clerk.exit_code == 2 and "学校" in clerk.output
