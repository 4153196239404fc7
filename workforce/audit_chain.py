"""The audit chain: the audit log made tamper-evident.

The audit log (:mod:`workforce.audit`) is a table; whoever has the database's own rights — a
database administrator, a copy of the database file or a backup without the secret key — could
edit, delete or add entries and nothing would show it. So every transaction that writes audit
entries seals them as it commits: one *link* (``AuditSeal``) holds

- ``seq``, its place in the chain (1, 2, 3, … with no gaps),
- how many entries it seals, the first and last entry id, and the SHA-256 of the entries'
  canonical text (:func:`entry_text`: every stored field, the id and time included),
- ``digest`` = HMAC-SHA256 under a key derived from the secret key (``audit-chain``) of all
  the link's figures (number, sealing time, count, entry ids, SHA-256) and the previous link's
  digest (:func:`link_digest`).

:func:`verify` reads the whole log back and says which link no longer matches (an entry of it
edited, deleted or added), which links are missing from the numbering, and which entries no
link holds. Without the secret key nobody can make a matching digest; with it (the
configuration file *and* the database) the chain can be rewritten, which only a head recorded
elsewhere shows: :func:`verify` takes an expected head (``seq:digest``) and says whether the
chain still contains it (docs/security.md, "The audit chain").

Sealing happens in the committing transaction, last (``before_commit``): the entries the
transaction wrote — those carrying its random token (:func:`transaction_token`), never an entry
written around the application in between — are read back as stored, so the text the seal
covers is the text :func:`verify` reads. PostgreSQL: a transaction-scoped advisory lock orders the committing
transactions, so the links follow the commit order and ``seq`` has no gap or fork (``seq`` is
unique as well: two links can never share a place); the lock is the transaction's last, so
it cannot take part in a deadlock. SQLite: the transaction holds the database's write lock
already (it wrote the entries). The entries written before the chain existed are sealed as
its first link by ``workforce migrate`` (:func:`seal_pending`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Table, Text, bindparam, cast, event, insert, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

import texts
from workforce.config import derive_key, get_settings
from workforce.dates import local_time
from workforce.models import AuditLog, AuditSeal, InstanceSetting, utcnow
from workforce.secret import CHECK_NAME, SecretKeyMismatch, check_value

PENDING = "audit_chain_token"
"""``session.info`` key: the token of this transaction's audit entries (set by
:func:`transaction_token`); the commit seals the entries that carry it."""
KEY_OVERRIDE = "audit_chain_secret"
"""``session.info`` key: the secret key this transaction's link is sealed with, when it is not
the configured one (``rotate-secret`` seals its own entry under the new key)."""
CHAIN_LOCK = (0x61756469, 0)
"""PostgreSQL advisory lock ("audi") held from sealing to commit: links in commit order."""
GENESIS = "0" * 64
"""The "previous digest" of link 1."""
ENTRY_FIELDS = (
    "id", "at", "actor", "action", "entity", "entity_key", "before", "after", "import_batch_id",
    "note", "teacher_id",
)  # fmt: skip
"""What a link covers of each entry: every field an entry is read and judged by."""
READ_BATCH = 5_000
SHOWN_IDS = 10
"""Entry ids a finding lists (the first ones; the count says how many)."""

AUDIT: Table = AuditLog.__table__  # type: ignore[attr-defined]
SEAL: Table = AuditSeal.__table__  # type: ignore[attr-defined]


def chain_key(secret_key: str) -> bytes:
    """The HMAC key of the chain, derived from the deployment's secret key."""
    return derive_key(secret_key, "audit-chain")


def entry_text(row: Any) -> bytes:
    """An entry's canonical text: its :data:`ENTRY_FIELDS` (as :func:`_entry_columns` reads
    them) as one JSON array — ``before``/``after`` as the JSON text the database holds, the time
    as ISO text without a zone — the same bytes whether read by the sealing transaction or by
    :func:`verify` years later, on SQLite or PostgreSQL (whose ``json`` type keeps the text as
    written). Unambiguous: JSON quotes every text."""
    at = row[1]
    if isinstance(at, dt.datetime):
        at = (at.replace(tzinfo=None) if at.tzinfo else at).isoformat(timespec="microseconds")
    return _ENCODER.encode([row[0], at, *row[2:_FIELDS]]).encode()


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)
_FIELDS = len(ENTRY_FIELDS)


