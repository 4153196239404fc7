"""The audit chain: each committing transaction seals its audit entries; an entry edited,
deleted or added afterwards through the database's own rights — or a link removed — is named by
`verify`, a cut-back chain by the head a reader recorded; commits at the same moment make one
chain without gaps; `rotate-secret` signs a sound chain again and refuses a broken one."""

from __future__ import annotations

import hashlib
import threading

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from workforce import audit, audit_chain, config, db
from workforce.audit_chain import ChainBroken, link_digest, parse_head, verify
from workforce.models import AuditLog, AuditSeal, InstanceSetting

OTHER_KEY = "another-secret-key-that-is-long-enough-0123456789"


def _commit(engine, entries: int, *, key: str = "T1", note: str | None = None) -> None:
    """One transaction writing ``entries`` audit entries, the way a service does."""
    with Session(engine) as session:
        db.begin_write(session)
        for number in range(entries):
            audit.record(
                session, actor="hr01", action="update", entity="teacher",
                entity_key=f"{key}/{number}", before={"hours": number},
                after={"hours": number + 1, "name": "张三"}, note=note,
            )  # fmt: skip
        session.commit()


@pytest.fixture
def chain(engine):
    """Four links of 1, 2, 3 and 4 entries (ids 1–10); a rolled-back transaction and one
    without audit entries in between make no link."""
    _commit(engine, 1)
    with Session(engine) as session:
        audit.record(session, actor="hr01", action="delete", entity="teacher", entity_key="T9")
        session.rollback()
    _commit(engine, 2)
    with Session(engine) as session:
        session.add(InstanceSetting(name="unrelated", value="x"))
        session.commit()
    _commit(engine, 3)
    _commit(engine, 4)
    return engine


def _report(engine, **kwargs):
    with Session(engine) as session:
        return verify(session, **kwargs)


def _entry_ids(engine, seq: int) -> list[int]:
    with Session(engine) as session:
        return list(session.exec(
            select(AuditLog.id).join(AuditSeal, AuditLog.seal_id == AuditSeal.id)
            .where(AuditSeal.seq == seq).order_by(AuditLog.id)
        ))  # fmt: skip


def test_each_committing_transaction_is_one_link_and_the_chain_verifies(chain):
    report = _report(chain)
    assert (report.intact, report.links, report.entries, report.findings) == (True, 4, 10, [])
    assert [len(_entry_ids(chain, seq)) for seq in (1, 2, 3, 4)] == [1, 2, 3, 4]
    assert parse_head(report.head) == (4, report.head_digest)
    with Session(chain) as session:
        assert session.exec(select(AuditLog).where(AuditLog.seal_id.is_(None))).all() == []
    assert report.lines("zh")[-1].startswith(
        "审计链完整：4 批封存、10 条审计记录均与封存相符；链头 4:"
    )
    assert report.lines("en")[-1].startswith("the audit chain is intact: 4 links and 10 audit")


def _sql(engine, statement: str, **values) -> None:
    """A change made with the database's own rights, around the application."""
    with engine.begin() as connection:
        connection.execute(text(statement), values)


def _copy_entry(engine, entry_id: int, seal: str) -> None:
    _sql(engine, "INSERT INTO auditlog (at, actor, action, entity, entity_key, before, after, "
                 f"seal_id) SELECT at, actor, 'unmask', entity, entity_key, before, after, {seal} "
                 "FROM auditlog WHERE id = :e", e=entry_id)  # fmt: skip


def _seal_id(engine, seq: int) -> int:
    with Session(engine) as session:
        return session.exec(select(AuditSeal.id).where(AuditSeal.seq == seq)).one()


def _rehash_link(engine, seq: int) -> None:
    """What an attacker without the key can do after editing entries: recompute the link's
    SHA-256 and count (but not its keyed digest)."""
    with Session(engine) as session:
        rows = session.connection().execute(
            select(*audit_chain._entry_columns()).where(
                AuditLog.seal_id == _seal_id(engine, seq)).order_by(AuditLog.id)
        ).all()  # fmt: skip
    sha = hashlib.sha256(b"".join(audit_chain.entry_text(r) + b"\n" for r in rows)).hexdigest()
    _sql(engine, "UPDATE auditseal SET entries_sha256 = :s, entries = :n WHERE seq = :q",
         s=sha, n=len(rows), q=seq)  # fmt: skip


def _link(engine, seq: int):
    with Session(engine) as session:
        return session.exec(select(AuditSeal).where(AuditSeal.seq == seq)).one()


