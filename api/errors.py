"""The one place that turns errors into HTTP answers.

Every refusal has the same shape, so clients and pages handle them alike::

    {"detail": {"zh": "…", "en": "…"}, "code": "stale_version", …extra}

Domain errors map by class to a status; request validation errors become 422 with each
problem's location; anything unexpected becomes a logged 500 without internals.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import sqlalchemy.exc
from cryptography.exceptions import InvalidTag
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

import texts
from api.messages import API_MESSAGES
from api.redaction import redacted
from texts import validation
from workforce.audit import shown_values
from workforce.rules.local import LocalRulesError
from workforce.secret import SecretKeyMismatch
from workforce.services.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    ServerBusy,
    Unauthenticated,
    VersionRequired,
)
from workforce.services.messages import Text

logger = logging.getLogger(__name__)

ID_NUMBER_FIELD = "id_number"
_DIGIT_RUN = re.compile(r"[0-9０-９][0-9０-９Xx]{3,}")
"""Four or more digits in a row: what of a bad ID number a message would repeat."""

STATUS_OF: dict[type[DomainError], int] = {
    NotFound: 404,
    Forbidden: 403,
    Unauthenticated: 401,
    InvalidInput: 422,
    Conflict: 409,
    VersionRequired: 428,
    RateLimited: 429,
    ServerBusy: 503,
}


def error_body(text: Text, **extra: Any) -> dict[str, Any]:
    return {"detail": text.as_dict(), "code": text.id, **jsonable_encoder(extra)}


def status_of(error: DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_OF:
            return STATUS_OF[cls]
    return 400


async def _domain_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    headers: dict[str, str] = {}
    if isinstance(error, Unauthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    if "retry_after" in error.extra:  # too many sign-ins, or the server's solves busy
        headers["Retry-After"] = str(error.extra["retry_after"])
    extra = error.extra
    if isinstance(extra.get("current"), dict):  # a conflict's current values, shown as anywhere
        extra = {**extra, "current": shown_values(extra["current"])}
    return JSONResponse(
        error_body(error.text, **extra), status_code=status_of(error), headers=headers
    )


PLACES = ("body", "query", "path", "header", "cookie")
"""Where FastAPI says a refused value was sent: the first part of an error's ``loc``."""


def validation_problems(error: RequestValidationError) -> list[dict[str, Any]]:
    """Each problem of a refused request as ``{loc, type, msg, zh}``: its place, pydantic's
    error type, and why, in English (``msg``, as before) and in Chinese (``zh``), each naming
    the field by its place ("查询参数 limit 应为整数") — never pydantic's English in the Chinese,
    and never the value sent (:func:`texts.validation.reason` does not repeat it). A message
    about an ``id_number`` field has its digits hidden ("ID number '4416…' must have 18
    characters" → ``'****…'``), as has any ID-number-shaped text in any message
    (:func:`api.redaction.redacted`)."""
    problems = []
    for e in error.errors():
        loc = [str(part) for part in e.get("loc", ())]
        said = {}
        for language in ("zh", "en"):
            sentence = texts.text("api.http.problem", language, field=_place(e, language),
                                  reason=validation.reason(e, language))  # fmt: skip
            sentence = redacted(sentence)
            if ID_NUMBER_FIELD in loc:
                sentence = _DIGIT_RUN.sub(lambda m: "*" * len(m.group(0)), sentence)
            said[language] = sentence
        problems.append({"loc": loc, "type": str(e.get("type", "")), "msg": said["en"],
                         "zh": said["zh"]})  # fmt: skip
    return problems


def _place(error: Any, language: str) -> str:
    """The field of ``error`` named by its place: "请求体字段 teachers[2].name", "查询参数 limit";
    the body as a whole when the field is the body (missing, or not JSON)."""
    where, *parts = error.get("loc", ()) or ("body",)
    if where not in PLACES:
        where, parts = "field", [where, *parts]
    if error.get("type") in ("json_invalid", "json_type") or (where == "body" and not parts):
        return texts.text("api.http.place.body_whole", language)
    name = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")
    return texts.text(f"api.http.place.{where}", language, name=name)


def problems_summary(problems: list[dict[str, Any]], language: str) -> str:
    """The first five problems in one line, in ``language``."""
    sentences = [p["zh"] if language == "zh" else p["msg"] for p in problems[:5]]
    return ("；" if language == "zh" else "; ").join(sentences)


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    """422 naming each problem's place and reason in both languages (see
    :func:`validation_problems`)."""
    assert isinstance(error, RequestValidationError)
    problems = validation_problems(error)
    text = API_MESSAGES.text("invalid_request", each={
        language: {"summary": problems_summary(problems, language)} for language in ("zh", "en")})
    return JSONResponse(error_body(text, errors=problems), status_code=422)