def link_digest(key: bytes, link: Any, previous: str) -> str:
    """The keyed digest (hex) of ``link`` — every figure a finding shows of it: number,
    sealing time, count, first and last entry id, the entries' SHA-256 — and the previous
    link's digest. ``link`` is the stored row: signed and verified as the database keeps it."""
    sealed_at = link.sealed_at.replace(tzinfo=None).isoformat(timespec="microseconds")
    message = "|".join(str(part) for part in (
        link.seq, sealed_at, link.entries, link.first_entry_id, link.last_entry_id,
        link.entries_sha256, previous,
    ))  # fmt: skip
    return hmac.digest(key, message.encode(), "sha256").hex()


def _entry_columns() -> list[Any]:
    """The columns :func:`entry_text` reads, in :data:`ENTRY_FIELDS`' order; ``before`` and
    ``after`` as their stored text (not parsed: the text is what was written)."""
    return [
        cast(AUDIT.c[name], Text).label(name) if name in ("before", "after") else AUDIT.c[name]
        for name in ENTRY_FIELDS
    ]


def transaction_token(session: OrmSession) -> str:
    """The random token :func:`workforce.audit.record_many` writes on the entries of
    ``session``'s transaction (``auditlog.seal_token``), made at its first entry.

    The commit seals only the entries that carry it: an entry written around the application
    between two transactions (no token, or not this one — it lives only in this process's
    memory) is never sealed by the next commit as if it were the application's, and
    :func:`verify` names it as unsealed."""
    token = session.info.get(PENDING)
    if token is None:
        token = session.info[PENDING] = secrets.token_hex(16)
    return token


def seal(connection: Connection, secret_key: str, token: str | None) -> int:
    """Seal the entries no link holds yet that carry ``token`` (``None``: those that carry no
    token — written before the chain existed, :func:`seal_pending`) as one new link; returns
    how many (0: no link made).

    Called as a writing transaction commits; see the module's docstring for the ordering under
    concurrent commits. The statements are built once (:func:`_statements`): built per call,
    they cost more than running them."""
    statements = _statements()
    if connection.dialect.name == "postgresql":
        connection.execute(statements["lock"], {"what": CHAIN_LOCK[0], "of": CHAIN_LOCK[1]})
    _refuse_changed_key(connection, secret_key)
    digest = hashlib.sha256()
    count = first = last = 0
    for row in connection.execute(statements["pending"], {"token": token}):
        digest.update(entry_text(row))
        digest.update(b"\n")
        count += 1
        first = first or row.id
        last = row.id
    if not count:
        return 0
    previous = connection.execute(statements["head"]).first()
    seq = previous.seq + 1 if previous else 1
    link_id = connection.execute(statements["insert"], {
        "seq": seq, "sealed_at": utcnow(), "entries": count, "first_entry_id": first,
        "last_entry_id": last, "entries_sha256": digest.hexdigest(), "digest": "",
    }).inserted_primary_key[0]  # fmt: skip
    # signed as read back: the sealing time as the database keeps it, which is what verify reads
    stored = connection.execute(statements["link"], {"link": link_id}).one()
    signed = link_digest(chain_key(secret_key), stored, previous.digest if previous else GENESIS)
    connection.execute(statements["sign"], {"link": link_id, "signed": signed})
    connection.execute(statements["mark"], {"link": link_id, "token": token})
    return count


def _refuse_changed_key(connection: Connection, secret_key: str) -> None:
    """Refuse to commit a transaction whose key is no longer the database's.

    ``rotate-secret`` may run while a server or another command still holds the old key in
    memory: a write of theirs committed after the rotation would store an ID number (and its
    lookup hash) under a key nobody has any more, and sign a link the chain's new key does not
    verify. Every transaction that changes the registry writes audit entries and so seals them
    here, under the chain's lock (PostgreSQL's advisory lock, SQLite's write lock), which the
    rotation holds from before it reads anything until it commits: the key check value read here
    is the one the rotation left. A database without a check value yet (before its first
    start) has nothing to compare."""
    stored = connection.execute(_statements()["key_check"]).scalar()
    if stored is not None and not hmac.compare_digest(stored, check_value(secret_key)):
        raise SecretKeyMismatch()