TAMPERING = {
    "an entry's note edited": (
        lambda e: _sql(e, "UPDATE auditlog SET note = 'ok' WHERE id = :i", i=_entry_ids(e, 2)[1]),
        {("entries_content", 2)},
    ),
    "an entry's values edited": (
        lambda e: _sql(
            e,
            "UPDATE auditlog SET after = :a WHERE id = :i",
            a='{"hours": 99}',
            i=_entry_ids(e, 3)[0],
        ),  # fmt: skip
        {("entries_content", 3)},
    ),
    "an entry's time moved": (
        lambda e: _sql(
            e,
            "UPDATE auditlog SET at = :t WHERE id = :i",
            t="2020-01-01 00:00:00",
            i=_entry_ids(e, 1)[0],
        ),  # fmt: skip
        {("entries_content", 1)},
    ),
    "an entry's actor changed": (
        lambda e: _sql(
            e, "UPDATE auditlog SET actor = 'admin' WHERE id = :i", i=_entry_ids(e, 4)[3]
        ),  # fmt: skip
        {("entries_content", 4)},
    ),
    "an entry deleted": (
        lambda e: _sql(e, "DELETE FROM auditlog WHERE id = :i", i=_entry_ids(e, 3)[1]),
        {("entries_count", 3)},
    ),
    "an entry added to a link": (
        lambda e: _copy_entry(e, _entry_ids(e, 2)[0], str(_seal_id(e, 2))),
        {("entries_count", 2)},
    ),
    "an entry added outside the chain": (
        lambda e: _copy_entry(e, _entry_ids(e, 2)[0], "NULL"),
        {("unsealed", None)},
    ),
    "an entry edited and its link's SHA-256 recomputed": (
        lambda e: (
            _sql(e, "UPDATE auditlog SET note = 'ok' WHERE id = :i", i=_entry_ids(e, 2)[0]),
            _rehash_link(e, 2),
        ),
        {("link_broken", 2)},
    ),
    "a whole link and its entries deleted": (
        lambda e: (
            _sql(e, "DELETE FROM auditlog WHERE seal_id = :s", s=_seal_id(e, 2)),
            _sql(e, "DELETE FROM auditseal WHERE seq = 2"),
        ),
        {("link_missing", 3), ("link_broken", 3)},
    ),
    "a link re-signed with a guessed key": (
        lambda e: _sql(
            e,
            "UPDATE auditseal SET digest = :d WHERE seq = 2",
            d=link_digest(b"guess", _link(e, 2), "0" * 64),
        ),  # fmt: skip
        {("link_broken", 2), ("link_broken", 3)},
    ),
    "a link's shown entry range moved": (
        lambda e: _sql(e, "UPDATE auditseal SET first_entry_id = 1 WHERE seq = 3"),
        {("link_broken", 3)},
    ),
    "a link's sealing time moved": (
        lambda e: _sql(e, "UPDATE auditseal SET sealed_at = '2020-01-01 00:00:00' WHERE seq = 1"),
        {("link_broken", 1)},
    ),
    "links renumbered to close a gap": (
        lambda e: (
            _sql(e, "DELETE FROM auditlog WHERE seal_id = :s", s=_seal_id(e, 4)),
            _sql(e, "DELETE FROM auditseal WHERE seq = 4"),
            _sql(e, "UPDATE auditseal SET seq = 5 WHERE seq = 3"),
            _sql(e, "UPDATE auditseal SET seq = 4 WHERE seq = 5"),
        ),
        {("link_missing", 4), ("link_broken", 4)},
    ),
}


@pytest.mark.parametrize("tampering", sorted(TAMPERING))
def test_every_change_around_the_application_is_named_by_its_link(chain, tampering):
    change, expected = TAMPERING[tampering]
    change(chain)
    report = _report(chain)
    assert not report.intact
    assert {(f.code, f.seq) for f in report.findings} == expected
    for finding in report.findings:  # every finding names its link or its entries, in words
        zh, en = finding.text("zh"), finding.text("en")
        if finding.code == "unsealed":
            (added,) = finding.entry_ids
            assert added > max(_entry_ids(chain, 4)) and f"#{added}" in zh and f"#{added}" in en
        elif finding.code == "link_missing":
            assert "缺少第 " in zh and " 批封存" in zh and "missing" in en
        else:
            assert f"第 {finding.seq} 批封存" in zh and f"link {finding.seq} " in en
    assert report.lines("zh")[-1] == f"审计链校验未通过：{len(report.findings)} 处问题"


def test_the_tampering_cases_cover_each_finding():
    codes = {code for _, expected in TAMPERING.values() for code, _ in expected}
    assert len(TAMPERING) == 13
    assert codes == {"entries_content", "entries_count", "unsealed", "link_broken",
                     "link_missing"}  # fmt: skip