async def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 404:
        text = API_MESSAGES.text("route_not_found")
    elif error.status_code == 405:
        text = API_MESSAGES.text("method_not_allowed")
    else:
        text = API_MESSAGES.text("http_error", status=error.status_code)
    return JSONResponse(
        error_body(text), status_code=error.status_code, headers=getattr(error, "headers", None)
    )


async def _data_refused(request: Request, error: Exception) -> JSONResponse:
    """The database refused a value of the request (PostgreSQL: a NUL character, text over a
    column's length, a number out of range — SQLite accepts these silently): bad input, 422."""
    logger.info(  # the driver's reason only: the statement's parameters are personal data
        "data refused by the database on %s %s: %s",
        request.method,
        request.url.path,
        redacted(str(getattr(error, "orig", None) or type(error).__name__)),
    )
    return JSONResponse(error_body(refused_data_text(request)), status_code=422)


def refused_data_text(request: Request) -> Any:
    """What a value the database refused is called: on a read (an id of 2**63 in the address)
    nothing was to be stored, and "cannot be stored" misled."""
    reading = request.method in ("GET", "HEAD")
    return API_MESSAGES.text("data_not_searchable" if reading else "data_not_storable")


def database_refused(error: Exception) -> bool:
    """Whether ``error`` is the database refusing a value of the request (see
    :func:`_data_refused`, :func:`_number_out_of_range`)."""
    return isinstance(error, sqlalchemy.exc.DataError) or (
        isinstance(error, OverflowError) and "SQLite INTEGER" in str(error))


async def _number_out_of_range(request: Request, error: Exception) -> JSONResponse:
    """SQLite's way of refusing a number of the request: its driver raises OverflowError for an
    integer beyond 64 bits (an id or an offset in the URL), where PostgreSQL raises DataError.
    Any other OverflowError is a fault of ours: 500."""
    if "SQLite INTEGER" in str(error):
        return await _data_refused(request, error)
    return await _unexpected_error(request, error)


async def _local_rules_broken(request: Request, error: Exception) -> JSONResponse:
    """The county's rules file was edited into something unusable while the server ran
    (`workforce.rules.local`; `serve` refuses to start on one): 503 naming the file and the
    rule, for the administrator to mend — not an anonymous 500."""
    assert isinstance(error, LocalRulesError)
    logger.error("local rules unusable on %s %s: %s", request.method, request.url.path, error.en)
    return JSONResponse(error_body(Text("local_rules_broken", error.zh, error.en)),
                        status_code=503)


def taken_meanwhile(error: Exception) -> bool:
    """Whether ``error`` is a unique constraint refusing a key another request took (see
    :func:`_written_meanwhile`): PostgreSQL's unique_violation, SQLite's UNIQUE message."""
    if not isinstance(error, sqlalchemy.exc.IntegrityError):
        return False
    orig = error.orig
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)


async def _written_meanwhile(request: Request, error: Exception) -> JSONResponse:
    """A unique key the request's write took was taken by another request committed at the
    same moment (two new schools of one code, two accounts of one name): the service's own
    check ran before either commit, so the database's constraint is what refuses the second.
    409 in words, not a 500; the first write stands, nothing of the second is kept. Any other
    integrity error (a missing reference, a null) is a fault of ours: 500."""
    if not taken_meanwhile(error):
        return await _unexpected_error(request, error)
    logger.info(  # the driver's reason only: the statement's parameters are personal data
        "write refused by a unique constraint on %s %s: %s", request.method, request.url.path,
        redacted(str(getattr(error, "orig", None) or type(error).__name__)),
    )  # fmt: skip
    return JSONResponse(error_body(API_MESSAGES.text("written_meanwhile")), status_code=409)


def key_changed(error: Exception) -> bool:
    """Whether ``error`` says this server's secret key is no longer the database's: a write's
    commit refused by the audit chain's key check (:class:`workforce.secret.SecretKeyMismatch`,
    after a ``rotate-secret`` while serving) or an ID number that no longer decrypts
    (``InvalidTag``). 503 in words, not a 500: nothing is saved, and the server must be
    restarted with the current key."""
    return isinstance(error, SecretKeyMismatch | InvalidTag)


async def _secret_key_changed(request: Request, error: Exception) -> JSONResponse:
    logger.error("the secret key changed under the server on %s %s: restart it",
                 request.method, request.url.path)  # fmt: skip
    return JSONResponse(error_body(API_MESSAGES.text("secret_key_changed")), status_code=503)


async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(error_body(API_MESSAGES.text("internal_error")), status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(sqlalchemy.exc.DataError, _data_refused)
    app.add_exception_handler(sqlalchemy.exc.IntegrityError, _written_meanwhile)
    app.add_exception_handler(OverflowError, _number_out_of_range)
    app.add_exception_handler(LocalRulesError, _local_rules_broken)
    app.add_exception_handler(SecretKeyMismatch, _secret_key_changed)
    app.add_exception_handler(InvalidTag, _secret_key_changed)
    app.add_exception_handler(Exception, _unexpected_error)
