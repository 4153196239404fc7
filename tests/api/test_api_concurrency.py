"""Requests sent at the same moment to a real server (uvicorn in a thread, each request on its
own connection and its own database session, the routes in the server's thread pool): an
approved plan applied three times at once is applied once; a correction accepted and
rejected at once gets one decision. On SQLite (a file) and on PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from conftest import District
from plan_fixtures import build_plan_district, keep_plan
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.main import create_app
from workforce.accounts.models import Correction
from workforce.models import AuditLog, RotationPlan, RotationRecord, Teacher


@pytest.fixture
def server(engine, district: District) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app served by uvicorn on a free local port; its base URL."""
    app = create_app()
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not served.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    port = served.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    served.should_exit = True
    thread.join(timeout=30)
    app.state.engine.dispose()


def _together(base: str, requests: list[tuple[str, str, dict]]) -> list[httpx.Response]:
    """Send every (method, path, keyword arguments) request at the same moment, each from its
    own thread and connection; the answers in the same order."""
    barrier = threading.Barrier(len(requests))
    answers: list[httpx.Response | None] = [None] * len(requests)

    def send(index: int, method: str, path: str, kwargs: dict) -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            client.get("/login")  # open the connection before the start
            barrier.wait()
            answers[index] = client.request(method, path, **kwargs)

    threads = [
        threading.Thread(target=send, args=(i, *request)) for i, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert all(a is not None for a in answers)
    return answers  # type: ignore[return-value]


def test_three_applies_sent_together_apply_once(
    server: str, engine: Engine, district: District
) -> None:
    build_plan_district(district, engine)
    plan_id = keep_plan(engine, status="approved")
    hr = district.headers["hr"]
    answers = _together(server, [("POST", f"/api/plans/{plan_id}/apply", {"headers": hr})] * 3)
    assert sorted(a.status_code for a in answers) == [200, 409, 409]
    assert Counter(a.json().get("code") for a in answers if a.status_code == 409) == {
        "already_applied": 2
    }
    with Session(engine) as session:
        record = session.get(RotationPlan, plan_id)
        history = session.execute(
            select(func.count())
            .select_from(RotationRecord)
            .where(RotationRecord.plan_id == plan_id)
        ).scalar_one()
        applies = session.exec(select(AuditLog).where(AuditLog.action == "apply")).all()
    assert record.status == "applied" and record.moves > 0
    assert history == record.moves and len(applies) == 1


def test_accept_and_reject_sent_together_decide_once(
    server: str, engine: Engine, district: District
) -> None:
    teacher = district.teachers_a[1]
    proposed = httpx.post(
        f"{server}/api/corrections",
        json={"teacher_id": teacher.id, "field": "title", "proposed_value": "一级教师", "reason": "已评"},
        headers=district.headers["clerk_a"],
    )
    assert proposed.status_code == 201, proposed.text
    cid = proposed.json()["id"]
    hr = district.headers["hr"]
    rounds = 3
    outcomes: Counter[tuple[int, ...]] = Counter()
    for round_ in range(rounds):
        if round_:
            cid = httpx.post(
                f"{server}/api/corrections",
                json={"teacher_id": teacher.id, "field": "education", "proposed_value": "本科",
                      "reason": f"第{round_}次"},
                headers=district.headers["clerk_a"],
            ).json()["id"]  # fmt: skip
        answers = _together(
            server,
            [
                ("POST", f"/api/corrections/{cid}/accept", {"headers": hr, "json": {}}),
                ("POST", f"/api/corrections/{cid}/reject", {"headers": hr, "json": {}}),
            ],
        )
        codes = tuple(sorted(a.status_code for a in answers))
        outcomes[codes] += 1
        loser = next(a for a in answers if a.status_code == 409)
        assert loser.json()["code"] == "correction_closed"
    assert outcomes == {(200, 409): rounds}
    with Session(engine) as session:
        decisions = session.exec(
            select(AuditLog).where(AuditLog.entity == "correction", AuditLog.action != "propose")
        ).all()
        statuses = [c.status for c in session.exec(select(Correction))]
        assert session.get(Teacher, teacher.id) is not None
    assert len(decisions) == rounds and "proposed" not in statuses