@cache
def _statements() -> dict[str, Any]:
    """The statements :func:`seal` runs, built once."""
    return {
        "lock": text("SELECT pg_advisory_xact_lock(:what, :of)"),
        "key_check": select(InstanceSetting.value).where(InstanceSetting.name == CHECK_NAME),
        "pending": select(*_entry_columns())
        .where(AUDIT.c.seal_id.is_(None), _carries(bindparam("token")))
        .order_by(AUDIT.c.id),
        "head": select(SEAL.c.seq, SEAL.c.digest).order_by(SEAL.c.seq.desc()).limit(1),
        "insert": insert(SEAL),
        "link": select(SEAL).where(SEAL.c.id == bindparam("link")),
        "sign": update(SEAL)
        .where(SEAL.c.id == bindparam("link"))
        .values(digest=bindparam("signed")),
        "mark": update(AUDIT)
        .where(AUDIT.c.seal_id.is_(None), _carries(bindparam("token")))
        .values(seal_id=bindparam("link"), seal_token=None),
    }


def _carries(token: Any) -> Any:
    """The entries whose ``seal_token`` is ``token``, or that have none when it is NULL."""
    return AUDIT.c.seal_token.is_not_distinct_from(token)


def current_head(connection: Connection) -> str | None:
    """The newest link as ``seq:digest`` (not verified: what a backup records, so that the
    chain restored from it, or the live one later, can be checked to still hold it)."""
    head = connection.execute(_statements()["head"]).first()
    return f"{head.seq}:{head.digest}" if head else None


def seal_pending(engine: Engine, secret_key: str | None = None) -> int:
    """Seal the entries written before the chain existed (no link, no token) as its first link,
    in a transaction of their own; returns how many. Only while the chain has no link yet:
    once it has one, an entry without a token was written around the application, and stays
    unsealed for :func:`verify` to name."""
    with engine.begin() as connection:
        if connection.execute(_statements()["head"]).first() is not None:
            return 0
        return seal(connection, secret_key or get_settings().secret_key, None)


@event.listens_for(OrmSession, "before_commit")
def _seal_on_commit(session: OrmSession) -> None:
    """A transaction that wrote audit entries seals them before it commits."""
    token = session.info.pop(PENDING, None)
    if token is not None:
        secret_key = session.info.pop(KEY_OVERRIDE, None) or get_settings().secret_key
        seal(session.connection(), secret_key, token)


