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
    assert "wu (审计人员 / " in auditor.output  # the role in words, not its code
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


def test_a_county_is_given_and_taken_away_on_the_command_line_and_audited(engine):
    """``--county`` scopes an HR officer or auditor to a county the schools carry;
    ``update-user --city`` makes them city-level again; each change is in the audit log."""
    from workforce.models import AuditLog, School

    with Session(engine) as session:
        for code, county in (("A001", "东源县"), ("B001", "和平县")):
            session.add(School(code=code, name=code, town="镇", county=county, zone="rural",
                               level="primary"))  # fmt: skip
        session.commit()
    runner = CliRunner()

    def create(*options: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["create-user", "wu", "--role", "hr", *options,
                                   "--password-stdin"], input=f"{PASSWORD}\n")  # fmt: skip

    unknown = create("--county", "龙川县")
    assert unknown.exit_code == 2 and "龙川县" in unknown.output and "东源县" in unknown.output
    assert create("--county", "东源县").exit_code == 0
    moved = runner.invoke(app, ["update-user", "wu", "--county", "和平县"])
    assert moved.exit_code == 0, moved.output
    assert "wu (区人事股 / " in moved.output and "和平县)" in moved.output
    admin = runner.invoke(app, ["update-user", "wu", "--role", "admin", "--county", "和平县"])
    assert admin.exit_code == 2 and "县" in admin.output  # an administrator is city-level
    city = runner.invoke(app, ["update-user", "wu", "--city"])
    assert city.exit_code == 0, city.output
    missing = runner.invoke(app, ["update-user", "nobody", "--city"])
    assert missing.exit_code == 2 and "nobody" in missing.output
    with Session(engine) as session:
        county = session.exec(select(User.county).where(User.username == "wu")).one()
        entries = session.exec(
            select(AuditLog).where(AuditLog.entity == "user").order_by(AuditLog.id)
        ).all()
    assert county is None
    assert [(e.action, (e.before or {}).get("county"), e.after["county"]) for e in entries] == [
        ("create", None, "东源县"), ("update", "东源县", "和平县"), ("update", "和平县", None)
    ]  # fmt: skip


def test_a_clerk_is_given_their_school_by_its_code_and_refusals_name_the_option(engine):
    # --school-id took the database's number, which no command shows; a refused value was
    # named by its Python field in pydantic's English ("display_name: String should have at
    # most 100 characters").
    from workforce.models import School

    with Session(engine) as session:
        session.add(School(code="YC-P-001", name="太阳升小学", town="镇", zone="urban",
                           level="primary"))  # fmt: skip
        session.commit()
        school_id = session.exec(select(School.id)).one()
    runner = CliRunner()

    def create(name: str, *options: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["create-user", name, "--role", "clerk", *options,
                                   "--password-stdin"], input=f"{PASSWORD}\n")  # fmt: skip

    made = create("li", "--school", "YC-P-001")
    assert made.exit_code == 0, made.output
    both = create("wang", "--school", "YC-P-001", "--school-id", str(school_id))
    assert both.exit_code == 2 and "只能给出一个" in both.output  # not one silently winning
    unknown = create("wang", "--school", "YC-P-999")
    assert unknown.exit_code == 2 and "没有学校代码为“YC-P-999”的学校" in unknown.output
    long_name = create("zhao", "--school", "YC-P-001", "--display-name", "长" * 101)
    assert long_name.exit_code == 2, long_name.output
    assert "--display-name：" in long_name.output and "String should" not in long_name.output
    with Session(engine) as session:
        clerks = session.exec(select(User.username, User.school_id)).all()
    assert clerks == [("li", school_id)]