def test_an_entry_forged_between_transactions_is_not_sealed_by_the_next_commit(chain):
    """The next commit seals only its own entries (its token): a forged entry stays unsealed,
    so `verify` still names it — also after `migrate`, which seals only a chain's first link."""
    _sql(
        chain,
        "INSERT INTO auditlog (at, actor, action, entity, entity_key) "
        "VALUES ('2026-01-05 08:00:00', 'admin', 'update', 'teacher', 'T1/forged')",
    )
    _commit(chain, 2)
    db.migrate(chain)
    report = _report(chain)
    assert (report.links, report.entries) == (5, 13)
    (finding,) = report.findings
    (forged,) = finding.entry_ids
    assert (finding.code, finding.params["count"]) == ("unsealed", 1)
    assert forged not in _entry_ids(chain, 5) and len(_entry_ids(chain, 5)) == 2
    with Session(chain) as session:  # no token is left behind on a sealed entry
        assert session.exec(select(AuditLog).where(AuditLog.seal_token.is_not(None))).all() == []


def test_a_chain_cut_back_is_found_only_by_the_head_a_reader_recorded(chain):
    recorded = parse_head(_report(chain).head)
    earlier = _report(chain)
    _sql(chain, "DELETE FROM auditlog WHERE seal_id = :s", s=_seal_id(chain, 4))
    _sql(chain, "DELETE FROM auditseal WHERE seq = 4")
    assert _report(chain).intact  # the newest link gone without a trace but the head
    report = _report(chain, expected_head=recorded)
    assert (report.intact, report.expected_head_found, report.findings) == (False, False, [])
    assert f"记下的链头 {earlier.head} 已不在审计链中" in report.lines("zh")[0]
    three = (3, _report(chain).head_digest)
    assert _report(chain, expected_head=three).expected_head_found is True
    assert _report(chain, expected_head=(3, "f" * 64)).expected_head_found is False


def test_without_the_key_no_link_verifies(chain):
    report = _report(chain, secret_key=OTHER_KEY)
    assert [(f.code, f.seq) for f in report.findings] == [("link_broken", s) for s in (1, 2, 3, 4)]


def test_transactions_committing_together_make_one_chain_without_gaps(chain):
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for _ in range(5):
                _commit(chain, 2, key=f"W{number}")
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = _report(chain)
    assert (report.intact, report.links, report.entries) == (True, 4 + 20, 10 + 40)
    with Session(chain) as session:
        assert list(session.exec(select(AuditSeal.seq).order_by(AuditSeal.seq))) == list(
            range(1, 25)
        )


def test_migrate_seals_the_entries_written_before_the_chain(engine):
    for number in range(3):  # as the log held them before revision 0016
        _sql(engine, "INSERT INTO auditlog (at, actor, action, entity, entity_key) "
                     "VALUES ('2026-01-05 08:00:00', 'cli', 'create', 'teacher', :k)",
             k=f"T{number}")  # fmt: skip
    assert [(f.code, f.seq) for f in _report(engine).findings] == [("unsealed", None)]
    db.migrate(engine)
    report = _report(engine)
    assert (report.intact, report.links, report.entries) == (True, 1, 3)
    _commit(engine, 1)
    assert (_report(engine).intact, _report(engine).links) == (True, 2)


def test_rotate_secret_signs_the_chain_again_and_seals_its_own_entry_under_the_new_key(chain):
    from workforce.secret import check_secret_key, rotate_secret_key

    old = config.get_settings().secret_key
    check_secret_key(chain, old)
    rotate_secret_key(chain, old, OTHER_KEY, actor="admin")
    report = _report(chain, secret_key=OTHER_KEY)
    assert (report.intact, report.links, report.entries) == (True, 5, 11)
    assert len(_report(chain, secret_key=old).findings) == 5  # every link now under the new key


def test_rotate_secret_refuses_a_chain_that_does_not_verify_and_changes_nothing(chain):
    from workforce.secret import check_secret_key, check_value, rotate_secret_key

    old = config.get_settings().secret_key
    check_secret_key(chain, old)
    _sql(chain, "UPDATE auditseal SET entries = 7 WHERE seq = 2")
    with Session(chain) as session:
        before = session.exec(select(AuditSeal.seq, AuditSeal.digest)).all()
    with pytest.raises(ChainBroken) as refused:
        rotate_secret_key(chain, old, OTHER_KEY, actor="admin")
    assert "审计链校验未通过（2 处问题），不更换密钥" in refused.value.zh
    with Session(chain) as session:
        assert session.exec(select(AuditSeal.seq, AuditSeal.digest)).all() == before
        assert session.get(InstanceSetting, "secret_key_check").value == check_value(old)
        assert session.exec(select(AuditLog).where(AuditLog.action == "rotate_secret")).all() == []
