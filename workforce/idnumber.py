"""Resident ID numbers (居民身份证号码, GB 11643-1999): validation, masking, protection.

An 18-character number is 6 digits of area code, 8 digits of birth date, 3 digits of
sequence (odd for men) and a check character computed from the first 17 digits with
the ISO 7064 MOD 11-2 weights below. A lower-case ``x`` is accepted and normalised.
Old 15-digit numbers (issued before 1999: 2-digit year, no check character) are
upgraded to 18 digits by inserting ``19`` and appending the check character.

Under the Personal Information Protection Law the number is sensitive: it is stored
encrypted (AES-GCM) with a keyed hash (HMAC-SHA256) for uniqueness and exact search,
and shown masked unless a user with the right asks otherwise (and that is logged).
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from operator import mul
from typing import TYPE_CHECKING
from urllib.parse import unquote

from workforce.config import derive_key, get_settings

if TYPE_CHECKING:  # imported by `_keys`: validating and masking numbers needs no cipher
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_EIGHTEEN = re.compile(r"^[0-9]{17}[0-9X]$")
_FIFTEEN = re.compile(r"^[0-9]{15}$")
_EXCEL_MANGLED = re.compile(r"^[0-9](\.[0-9]+)?E\+?[0-9]+$", re.IGNORECASE)


class IdNumberError(ValueError):
    """An ID number that is not valid; ``zh`` and ``en`` say why."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


ASCII_ZERO_WEIGHTS = ord("0") * sum(WEIGHTS)
"""What the ASCII codes of 17 digits add to their weighted sum beyond the digits' values."""


def check_character(first17: str) -> str:
    """The GB 11643 check character for 17 digits.

    ASCII digits are weighed by their character codes (the bytes of the text) less the
    codes' share, without converting each digit to a number: the check runs for every ID
    number an import reads. Other digits (full-width ones) are converted one by one.
    """
    if len(first17) != len(WEIGHTS):
        raise ValueError(f"17 digits expected, got {first17!r}")
    if first17.isascii() and first17.isdigit():
        return CHECK_CHARS[(sum(map(mul, first17.encode(), WEIGHTS)) - ASCII_ZERO_WEIGHTS) % 11]
    return CHECK_CHARS[sum(map(mul, map(int, first17), WEIGHTS)) % 11]


@lru_cache(maxsize=65_536)
def date_of_digits(digits: str) -> dt.date | None:
    """The date written as 8 digits ``YYYYMMDD``; None when there is no such day.

    Cached: an import reads tens of thousands of ID numbers but a district's teachers are
    born on a few thousand days.
    """
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


@dataclass(frozen=True)
class IdNumber:
    value: str
    """The normalised 18-character number (upper-case X)."""

    @property
    def birth_date(self) -> dt.date:
        born = date_of_digits(self.value[6:14])
        if born is None:
            raise ValueError(f"no birth date in {self.value!r}")
        return born

    @property
    def gender(self) -> str:
        """``male`` when the 17th digit is odd, else ``female``."""
        return "male" if int(self.value[16]) % 2 else "female"

    @property
    def masked(self) -> str:
        return mask(self.value)


def birth_date_beside_number(given: dt.date, stored: dt.date) -> dt.date:
    """The birth date a change of a teacher whose ID number is on file, made without the
    full number, stands for: the stored date when ``given`` is in the stored month, else
    ``given`` (refused then, as against the number).

    Why: an editor or importer sees the month beside the masked number, not the day. Judged
    day by day, the answer — accepted for the stored day, refused for every other — told the
    day, and with it the number down to ~500 candidates (docs/security.md, "The masking
    rule"). The stored date is the number's own, so no other day of that month could be
    saved anyway; changing it takes the full number."""
    return stored if (given.year, given.month) == (stored.year, stored.month) else given


def parse_id_number(raw: object) -> IdNumber:
    """Validate and normalise an ID number as a clerk might have typed it.

    Raises :class:`IdNumberError` naming the problem: an Excel-mangled number
    (a float or scientific notation, whose last digits are lost), a wrong length,
    an impossible birth date, or a wrong check character.
    """
    return IdNumber(normalised_id_number(raw))