@event.listens_for(OrmSession, "after_rollback")
def _forget_on_rollback(session: OrmSession) -> None:
    """Entries rolled back need no seal."""
    session.info.pop(PENDING, None)
    session.info.pop(KEY_OVERRIDE, None)


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the chain: ``code`` (a catalogue id under
    ``registry.audit_chain.``), the link it concerns, the entries it names (the first
    :data:`SHOWN_IDS`), and the figures its message is filled with."""

    code: str
    seq: int | None
    entry_ids: tuple[int, ...]
    params: dict[str, Any]

    def text(self, language: str) -> str:
        return texts.text(f"registry.audit_chain.{self.code}", language, **self.params)


@dataclass
class ChainReport:
    """What :func:`verify` found: counts, the head (the newest link) and the findings."""

    links: int = 0
    entries: int = 0
    head_seq: int | None = None
    head_digest: str | None = None
    head_sealed_at: dt.datetime | None = None
    expected_head: str | None = None
    expected_head_found: bool | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.findings and self.expected_head_found is not False

    @property
    def head(self) -> str | None:
        """The head as a user records it: ``seq:digest``."""
        return f"{self.head_seq}:{self.head_digest}" if self.head_seq is not None else None

    def lines(self, language: str) -> list[str]:
        """The report in words: each finding, then the verdict (with the head to record)."""
        out = [finding.text(language) for finding in self.findings]
        if self.expected_head_found is False:
            out.append(_say("head_missing", language, head=self.expected_head))
        if not self.intact:
            out.append(_say("broken", language, count=len(out)))
        elif self.head is None:
            out.append(_say("empty", language))
        else:
            assert self.head_sealed_at is not None
            out.append(_say("intact", language, links=self.links, entries=self.entries,
                            head=self.head, sealed_at=_when(self.head_sealed_at)))  # fmt: skip
        return out


def _say(code: str, language: str, **params: Any) -> str:
    return texts.text(f"registry.audit_chain.{code}", language, **params)


def parse_head(head: str) -> tuple[int, str]:
    """``seq:digest`` as typed by a user; ``ValueError`` with the reason otherwise."""
    seq, sep, digest = head.strip().partition(":")
    digest = digest.strip().lower()
    if (
        not sep
        or not seq.strip().isdigit()
        or len(digest) != 64
        or any(c not in "0123456789abcdef" for c in digest)
    ):
        raise ValueError(head)
    return int(seq), digest


def verify(session: Session, secret_key: str | None = None,
           expected_head: tuple[int, str] | None = None) -> ChainReport:  # fmt: skip
    """Check the whole audit chain against the entries as stored now.

    Findings (their ``code``): ``link_missing`` (numbers absent from 1…head: a link deleted),
    ``link_broken`` (a link whose digest does not match its own figures and the previous link:
    the link was edited, or the one before it replaced), ``entries_count`` /
    ``entries_content`` (a link whose entries no longer give its count / its SHA-256: an entry
    deleted or added, or edited), ``unsealed`` (committed entries no link holds: written
    around the application, or their link deleted). ``expected_head`` (``seq``, ``digest``) — a
    head recorded earlier — is looked for in the chain: if that link is gone or differs, the
    chain was cut back or rewritten after it was recorded (the one change a key holder could
    otherwise hide)."""
    key = chain_key(secret_key or get_settings().secret_key)
    connection = session.connection()
    report = ChainReport()
    if expected_head:
        report.expected_head = f"{expected_head[0]}:{expected_head[1]}"
        report.expected_head_found = False
    previous_digest, expected_seq = GENESIS, 1
    for link in _stream(connection, select(SEAL).order_by(SEAL.c.seq)):
        report.links += 1
        if link.seq != expected_seq:
            missing = (
                f"{expected_seq}–{link.seq - 1}" if link.seq - 1 > expected_seq
                else str(expected_seq)
            )  # fmt: skip
            report.findings.append(Finding("link_missing", link.seq, (), {"missing": missing}))
        signed = link_digest(key, link, previous_digest)
        if signed != link.digest:
            report.findings.append(Finding("link_broken", link.seq, (), _about(link)))
        if expected_head and link.seq == expected_head[0]:
            report.expected_head_found = hmac.compare_digest(link.digest, expected_head[1])
        previous_digest, expected_seq = link.digest, link.seq + 1
        report.head_seq, report.head_digest = link.seq, link.digest
        report.head_sealed_at = link.sealed_at
    _compare_entries(connection, report)
    order = {code: n for n, code in enumerate(FINDING_ORDER)}
    report.findings.sort(key=lambda f: (f.seq is None, f.seq or 0, order[f.code]))
    return report


FINDING_ORDER = ("link_missing", "link_broken", "entries_count", "entries_content", "unsealed")
"""How the findings of one link are listed (links in chain order, unsealed entries last)."""


def _compare_entries(connection: Connection, report: ChainReport) -> None:
    """Every link's entries against its count and SHA-256, in one pass over the links by id
    and the entries by link (both streamed: memory does not grow with the log); entries no
    link holds are one ``unsealed`` finding."""
    links = iter(_stream(connection, select(SEAL).order_by(SEAL.c.id)))
    link = next(links, None)
    orphans, orphan_ids = 0, []
    for seal_id, count, sha256, ids in _entries_by_seal(connection):
        report.entries += count
        while link is not None and seal_id is not None and link.id < seal_id:
            _judge(report, link, 0, "", ())  # a link none of whose entries is left
            link = next(links, None)
        if link is not None and link.id == seal_id:
            _judge(report, link, count, sha256, ids)
            link = next(links, None)
        else:  # no link, or a link id no link has
            orphans += count
            orphan_ids += ids
    while link is not None:
        _judge(report, link, 0, "", ())
        link = next(links, None)
    if orphans:
        shown_ids = tuple(sorted(orphan_ids))[:SHOWN_IDS]
        shown = ", ".join(f"#{i}" for i in shown_ids) + ("…" if orphans > len(shown_ids) else "")
        report.findings.append(
            Finding("unsealed", None, shown_ids, {"count": orphans, "ids": shown})
        )


def _judge(report: ChainReport, link: Any, count: int, sha256: str, ids: tuple[int, ...]) -> None:
    if count != link.entries:
        report.findings.append(
            Finding("entries_count", link.seq, ids, {**_about(link), "now": count})
        )
    elif sha256 != link.entries_sha256:
        report.findings.append(Finding("entries_content", link.seq, ids, _about(link)))


def _stream(connection: Connection, statement: Any) -> Any:
    """``statement``'s rows in batches (a server-side cursor on PostgreSQL)."""
    return connection.execute(statement, execution_options={"yield_per": READ_BATCH})


