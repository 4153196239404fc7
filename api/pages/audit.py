"""The audit log page (administrators and auditors): filters by entity, key, teacher, actor,
action and dates, newest first, paged; and the audit chain's verification (``/audit/chain``, the
same answer as ``GET /api/audit/chain``). The query is the API's own route function, so the page
and ``GET /api/audit`` always show the same entries to the same people; each entry is shown in
words (:mod:`api.pages.audit_entries`), not as codes and JSON."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from api.deps import AuditReader, SessionDep
from api.i18n import page_language
from api.i18n.catalogue import UI
from api.pages.audit_entries import describe
from api.pages.rendering import local_url, render
from api.pages.routing import page_router
from api.routes.audit import EARLIEST, LATEST, chain_public, list_audit_entries
from workforce.audit_chain import parse_head, verify
from workforce.config import get_settings
from workforce.plans.signing import key_history
from workforce.services.errors import InvalidInput

router = page_router()

PAGE_SIZE = 50
Filter = Annotated[str | None, Query(max_length=128)]
Day = Annotated[dt.date | None, Query(ge=EARLIEST, le=LATEST)]


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if value else None


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    user: AuditReader,
    entity: Filter = None,
    entity_key: Filter = None,
    teacher: Filter = None,
    actor: Filter = None,
    action: Filter = None,
    since: Annotated[str | None, Query(max_length=10)] = None,
    until: Annotated[str | None, Query(max_length=10)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    filters = {
        "entity": _blank_to_none(entity),
        "entity_key": _blank_to_none(entity_key),
        "teacher": _blank_to_none(teacher),
        "actor": _blank_to_none(actor),
        "action": _blank_to_none(action),
    }
    days = {"since": _day(since), "until": _day(until)}
    result = list_audit_entries(
        session=session,
        user=user,
        **filters,
        **days,
        skip=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    return render(
        request,
        "audit.html",
        user=user,
        entries=describe(session, result.data, page_language(request)),
        count=result.count,
        page=page,
        pages=max(1, -(-result.count // PAGE_SIZE)),
        filters={
            **{k: v or "" for k, v in filters.items()},
            "since": since or "",
            "until": until or "",
        },
        page_url=lambda n: local_url(request, page=n),
    )


def _day(value: str | None) -> dt.date | None:
    """A date filter from the form (``YYYY-MM-DD``; blank means none), within the API's bounds."""
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(UI.text("bad_date", value=value)) from None
    return min(max(day, EARLIEST), LATEST)


@router.get("/audit/chain")
def audit_chain_page(
    request: Request,
    session: SessionDep,
    user: AuditReader,
    expect_head: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """The audit chain verified now: each finding, the verdict and the head to record; and the
    public key plan files are signed with, for auditors' `check-plan --trust-key`, and the keys
    files were signed with before each rotation of the secret key, with when each was in force."""
    expect_head = _blank_to_none(expect_head)
    try:
        expected = parse_head(expect_head) if expect_head else None
    except ValueError:
        raise InvalidInput(UI.text("audit_chain_bad_head")) from None
    result = chain_public(verify(session, expected_head=expected))
    language = page_language(request)
    # plan files' signatures (workforce signing-key): the key now, and each before a rotation
    keys = key_history(session, get_settings().secret_key, chain_intact=result.intact)
    return render(
        request,
        "audit_chain.html",
        user=user,
        chain=result,
        findings=[getattr(f.message, language) for f in result.findings],
        summary=getattr(result.summary, language),
        expect_head=expect_head or "",
        signing_key=keys.current.key,
        signing_fingerprint=keys.current.fingerprint,
        earlier_keys=keys.earlier,
        earlier_keys_withheld=keys.withheld,
    )