def normalised_id_number(raw: object) -> str:
    """:func:`parse_id_number`'s value, without the :class:`IdNumber` around it."""
    if isinstance(raw, float) or (isinstance(raw, int) and not isinstance(raw, bool)):
        if float(raw).is_integer() and 10**14 <= raw < 10**15:
            # an old 15-digit number in a number cell: a double holds 15 digits exactly (an
            # 18-digit one has lost its last digits: 4.41602198503121E+17)
            return _checked(_cleaned(str(int(raw))))
        raise IdNumberError(
            "身份证号被Excel存成了数字，末几位已丢失；请将该列设为文本后重新录入",
            "the ID number was stored by Excel as a number and its last digits are lost; "
            "format the column as text and type it again",
        )
    return _checked(raw if _as_exported(raw) else _cleaned(raw))  # type: ignore[arg-type]


def _as_exported(raw: object) -> bool:
    """Whether ``raw`` is already 17 ASCII digits and a digit or ``X``, as exports write it:
    no clean-up needed. String methods, not the regex: this runs for every number read."""
    return (
        type(raw) is str
        and len(raw) == 18
        and raw.isascii()
        and raw[:17].isdigit()
        and raw[17] in "0123456789X"
    )


def _cleaned(raw: object) -> str:
    """The number without spaces or invisible format characters, in ASCII (full-width
    digits and Ｘ as NFKC maps them), upper-case, 15 digits upgraded; refused when not
    15/18 ASCII digits — so that one number has one form, one hash, one owner."""
    text = unicodedata.normalize("NFKC", str(raw))
    text = "".join(c for c in "".join(text.split()) if unicodedata.category(c) != "Cf").upper()
    if _EXCEL_MANGLED.match(text):
        raise IdNumberError(
            f"身份证号“{text}”被Excel改成了科学计数法，末几位已丢失；请将该列设为文本后重新录入",
            f"ID number {text!r} was turned into scientific notation by Excel and its last "
            "digits are lost; format the column as text and type it again",
        )
    if _FIFTEEN.match(text):
        first17 = text[:6] + "19" + text[6:]
        text = first17 + check_character(first17)
    elif not _EIGHTEEN.match(text):
        raise IdNumberError(
            f"身份证号“{text}”应为18位（末位可为X）或旧版15位数字",
            f"ID number {text!r} must have 18 characters (the last may be X) or 15 digits",
        )
    return text


def _checked(text: str) -> str:
    """``text`` (18 characters) when its birth date exists and its check character is right."""
    if date_of_digits(text[6:14]) is None:
        raise IdNumberError(
            f"身份证号“{text}”中的出生日期 {text[6:14]} 不存在",
            f"ID number {text!r} contains an impossible birth date {text[6:14]}",
        )
    expected = check_character(text[:17])
    if text[17] != expected:
        raise IdNumberError(
            f"身份证号“{text}”校验位错误（应为 {expected}）",
            f"ID number {text!r} has a wrong check character (expected {expected})",
        )
    return text


MASK_CHARACTER = "*"


def mask(value: str) -> str:
    """The number as everyone sees it without an audited unmasking: every character hidden
    (``******************``), only that a number is on file shows.

    Why nothing is kept: the birth date (shown as a month, :func:`birth_month`), the gender
    (the parity of the 17th digit) and the school or hometown (the area code) are shown
    beside the number, and the check character follows from the other 17. With the area
    known and the birth month shown, the unknowns are the day (28-31) and the sequence
    (500 of a parity): at least 14,000 numbers fit. Keeping the last character would divide
    that by 11 (the check character), the last four by 5,500 — one number. The older mask
    ``441602********8936`` hid exactly the birth date shown beside it. See docs/security.md.
    """
    return MASK_CHARACTER * len(value)


