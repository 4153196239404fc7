"""Keeping ID numbers out of URLs, logs and error answers.

What counts as an ID number inside a text (full-width, spaced, percent-encoded, a digit or
two short) is :func:`workforce.idnumber.redacted`'s rule, the one the audit log's readers get
too; this module applies it to the web's ways out.

- :func:`looks_like_id_number`: the teacher search refuses such a ``q`` in a URL (GET) and
  takes it by POST, in the request body, which no access log records.
- :class:`AccessLogRedaction`: the access log's filter; whatever still reaches a URL (an old
  client, a hand-typed address) is written with the number replaced by ``*``.
- :func:`redacted`: the same replacement for error messages that would echo a bad number.
"""

from __future__ import annotations

import logging

from workforce.idnumber import looks_like_id_number, redacted

__all__ = ["AccessLogRedaction", "install_log_redaction", "looks_like_id_number", "redacted"]

ACCESS_LOGGERS = ("uvicorn.access",)


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