def _entries_by_seal(
    connection: Connection,
) -> Iterator[tuple[int | None, int, str, tuple[int, ...]]]:
    """The entries grouped by the link that holds them, links by id, then those no link holds
    (``None``): link id, count, SHA-256 of their canonical texts in id order, and the first
    :data:`SHOWN_IDS` ids."""
    rows = _stream(
        connection,
        select(*_entry_columns(), AUDIT.c.seal_id).order_by(
            AUDIT.c.seal_id.is_(None), AUDIT.c.seal_id, AUDIT.c.id
        ),
    )
    current: Any = object()
    digest, count, ids = hashlib.sha256(), 0, []
    for row in rows:
        if row.seal_id != current:
            if count:
                yield current, count, digest.hexdigest(), tuple(ids)
            current, digest, count, ids = row.seal_id, hashlib.sha256(), 0, []
        digest.update(entry_text(row))
        digest.update(b"\n")
        count += 1
        if len(ids) < SHOWN_IDS:
            ids.append(row.id)
    if count:
        yield current, count, digest.hexdigest(), tuple(ids)


class ChainBroken(Exception):
    """The chain does not verify, so it is not signed again under a new key (that would hide
    the changes found); ``zh``/``en`` say so, ``report`` has the findings."""

    def __init__(self, report: ChainReport) -> None:
        self.report = report
        count = len(report.findings)
        self.zh = _say("rotate_refused", "zh", count=count)
        self.en = _say("rotate_refused", "en", count=count)
        super().__init__(self.en)


def rekey(session: Session, old_secret: str, new_secret: str) -> int:
    """Sign every link again under ``new_secret`` (``rotate-secret``), in ``session``'s
    transaction, and seal the transaction's own entries under it too; returns how many links.

    Only a chain that verifies under ``old_secret`` is signed again (:class:`ChainBroken`
    otherwise): the entries' SHA-256 stay as sealed, but a link's edited figures would pass
    under the new key."""
    report = verify(session, old_secret)
    if not report.intact:
        raise ChainBroken(report)
    connection = session.connection()
    key = chain_key(new_secret)
    previous, changes = GENESIS, []
    for link in connection.execute(select(SEAL).order_by(SEAL.c.seq)):
        previous = link_digest(key, link, previous)
        changes.append({"link": link.id, "signed": previous})
    if changes:
        connection.execute(
            update(SEAL).where(SEAL.c.id == bindparam("link")).values(digest=bindparam("signed")),
            changes,
        )
    session.info[KEY_OVERRIDE] = new_secret
    return len(changes)


def _about(link: Any) -> dict[str, Any]:
    """A link as its findings name it: number, sealing time, entry ids, count when sealed."""
    return {"seq": link.seq, "sealed_at": _when(link.sealed_at), "first": link.first_entry_id,
            "last": link.last_entry_id, "sealed": link.entries}  # fmt: skip


def _when(moment: dt.datetime) -> str:
    """A link's sealing time as users read it: Beijing time, to the second."""
    return local_time(moment, "%Y-%m-%d %H:%M:%S")