def birth_month(born: dt.date | str | None) -> str | None:
    """A birth date as it is shown beside a masked ID number: the month, ``YYYY-MM``
    (出生年月, the field of Chinese personnel forms). The day is part of the ID number and
    is shown only with it, through an audited unmasking. Text is taken as ISO ``YYYY-MM-DD``
    (as the audit log stores dates); None stays None."""
    if born is None:
        return None
    text = born.isoformat() if isinstance(born, dt.date) else str(born)
    return text[:7]


# ID numbers inside other text (a search, a URL, a free-text reason, an error message).
# A resident ID number is 15 or 18 characters (digits, the last may be ``X``); clerks also
# type full-width digits (``４４１６…``) and spaces, and a browser sends those percent-encoded.
# So a text is looked at after percent-decoding, NFKC normalisation (full-width → ASCII) and
# without spaces, and any run of MIN_DIGITS or more digits (an ``X`` may end it) counts as an
# ID number: a slightly mistyped number (16 or 17 digits) is still personal data. Staff
# numbers, school codes and dates are shorter.

MIN_DIGITS = 14
_ID_RUN = re.compile(rf"(?<![0-9])[0-9]{{{MIN_DIGITS},}}[Xx]?(?![0-9])")
_SPACES = re.compile(r"(?<=[0-9])[\s+]+(?=[0-9Xx])")


def _normalised(text: str) -> str:
    """Percent-decoded, full-width folded to ASCII, spaces between digits removed."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", unquote(text)))


def looks_like_id_number(text: str | None) -> bool:
    """Whether ``text`` holds something shaped like an ID number (the rule above)."""
    return bool(text) and _ID_RUN.search(_normalised(text)) is not None  # type: ignore[arg-type]


def redacted(text: str) -> str:
    """``text`` with every ID-number-shaped run masked character by character (normalised
    first when it holds one, so an encoded or full-width number is caught too); unchanged
    otherwise."""
    if _ID_RUN.search(text):
        return _ID_RUN.sub(lambda m: MASK_CHARACTER * len(m.group(0)), text)
    normal = _normalised(text)
    if _ID_RUN.search(normal):
        return _ID_RUN.sub(lambda m: MASK_CHARACTER * len(m.group(0)), normal)
    return text


@lru_cache(maxsize=4)
def _keys(secret_key: str) -> tuple[bytes, AESGCM]:
    """The hash key and the cipher of one secret key: derived once, not per ID number. The
    cipher library is imported here, when a number is first hashed or encrypted: `workforce
    plan` and the other commands that only read and mask numbers skip its 18 ms import."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return (
        derive_key(secret_key, "id-number-hash"),
        AESGCM(derive_key(secret_key, "id-number-encryption")),
    )


def _current_keys() -> tuple[bytes, AESGCM]:
    return _keys(get_settings().secret_key)


def lookup_hash(value: str) -> str:
    """Keyed hash of a normalised ID number, for the unique index and exact search."""
    return lookup_hashes([value])[0]


def lookup_hashes(values: list[str]) -> list[str]:
    """:func:`lookup_hash` of many numbers (the key looked up once)."""
    key = _current_keys()[0]
    return [hmac.digest(key, value.encode(), "sha256").hex() for value in values]


def encrypt(value: str) -> str:
    """AES-GCM with a random nonce; base64 text of nonce + ciphertext."""
    return encrypt_many([value])[0]


def encrypt_many(values: list[str]) -> list[str]:
    """:func:`encrypt` for many numbers at once (one random draw for all the nonces)."""
    cipher = _current_keys()[1]
    nonces = os.urandom(12 * len(values))
    out = []
    for start, value in zip(range(0, len(nonces), 12), values, strict=True):
        nonce = nonces[start : start + 12]
        out.append(base64.b64encode(nonce + cipher.encrypt(nonce, value.encode(), None)).decode())
    return out


def decrypt(token: str) -> str:
    raw = base64.b64decode(token)
    return _current_keys()[1].decrypt(raw[:12], raw[12:], None).decode()
