"""Password hashing with argon2id (argon2-cffi's recommended parameters).

There is no default password anywhere: the first administrator is created with
``workforce create-admin`` and every other account by an administrator.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from workforce.accounts.messages import ACCOUNT_MESSAGES
from workforce.services.errors import InvalidInput

MIN_PASSWORD_LENGTH = 10
"""Characters; long enough to resist guessing within the sign-in rate limit."""

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("a password nobody has, to spend equal time on unknown users")


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            ACCOUNT_MESSAGES.text("password_too_short", min_length=MIN_PASSWORD_LENGTH)
        )


def hash_password(password: str) -> str:
    check_password_strength(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; an unknown user (``None``) costs the same time."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
