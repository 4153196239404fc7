"""Keeping ID numbers out of URLs, logs and error answers.

A resident ID number is 15 or 18 characters (digits, the last may be ``X``); clerks also type
full-width digits (``４４１６…``) and spaces, and a browser sends those percent-encoded. So a
text is looked at after percent-decoding, NFKC normalisation (full-width → ASCII) and without
spaces, and any run of :data:`MIN_DIGITS` or more digits (an ``X`` may end it) counts as an ID
number: a slightly mistyped number (16 or 17 digits) is still personal data. Staff numbers,
school codes and dates are shorter.

- :func:`looks_like_id_number`: the teacher search refuses such a ``q`` in a URL (GET) and
  takes it by POST, in the request body, which no access log records.
- :class:`AccessLogRedaction`: the access log's filter; whatever still reaches a URL (an old
  client, a hand-typed address) is written with the number replaced by ``*``.
- :func:`redacted`: the same replacement for error messages that would echo a bad number.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from urllib.parse import unquote

MIN_DIGITS = 14
_ID_RUN = re.compile(rf"(?<![0-9])[0-9]{{{MIN_DIGITS},}}[Xx]?(?![0-9])")
_SPACES = re.compile(r"(?<=[0-9])[\s+]+(?=[0-9Xx])")
ACCESS_LOGGERS = ("uvicorn.access",)


def _normalised(text: str) -> str:
    """Percent-decoded, full-width folded to ASCII, spaces between digits removed."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", unquote(text)))


def looks_like_id_number(text: str | None) -> bool:
    """Whether ``text`` holds something shaped like an ID number (see the module's rule)."""
    return bool(text) and _ID_RUN.search(_normalised(text)) is not None  # type: ignore[arg-type]


def redacted(text: str) -> str:
    """``text`` with every ID-number-shaped run replaced by ``*`` (normalised first when it
    holds one, so an encoded or full-width number is caught too); unchanged otherwise."""
    if _ID_RUN.search(text):
        return _ID_RUN.sub(lambda m: "*" * len(m.group(0)), text)
    normal = _normalised(text)
    if _ID_RUN.search(normal):
        return _ID_RUN.sub(lambda m: "*" * len(m.group(0)), normal)
    return text


class AccessLogRedaction(logging.Filter):
    """Rewrites a log record's text arguments (uvicorn's access line: client, method, path
    with its query, HTTP version, status) with ID numbers redacted. Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redacted(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redacted(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        if isinstance(record.msg, str):
            record.msg = redacted(record.msg)
        return True


def install_log_redaction() -> None:
    """Attach :class:`AccessLogRedaction` to the access loggers and their handlers, once.
    Called when the app starts (after the server configured its logging) and when it is built."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        for target in (logger, *logger.handlers):
            if not any(isinstance(f, AccessLogRedaction) for f in target.filters):
                target.addFilter(AccessLogRedaction())
