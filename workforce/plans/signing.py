"""Plan files signed by the registry that wrote them, so that they can be checked away from it.

Why: `workforce check-plan` proves a file's instance against the registry's copy when a registry
is at hand. An auditor, the city bureau or a school checks the file elsewhere, where anyone who
edits the embedded instance can recompute its hash: without the registry the verdict held only
for whatever instance the file carried. Each plan file the registry writes now carries an
Ed25519 signature (``registry_signature``) over its registry number, its status and the SHA-256
of the plan's content — which holds the instance's hash, so the instance is covered too. The
deployment publishes its public key (``workforce signing-key``); ``check-plan --trust-key KEY``
then proves the file is the registry's, unedited, without the registry. A key given on the
command line is the trust: a forger can sign with a key of their own, so a signature under a key
that was not given is not trusted, and the verdict says so.

The signing key is derived from the deployment's secret key (so it is backed up and restored with
it, and nothing new is stored); ``rotate-secret`` changes it, and files signed before verify only
under the public key of their time. So that key stays published: each rotation's audit entry
records the public key before and after (the audit chain makes that record tamper-evident), and
``workforce signing-key`` and the audit chain page list every key with the time it was in force
(:func:`key_history`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workforce.config import derive_key

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from sqlmodel import Session

    from optimizer import Plan

ALGORITHM = "ed25519"
DOMAIN = b"workforce-plan-file-v1\n"
"""Prefixed to every signed message: a signature made here means nothing anywhere else."""
SIGNING_KEY_FIELD = "plan_signing_key"
"""The field of a ``rotate_secret`` audit entry's before and after that holds the public key."""


def _private_key(secret_key: str) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(derive_key(secret_key, "plan-file-signing"))


def public_key(secret_key: str) -> str:
    """The deployment's public key to publish, base64 of its 32 raw bytes."""
    raw = _private_key(secret_key).public_key().public_bytes_raw()  # not `serialization`:
    return base64.b64encode(raw).decode()  # its import (22 ms) is not `workforce plan`'s to pay


def fingerprint(key: str) -> str:
    """A public key's short name for people: the first 16 hex digits of its SHA-256, in fours."""
    digest = hashlib.sha256(base64.b64decode(key)).hexdigest()[:16]
    return " ".join(digest[i:i + 4] for i in range(0, 16, 4))


def plan_digest(plan: Plan) -> str:
    """SHA-256 of the plan's content (no timings, `Plan.content`) as canonical JSON."""
    text = json.dumps(plan.content(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _message(plan_id: int, status: str, digest: str) -> bytes:
    return DOMAIN + json.dumps({"plan_sha256": digest, "registry_plan_id": plan_id,
                                "registry_status": status}, sort_keys=True).encode()


def sign(secret_key: str, plan_id: int, status: str, plan: Plan) -> dict[str, str]:
    """The ``registry_signature`` field of a plan file."""
    signature = _private_key(secret_key).sign(_message(plan_id, status, plan_digest(plan)))
    return {"algorithm": ALGORITHM, "public_key": public_key(secret_key),
            "signature": base64.b64encode(signature).decode()}


@dataclass(frozen=True)
class SignatureCheck:
    """What a file's signature shows: ``valid`` under ``key`` (None: no usable signature),
    and whether that key is one the user trusts."""

    present: bool
    valid: bool
    key: str | None
    trusted: bool


def check(field: Any, plan_id: Any, status: Any, plan: Plan, trusted: list[str]
          ) -> SignatureCheck:
    """Check a file's ``registry_signature`` against its plan, number and status; ``trusted``
    are the public keys the user named (base64)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if field is None:
        return SignatureCheck(False, False, None, False)
    try:
        if not isinstance(field, dict) or field.get("algorithm") != ALGORITHM:
            raise ValueError
        key, signature = str(field["public_key"]), base64.b64decode(field["signature"])
        verifier = Ed25519PublicKey.from_public_bytes(base64.b64decode(key))
        if not isinstance(plan_id, int) or not isinstance(status, str):
            raise ValueError
        verifier.verify(signature, _message(plan_id, status, plan_digest(plan)))
    except (InvalidSignature, ValueError, KeyError, TypeError):
        key = field.get("public_key") if isinstance(field, dict) else None
        return SignatureCheck(True, False, key if isinstance(key, str) else None, False)
    return SignatureCheck(True, True, key, key in {k.strip() for k in trusted})


@dataclass(frozen=True)
class KeyInForce:
    """A public key plan files were signed under, from ``since`` until ``until`` (UTC; None:
    from the start, and still in force). ``key`` None: a rotation made before rotations
    recorded the key (the key of that time cannot be derived any more)."""

    key: str | None
    since: dt.datetime | None
    until: dt.datetime | None

    @property
    def fingerprint(self) -> str | None:
        return None if self.key is None else fingerprint(self.key)


@dataclass(frozen=True)
class KeyHistory:
    """The key plan files are signed under now, and the earlier ones with their periods
    (newest first). ``withheld``: earlier keys were recorded but are not listed, because the
    audit chain that holds them does not verify, or the rotations' keys do not follow on from
    each other (one rotation's key after is the next one's key before, the last one's the key
    now) — a row written into the log around the application could otherwise publish a
    forger's key as one of the registry's own."""

    current: KeyInForce
    earlier: list[KeyInForce]
    withheld: bool


def key_history(session: Session, secret_key: str, *, chain_intact: bool) -> KeyHistory:
    """Every public key this registry has signed plan files under, read from the
    ``rotate_secret`` entries of the audit log; ``chain_intact``: what
    :func:`workforce.audit_chain.verify` says of the log now (the caller has it, or asks)."""
    from sqlmodel import select

    from workforce.models import AuditLog

    rotations = session.exec(
        select(AuditLog).where(AuditLog.action == "rotate_secret").order_by(AuditLog.id)  # type: ignore[arg-type]
    ).all()
    current = public_key(secret_key)
    earlier: list[KeyInForce] = []
    handed_on: list[tuple[object, object]] = []  # (key after one rotation, key before the next)
    since = None
    after: object = None
    for entry in rotations:
        before = (entry.before or {}).get(SIGNING_KEY_FIELD)
        handed_on.append((after, before))
        earlier.append(KeyInForce(before if isinstance(before, str) else None, since, entry.at))
        since, after = entry.at, (entry.after or {}).get(SIGNING_KEY_FIELD)
    handed_on.append((after, current))
    follows = all(a is None or b is None or a == b for a, b in handed_on)
    withheld = bool(rotations) and not (chain_intact and follows)
    return KeyHistory(KeyInForce(current, since, None), [] if withheld else earlier[::-1],
                      withheld)  # fmt: skip
