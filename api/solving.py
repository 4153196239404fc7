"""Solves that run inside a request — what-if questions, the policy simulation and marginal
values, the multi-year roadmap — and the two guards around them.

These are GETs: they change nothing in the registry and their answers can be bookmarked. But
each one costs up to a minute of a core (the roadmap's time limit is 60 s), so:

* **Not started by another site.** The session cookie is ``SameSite=Lax``, so a link on any
  web page (a mail, a forum post, an image on a page the planner opens) makes a signed-in
  planner's browser send the GET with their session. Ten such links were ten minutes of CPU
  in the planner's name. A request whose ``Sec-Fetch-Site`` says another site made it is
  refused (the API: 403); a page shows its form filled in from the link instead, for the
  planner to check and submit (:func:`api.security.sent_by_other_site`; a browser without
  ``Sec-Fetch-Site`` is judged by its ``Referer``). A bearer token carries no ambient
  credential, and an address typed, bookmarked or opened from a chat program is ``none``:
  those run.
* **A bounded number at once.** Each process runs at most ``WORKFORCE_SOLVES_AT_ONCE``
  (``Settings.solves_at_once``; by default the number of cores, shared out among the server's
  worker processes by ``workforce serve --workers``: :func:`workforce.config.solves_per_worker`) such solves
  at a time; one
  more is answered at once with 503 and ``Retry-After`` instead of queueing behind them in the
  thread pool, where it would hold a worker thread and its database connection while the user
  waits with no word (:func:`solve_slot`). Rotation plans are not solved here: they run as jobs
  (:mod:`workforce.plans.jobs`), which have their own limit.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request

from api.pages.rendering import flash
from api.routes.messages import WORK_MESSAGES
from api.security import sent_by_other_site
from workforce.config import get_settings
from workforce.services.errors import Forbidden, ServerBusy

RETRY_AFTER_S = 30
"""What a refused solve tells the client to wait: about half the longest solve's time limit."""


def solves_at_once() -> int:
    """``Settings.solves_at_once`` (``WORKFORCE_SOLVES_AT_ONCE``), by default the number of
    cores."""
    return get_settings().solves_at_once or os.cpu_count() or 1


_semaphores: dict[int, threading.BoundedSemaphore] = {}
_semaphores_lock = threading.Lock()


def _slots() -> threading.BoundedSemaphore:
    """The process's slots, made at the first solve with the configured number."""
    at_once = solves_at_once()
    with _semaphores_lock:
        if at_once not in _semaphores:
            _semaphores[at_once] = threading.BoundedSemaphore(at_once)
        return _semaphores[at_once]


def refuse_solve_from_other_site(request: Request) -> None:
    """The API's guard: 403 for a solve another site's page asked for."""
    if sent_by_other_site(request):
        raise Forbidden(WORK_MESSAGES.text("cross_site_solve"))


@contextmanager
def solve_slot() -> Iterator[None]:
    """Hold one of the process's solve slots while the block runs; none free: ``ServerBusy``
    (503, ``Retry-After``) at once, without waiting."""
    slots = _slots()
    if not slots.acquire(blocking=False):
        raise ServerBusy(
            WORK_MESSAGES.text("solves_busy", at_once=solves_at_once()),
            extra={"retry_after": RETRY_AFTER_S},
        )
    try:
        yield
    finally:
        slots.release()


def guarded_solve(request: Request) -> Iterator[None]:
    """The API routes' dependency (after the permission check): refused when another site
    asked, then one solve slot held until the answer is built."""
    refuse_solve_from_other_site(request)
    with solve_slot():
        yield


def page_may_solve(request: Request, asked: bool) -> bool:
    """A page's guard: whether to solve what its form ``asked`` for now. Not for a request
    another site may have made — the page then shows the form filled in from the link, with
    a notice, for the user to check and submit (the solve itself still takes a slot,
    :func:`solve_slot`)."""
    if asked and sent_by_other_site(request):
        flash(request, "info", WORK_MESSAGES.text("solve_link_from_other_site"))
        return False
    return asked
