"""Password hashing with argon2id (argon2-cffi's recommended parameters).

There is no default password anywhere: the first administrator is created with
``workforce create-admin`` and every other account by an administrator.
"""

from __future__ import annotations

from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from workforce.accounts.messages import ACCOUNT_MESSAGES
from workforce.services.errors import InvalidInput

MIN_PASSWORD_LENGTH = 10
"""Characters; long enough to resist guessing within the sign-in rate limit."""

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("a password nobody has, to spend equal time on unknown users")


MIN_DISTINCT_CHARACTERS = 4
"""``aaaaaaaaaa`` or ``1212121212`` is long enough and guessed at once."""
MIN_GUESS_SCORE = 3
"""zxcvbn's score (0-4): 3 is "safely unguessable: moderate protection from an offline
slow-hash scenario" (about 10^8 guesses and more); below it are the common passwords
(its bundled lists of passwords, names and words), keyboard runs (``1qaz2wsx``,
``qwertyuiop``), repeats, sequences, dates and l33t variants of these."""
ESTIMATED_LENGTH = 72
"""zxcvbn's own limit: a longer password is judged by its first 72 characters (the estimate
grows steeply with length; 72 characters are far past guessing anyway)."""
SYSTEM_WORDS = (
    "admin", "administrator", "root", "password", "mima", "workforce", "teacher", "jiaoshi",
    "yuancheng", "heyuan", "guangdong", "jiaoyu", "jiaoyuju", "renshi", "renshigu", "woaini",
    "zhongguo", "china", "xuexiao", "school",
)  # fmt: skip
"""Words a guesser tries first here, beyond zxcvbn's English lists: the system, the place,
the office, and the common pinyin passwords (``woaini``: 我爱你)."""


def check_password_strength(password: str, user_inputs: Iterable[str] = ()) -> None:
    """Refuse a password shorter than :data:`MIN_PASSWORD_LENGTH`, with fewer than
    :data:`MIN_DISTINCT_CHARACTERS` different characters, or that zxcvbn (with the account's
    own words and :data:`SYSTEM_WORDS`) scores below :data:`MIN_GUESS_SCORE`."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            ACCOUNT_MESSAGES.text("password_too_short", min_length=MIN_PASSWORD_LENGTH)
        )
    words = [*SYSTEM_WORDS, *(w.lower() for w in user_inputs if w)]
    if (
        len(set(password)) < MIN_DISTINCT_CHARACTERS
        or zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=words)["score"] < MIN_GUESS_SCORE
    ):
        raise InvalidInput(ACCOUNT_MESSAGES.text("password_too_weak"))


def hash_password(password: str, user_inputs: Iterable[str] = ()) -> str:
    """The argon2id hash of a password that passed :func:`check_password_strength`;
    ``user_inputs`` are the account's own words (username, display name)."""
    check_password_strength(password, user_inputs)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; an unknown user (``None``) costs the same time."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
