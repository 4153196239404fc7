"""No ID number in an address, an access log line or an error answer: searches by ID number
go by POST, the address form is refused without repeating the number, a real server's access
log redacts whatever number still reaches an address, and a 422 about a bad number hides it."""

from __future__ import annotations

import logging
import socket
import threading
import time
from urllib.parse import quote

import httpx
import pytest
import uvicorn

from api.main import create_app
from api.redaction import AccessLogRedaction, looks_like_id_number, redacted


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def _forms(number: str) -> list[str]:
    """The ways a clerk's number reaches an address: plain, lower-case x, spaced, full-width."""
    return [number, number.lower(), f"{number[:6]} {number[6:14]} {number[14:]}",
            _full_width(number)]  # fmt: skip


def test_an_id_number_in_the_address_is_refused_without_being_repeated(client, district):
    number = district.id_numbers["T101"]
    h = district.headers["hr"]
    answers = [
        client.get("/api/teachers", params={"q": form}, headers=h) for form in _forms(number)
    ]
    assert len(answers) == 4
    for answer in answers:
        assert answer.status_code == 422 and answer.json()["code"] == "id_search_by_post"
        assert number[6:14] not in answer.text and number[-4:] not in answer.text
    by_post = client.post("/api/teachers/search", json={"q": number}, headers=h)
    assert [t["staff_no"] for t in by_post.json()["data"]] == ["T101"]
    assert client.get("/api/teachers", params={"q": "T101"}, headers=h).status_code == 200


def test_a_bad_id_number_is_not_echoed_in_the_422(client, district):
    good = district.id_numbers["T101"]
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    bad = [wrong_check, good[:16], good[:6] + "19800231" + good[14:]]
    for number in bad:
        answer = client.post(
            "/api/teachers",
            headers=district.headers["hr"],
            json={
                "staff_no": "T990",
                "name": "测试",
                "gender": "male",
                "birth_date": "1985-10-05",
                "id_number": number,
                "post_type": "established",
                "school_id": district.school_b.id,
                "joined_school_on": "2015-09-01",
                "main_subject": "math",
            },  # fmt: skip
        )
        assert answer.status_code == 422, answer.text
        assert ["body", "id_number"] in [e["loc"] for e in answer.json()["errors"]]
        assert number not in answer.text and number[6:14] not in answer.text
    assert len(bad) == 3


@pytest.mark.parametrize("encode", [str, quote, lambda n: quote(_full_width(n))])
def test_the_access_log_filter_redacts_id_numbers(encode):
    number = "44160219851005045X"
    path = f"/api/teachers?q={encode(number)}&school_id=3"
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1,
        '%s - "%s %s HTTP/%s" %d', ("10.0.0.5:5000", "GET", path, "1.1", 422), None,
    )  # fmt: skip
    assert AccessLogRedaction().filter(record) is True
    line = record.getMessage()
    assert "1985100504" not in line and "*" * 18 in line and "school_id=3" in line
    assert looks_like_id_number(encode(number)) and not looks_like_id_number("T101")
    assert redacted("2026-12-05 T101 张三") == "2026-12-05 T101 张三"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_a_real_servers_access_log_has_no_id_number(engine, district):
    """uvicorn configures its loggers when it starts; the app's filter must hold after that."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(),
            host="127.0.0.1",
            port=port,
            access_log=True,
            log_level="info",
            lifespan="on",
        )  # fmt: skip
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    captured = _Lines()
    logging.getLogger("uvicorn.access").addHandler(captured)
    try:
        number = district.id_numbers["T102"]
        h = district.headers["hr"]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            statuses = [
                http.get("/api/teachers", params={"q": form}, headers=h).status_code
                for form in _forms(number)
            ]
            statuses.append(http.get(f"/teachers?q={number}", headers=h).status_code)
        deadline = time.monotonic() + 5
        while len(captured.lines) < len(statuses) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        logging.getLogger("uvicorn.access").removeHandler(captured)
        server.should_exit = True
        thread.join(timeout=10)
    assert statuses == [422] * 5
    assert len(captured.lines) == 5
    for line in captured.lines:
        assert number[6:] not in line and number[6:14] not in line, line
        assert "*" * 14 in line, line
