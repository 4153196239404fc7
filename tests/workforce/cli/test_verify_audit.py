"""``workforce verify-audit``: exit 0 with the head to record when the chain is intact; exit 1
naming the altered link, or a recorded head the chain no longer holds; exit 2 for a malformed
head."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import Session
from typer.testing import CliRunner

from workforce import audit, config, db
from workforce.cli import app

runner = CliRunner()


@pytest.fixture
def chain(engine):
    for number in range(3):
        with Session(engine) as session:
            audit.record(session, actor="hr01", action="update", entity="teacher",
                         entity_key=f"T{number}", after={"title": "senior"})  # fmt: skip
            session.commit()
    yield engine
    if db.get_engine.cache_info().currsize:  # the commands' engine
        db.get_engine().dispose()
    config.get_settings.cache_clear()
    db.get_engine.cache_clear()


def _head(output: str) -> str:
    return output.split("链头 ", 1)[1].split("（", 1)[0]


def test_an_intact_chain_gives_its_head_and_the_head_is_checked_later(chain):
    result = runner.invoke(app, ["verify-audit"])
    assert result.exit_code == 0, result.output
    assert "审计链完整：3 批封存、3 条审计记录均与封存相符" in result.output
    head = _head(result.output)
    assert head.startswith("3:") and len(head) == 66
    assert f"workforce verify-audit --expect-head {head}" in result.output
    again = runner.invoke(app, ["verify-audit", "--expect-head", head])
    assert again.exit_code == 0, again.output

    with chain.begin() as connection:  # the newest link and its entry removed
        connection.execute(text("DELETE FROM auditlog WHERE seal_id = "
                                "(SELECT id FROM auditseal WHERE seq = 3)"))  # fmt: skip
        connection.execute(text("DELETE FROM auditseal WHERE seq = 3"))
    cut = runner.invoke(app, ["verify-audit", "--expect-head", head])
    assert cut.exit_code == 1
    assert f"记下的链头 {head} 已不在审计链中：审计链在记下之后被截断或重写" in cut.output
    assert "审计链校验未通过：1 处问题" in cut.output


def test_an_edited_entry_is_named_by_its_link_and_the_command_fails(chain):
    with chain.begin() as connection:
        connection.execute(text("UPDATE auditlog SET after = :a WHERE entity_key = 'T1'"),
                           {"a": '{"title": "second"}'})  # fmt: skip
    result = runner.invoke(app, ["verify-audit"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("第 2 批封存（") and "中有审计记录的内容在封存后被改动" in lines[0]
    assert lines[1] == "审计链校验未通过：1 处问题"


@pytest.mark.parametrize("head", ["3", "3:abc", "x:" + "0" * 64, "3:" + "g" * 64])
def test_a_malformed_head_is_refused_before_anything_is_read(chain, head):
    result = runner.invoke(app, ["verify-audit", "--expect-head", head])
    assert result.exit_code == 2
    assert f"--expect-head 应为“序号:摘要”（摘要为 64 位十六进制数），如 42:9f86d081…；收到：{head}" in (
        result.output)  # fmt: skip
