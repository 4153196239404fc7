"""The secret key and the database it protects: refuse a changed key at start, rotate it safely.

ID numbers are stored encrypted (AES-GCM) and hashed (HMAC) with keys derived from the secret key
(:mod:`workforce.idnumber`). A different key makes every stored number unreadable — and used to
show only as 500s on the first page that decrypted one. So the database keeps a *check value*
(an HMAC of a fixed text under a key derived from the secret; it reveals nothing about the key)
in ``instancesetting``; every entry point that starts work (``serve``, ``worker``, ``demo``,
``migrate``) calls :func:`check_secret_key`, which refuses a key that does not match, in Chinese
and English. ``workforce rotate-secret`` re-encrypts and re-hashes every ID number under a new key
and moves the check value, in one transaction.
"""

from __future__ import annotations

import base64
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from sqlalchemy import inspect, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from workforce.config import derive_key
from workforce.models import InstanceSetting, Teacher

CHECK_NAME = "secret_key_check"


class SecretKeyMismatch(Exception):
    """The configured secret key is not the one this database's ID numbers were stored with."""

    zh = (
        "密钥与数据库不符：本数据库的身份证号是用另一个密钥加密的。请恢复原来的 "
        "WORKFORCE_SECRET_KEY（环境变量或实例目录中的 workforce.env），或用 "
        "workforce rotate-secret 更换密钥。"
    )
    en = (
        "the secret key does not match this database: its ID numbers were encrypted with another "
        "key. Restore the previous WORKFORCE_SECRET_KEY (environment or the home's workforce.env) "
        "or change keys with `workforce rotate-secret`."
    )

    def __init__(self) -> None:
        super().__init__(self.en)


@lru_cache(maxsize=4)
def check_value(secret_key: str) -> str:
    """The stored check value of ``secret_key`` (HMAC-SHA256, hex); every commit that writes
    audit entries compares it (:func:`workforce.audit_chain.seal`), hence the cache."""
    return hmac.digest(derive_key(secret_key, "key-check"), b"workforce-secret-key", "sha256").hex()


def check_secret_key(engine: Engine, secret_key: str, *, record: bool = True) -> None:
    """Refuse ``secret_key`` if it is not the database's; record it if the database has none
    (unless ``record`` is false: a command that must write nothing, a dry run, only checks).

    A database from before the check value existed gets it recorded on the first start — after
    one stored ID number (if any) has been decrypted with the key, so a wrong key is refused there
    too. A database not yet migrated is left alone (``migrate`` calls this again after)."""
    if not inspect(engine).has_table("instancesetting"):
        return
    with Session(engine) as session:
        stored = session.get(InstanceSetting, CHECK_NAME)
        if stored is not None:
            if not hmac.compare_digest(stored.value, check_value(secret_key)):
                raise SecretKeyMismatch()
            return
        sample = session.scalar(
            select(Teacher.id_number_encrypted).where(Teacher.id_number_encrypted.is_not(None))
        )
        if sample is not None:
            try:
                _decrypt(secret_key, sample)
            except (InvalidTag, ValueError):
                raise SecretKeyMismatch() from None
        if not record:
            return
        session.add(InstanceSetting(name=CHECK_NAME, value=check_value(secret_key)))
        try:
            session.commit()
        except IntegrityError:  # another process (serve and worker started together) was first
            session.rollback()
            stored = session.get(InstanceSetting, CHECK_NAME)
            if stored is None or not hmac.compare_digest(stored.value, check_value(secret_key)):
                raise SecretKeyMismatch() from None


def _cipher(secret_key: str):  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(derive_key(secret_key, "id-number-encryption"))


def _decrypt(secret_key: str, token: str) -> str:
    raw = base64.b64decode(token)
    return _cipher(secret_key).decrypt(raw[:12], raw[12:], None).decode()


def rotate_secret_key(engine: Engine, old: str, new: str, *, actor: str) -> int:
    """Re-encrypt and re-hash every stored ID number from ``old`` to ``new`` and move the check
    value, and sign the audit chain again under ``new`` (:func:`workforce.audit_chain.rekey`),
    recording the plan files' public signing key before and after in the audit entry (so the
    keys files were signed under stay published, :func:`workforce.plans.signing.key_history`),
    all in one transaction (any failure leaves the database as it was). Returns how many ID
    numbers were re-encrypted. Refuses an ``old`` that is not the database's key, and an audit
    chain that does not verify (:class:`~workforce.audit_chain.ChainBroken`)."""
    from workforce import audit, audit_chain  # they import this module's check

    if len(new) < 32:
        raise ValueError("the new secret key must have at least 32 characters")
    check_secret_key(engine, old)
    cipher = _cipher(new)
    hash_key = derive_key(new, "id-number-hash")
    with Session(engine) as session:
        _hold_every_writer(session)
        moved = session.execute(
            update(InstanceSetting)
            .where(InstanceSetting.name == CHECK_NAME, InstanceSetting.value == check_value(old))
            .values(value=check_value(new))
        )
        if moved.rowcount != 1:  # another rotation committed since the check above
            raise SecretKeyMismatch()
        audit_chain.rekey(session, old, new)  # a chain that does not verify stops here
        rows = session.execute(
            select(Teacher.id, Teacher.id_number_encrypted).where(
                Teacher.id_number_encrypted.is_not(None)
            )
        ).all()
        changes = []
        for teacher_id, token in rows:
            try:
                clear = _decrypt(old, token)
            except (InvalidTag, ValueError):
                raise SecretKeyMismatch() from None
            nonce = os.urandom(12)
            changes.append({
                "b_id": teacher_id,
                "enc": base64.b64encode(nonce + cipher.encrypt(nonce, clear.encode(), None)).decode(),
                "hash": hmac.digest(hash_key, clear.encode(), "sha256").hex(),
            })  # fmt: skip
        if changes:
            from sqlalchemy import bindparam

            session.connection().execute(
                update(Teacher.__table__)  # type: ignore[attr-defined]
                .where(Teacher.__table__.c.id == bindparam("b_id"))  # type: ignore[attr-defined]
                .values(id_number_encrypted=bindparam("enc"), id_number_hash=bindparam("hash")),
                changes,
            )
        from workforce.plans.signing import SIGNING_KEY_FIELD, public_key

        audit.record(
            session, actor=actor, action="rotate_secret", entity="instance",
            entity_key=CHECK_NAME, note=f"{len(changes)} ID numbers re-encrypted under a new key",
            before={SIGNING_KEY_FIELD: public_key(old)}, after={SIGNING_KEY_FIELD: public_key(new)},
        )  # the plan files' public keys, for `signing.key_history`  # fmt: skip
        session.commit()
    return len(changes)


def _hold_every_writer(session: Session) -> None:
    """Begin the rotation's transaction holding off every other writer until it commits, with
    nothing read yet, so the numbers it re-encrypts and the chain it signs again are the last
    ones written under the old key — and every writer still holding the old key, committing
    after, finds the check value moved and is refused (:func:`workforce.audit_chain.seal`).

    SQLite: the database's write lock (``BEGIN IMMEDIATE``). PostgreSQL: first the teacher
    table against row changes — waiting for the writers already changing teachers, who commit
    through the chain's lock, still free — then the chain's lock itself, which every writing
    commit takes to seal its audit entries. In that order no writer holds what the rotation
    waits for while waiting for what the rotation holds."""
    from workforce.audit_chain import CHAIN_LOCK
    from workforce.db import begin_write

    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"LOCK TABLE {Teacher.__tablename__} IN SHARE ROW EXCLUSIVE MODE"))
    begin_write(session, lock=CHAIN_LOCK)
