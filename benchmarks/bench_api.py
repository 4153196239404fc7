"""Teacher list, search and the dashboard through the HTTP API under concurrent clients.

generate_district(teachers=N) → load into an SQLite file (migrated), with two accounts and a
draft rotation plan of this year → run the app with uvicorn in a subprocess on loopback →
C concurrent clients, each on one kept-alive HTTP/1.1 connection, send a mix of teacher list
and search requests (bearer tokens) and dashboard page views (a signed-in cookie session),
bounded in count and time → latency per request kind (p50 / p95 / p99 / max, ms), the
machine's load average before, during and after. The clients share one event loop (uvloop)
and parse responses with httptools, so that they take little of the CPU the server needs.
The dashboard's figures are computed on a worker's first view and kept until the registry
changes, so the cold start is measured apart, before the mix: one view alone (the wait of the
first reader after a change), then every client opening both dashboards at once until each
worker has its figures. The mix then measures the steady state.
Prints a table and writes benchmarks/results/api.json. Targets: teacher list and search p95
within 200 ms, dashboard p95 within 500 ms.

    .venv/bin/python benchmarks/bench_api.py [--teachers 100000] [--clients 20] [--requests 4000]
    .venv/bin/python benchmarks/bench_api.py --database /tmp/bench-api.sqlite3

``--database FILE`` keeps the loaded district in FILE and what the request mix needs in
``FILE.bench.json``; a later run with the same FILE reuses both (it only migrates the file to
the newest schema and issues fresh tokens), so only the first run pays the 2–3 minute load.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import httptools
import httpx
import psutil
import uvloop

RESULTS = Path(__file__).resolve().parent / "results" / "api.json"
BENCH_SECRET = "benchmark-secret-key-used-only-for-this-scratch-database"
BENCH_PASSWORD = "benchmark password"
TARGET_P95_MS = {"teachers": 200.0, "dashboard": 500.0}
LIST_KINDS = (
    "list",
    "list school",
    "list subject+zone",
    "key teachers",
    "search name",
    "search initials",
    "search staff no",
    "search id number",
    "clerk list",
    "deep page",
)
DASHBOARD_KINDS = ("dashboard", "clerk dashboard")
SEARCH_PATH = "/api/teachers/search"
"""Where an ID number is searched for: by POST, in the body (docs/security.md)."""
PLAN_TIME_LIMIT_S = 20.0
"""The benchmark's draft plan only has to exist (the dashboard shows its quotas and
shortages), so its solve is short."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sidecar(database: Path) -> Path:
    return database.with_name(database.name + ".bench.json")


def build_database(database: Path, teachers: int, seed: int) -> dict:
    """Load the district into ``database``, add the two accounts and a draft plan of this
    year; returns (and keeps beside the file) what the request mix needs."""
    from sqlmodel import Session, select

    from optimizer.settings import SolveSettings
    from workforce.accounts.models import User
    from workforce.accounts.passwords import hash_password
    from workforce.db import make_engine, migrate
    from workforce.models import School
    from workforce.pinyin import name_initials
    from workforce.plans.lifecycle import propose_plan
    from workforce.sample import generate_district, load_district

    started = time.perf_counter()
    district = generate_district(teachers=teachers, seed=seed)
    engine = make_engine(f"sqlite:///{database}")
    migrate(engine)
    counts = load_district(engine, district)
    loaded = time.perf_counter() - started
    with Session(engine, expire_on_commit=False) as session:
        schools = session.exec(
            select(School.id).where(School.level != "kindergarten").order_by(School.id)
        ).all()
        password = hash_password(BENCH_PASSWORD)
        session.add_all(
            [
                User(
                    username="bench-admin",
                    display_name="压测",
                    role="admin",
                    password_hash=password,
                ),
                User(
                    username="bench-clerk",
                    display_name="压测专干",
                    role="clerk",
                    school_id=schools[0],
                    password_hash=password,
                ),
            ]
        )
        session.commit()
        started = time.perf_counter()
        record, _, _ = propose_plan(
            session,
            year=dt.date.today().year,
            actor="bench",
            settings=SolveSettings(time_limit_s=PLAN_TIME_LIMIT_S),
        )
        session.commit()
        planned = time.perf_counter() - started
    engine.dispose()
    people = [t for t in district.teachers if t.id_number]
    step = max(1, len(people) // 500)
    data = {
        "teachers": teachers,
        "seed": seed,
        "counts": counts,
        "load_seconds": round(loaded, 1),
        "plan_seconds": round(planned, 1),
        "plan_moves": record.moves,
        "schools": list(schools),
        "staff_numbers": [t.staff_no for t in people[::step]],
        "id_numbers": [t.id_number for t in people[::step]],
        "surnames": sorted({t.name[0] for t in people}),
        "initials": sorted({name_initials(t.name) for t in people[::step]}),
    }
    _sidecar(database).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return data


def prepare(database: Path, teachers: int, seed: int) -> dict:
    """The district in ``database`` (built unless a matching one is there), migrated to the
    newest schema, with fresh bearer tokens for both accounts."""
    from sqlmodel import Session, select

    from workforce.accounts.models import User
    from workforce.accounts.tokens import issue_token
    from workforce.db import make_engine, migrate

    sidecar = _sidecar(database)
    data = json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else None
    if data is None or (data["teachers"], data["seed"]) != (teachers, seed):
        database.unlink(missing_ok=True)
        data = build_database(database, teachers, seed)
    engine = make_engine(f"sqlite:///{database}")
    migrate(engine)
    with Session(engine, expire_on_commit=False) as session:
        for role in ("admin", "clerk"):
            user = session.exec(select(User).where(User.username == f"bench-{role}")).one()
            data[role], _ = issue_token(session, user=user)
        session.commit()
    engine.dispose()
    return data


def request_mix(
    data: dict, rng: random.Random, kinds: tuple[str, ...]
) -> tuple[str, str, dict, str]:
    """One request of one of ``kinds``: (kind, path, query parameters, account)."""
    kind = rng.choice(kinds)
    params: dict = {}
    account = "clerk" if kind.startswith("clerk") else "admin"
    if kind in DASHBOARD_KINDS:
        return kind, "/", params, account
    if kind == "list school":
        params = {"school_id": rng.choice(data["schools"])}
    elif kind == "list subject+zone":
        params = {
            "subject": rng.choice(["pe", "math", "music", "art"]),
            "zone": rng.choice(["urban", "rural"]),
        }
    elif kind == "key teachers":
        params = {"key_teacher": "true"}
    elif kind == "search name":
        params = {"q": rng.choice(data["surnames"])}
    elif kind == "search initials":  # pinyin initials of a given name (two or three letters)
        params = {"q": rng.choice(data["initials"])}
    elif kind == "search staff no":
        params = {"q": rng.choice(data["staff_numbers"])}
    elif kind == "search id number":  # by POST: an ID number never goes in an address
        return kind, SEARCH_PATH, {"q": rng.choice(data["id_numbers"])}, account
    elif kind == "deep page":
        params = {"skip": rng.randrange(0, 90_000), "limit": 50}
    return kind, "/api/teachers", params, account


async def sign_in(http: httpx.AsyncClient, username: str) -> None:
    """A cookie session for ``http`` (the dashboard is a page, read with the cookie)."""
    response = await http.post(
        "/api/auth/session", data={"username": username, "password": BENCH_PASSWORD}
    )
    response.raise_for_status()


async def cold_start(base: str, clients: int) -> dict:
    """Dashboard views on a server that has not drawn them yet, timed apart from the mix.

    First one district view alone (``first_view_ms``: what the first reader after a change to
    the registry waits while the figures are computed), then ``clients`` readers at once each
    open the district and the clerk's dashboard (``concurrent``), so that every worker has
    computed its figures before the mix is measured.
    """

    async def view(username: str) -> float:
        async with httpx.AsyncClient(base_url=base, timeout=300) as pages:
            await sign_in(pages, username)
            started = time.perf_counter()
            response = await pages.get("/")
            response.raise_for_status()
            return (time.perf_counter() - started) * 1000

    first = await view("bench-admin")
    started = time.perf_counter()
    concurrent = await asyncio.gather(
        *(view(name) for _ in range(clients) for name in ("bench-admin", "bench-clerk"))
    )
    return {
        "first_view_ms": round(first, 1),
        "concurrent": summary(list(concurrent)),
        "concurrent_wall_s": round(time.perf_counter() - started, 1),
    }


class KeepAliveConnection(asyncio.Protocol):
    """One HTTP/1.1 connection kept open, one request at a time, the response parsed by
    httptools (the C parser uvicorn uses): a client that spends little CPU, because on this
    machine the clients and the server share the same two cores."""

    def __init__(self, host: bytes) -> None:
        self._host = host
        self._parser = httptools.HttpResponseParser(self)
        self._transport: asyncio.Transport | None = None
        self._body: list[bytes] = []
        self._done: asyncio.Future[tuple[int, bytes]] | None = None
        self._closed = asyncio.get_running_loop().create_future()

    @classmethod
    async def open(cls, host: str, port: int) -> KeepAliveConnection:
        _, connection = await asyncio.get_running_loop().create_connection(
            lambda: cls(f"{host}:{port}".encode()), host, port
        )
        return connection

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self._parser.feed_data(data)

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        if self._done is not None and not self._done.done():
            self._done.set_result((self._parser.get_status_code(), b"".join(self._body)))

    def connection_lost(self, exc: Exception | None) -> None:
        if self._done is not None and not self._done.done():
            self._done.set_exception(exc or ConnectionError("the server closed the connection"))
        if not self._closed.done():
            self._closed.set_result(None)

    async def get(
        self, target: str, header_lines: bytes, json_body: bytes | None = None
    ) -> tuple[int, bytes]:
        """GET ``target`` (path and query) with ``header_lines`` (each ending in CRLF) — or
        POST ``json_body`` to it: the status and the whole body."""
        assert self._transport is not None
        self._body = []
        self._done = asyncio.get_running_loop().create_future()
        if json_body is None:
            head = b"GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n"
            self._transport.write(head % (target.encode(), self._host, header_lines))
        else:
            head = (
                b"POST %s HTTP/1.1\r\nHost: %s\r\n%sContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n"
            )
            self._transport.write(
                head % (target.encode(), self._host, header_lines, len(json_body)) + json_body
            )
        return await self._done

    async def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            await self._closed


async def session_cookie(base: str, username: str) -> bytes:
    """The ``Cookie`` header line of a signed-in page session of ``username``."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        await sign_in(http, username)
        cookies = "; ".join(f"{name}={value}" for name, value in http.cookies.items())
    return f"Cookie: {cookies}\r\n".encode()


async def run_clients(
    base: str, data: dict, kinds: tuple[str, ...], clients: int, requests: int, seconds: float
) -> dict:
    """``clients`` clients, each on its own kept-alive connection, send their share of
    ``requests`` of the mix one after the other (bounded by ``seconds``); the page views
    carry a signed-in session cookie, the API requests a bearer token."""
    timings: dict[str, list[float]] = {}
    errors: list[str] = []
    deadline = time.perf_counter() + seconds
    per_client = requests // clients
    url = httpx.URL(base)
    credentials = {
        ("api", role): f"Authorization: Bearer {data[role]}\r\n".encode()
        for role in ("admin", "clerk")
    }
    for role in ("admin", "clerk"):
        credentials[("pages", role)] = await session_cookie(base, f"bench-{role}")

    async def client(index: int) -> None:
        rng = random.Random(index)
        connection = await KeepAliveConnection.open(url.host, url.port)
        try:
            for _ in range(per_client):
                if time.perf_counter() > deadline:
                    return
                kind, path, params, account = request_mix(data, rng, kinds)
                posted = json.dumps(params).encode() if path == SEARCH_PATH else None
                target = f"{path}?{urlencode(params)}" if params and posted is None else path
                surface = "pages" if kind in DASHBOARD_KINDS else "api"
                started = time.perf_counter()
                try:
                    status, body = await connection.get(
                        target, credentials[(surface, account)], posted
                    )
                except OSError as exc:
                    errors.append(f"{kind}: {type(exc).__name__} {exc}")
                    return
                elapsed = (time.perf_counter() - started) * 1000
                if status != 200:
                    errors.append(f"{kind}: {status} {body[:200].decode(errors='replace')}")
                timings.setdefault(kind, []).append(elapsed)
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return {"timings": timings, "errors": errors, "wall": time.perf_counter() - started}


class LoadSampler:
    """The 1-minute load average, sampled each second in a thread while the clients run."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def commit() -> str | None:
    """The checked-out commit the server ran (None outside a git checkout)."""
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=Path(__file__).resolve().parent,
        capture_output=True,
        text=True,
    )
    return found.stdout.strip() or None


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and its children (the uvicorn workers)."""
    parent = psutil.Process(pid)
    total = 0.0
    for process in (parent, *parent.children(recursive=True)):
        times = process.cpu_times()
        total += times.user + times.system
    return total


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict:
    return {
        "requests": len(values),
        "p50_ms": round(statistics.median(values), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "p99_ms": round(percentile(values, 0.99), 1),
        "max_ms": round(max(values), 1),
    }


def wait_until_up(base: str, process: subprocess.Popen, limit: float = 60) -> None:
    deadline = time.time() + limit
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit("the API server exited before answering")
        try:
            if httpx.get(f"{base}/api/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.3)
    raise SystemExit("the API server did not answer within a minute")


def serve(database: Path, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "WORKFORCE_DATABASE_URL": f"sqlite:///{database}"}
    command = [
        sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--log-level", "warning", "--no-access-log", "--timeout-keep-alive", "120",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env)


def print_table(rows: list[dict], groups: dict[str, dict], title: str) -> None:
    print(title)
    print(f"{'request':<20}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for row in [*rows, *({"kind": k, **g} for k, g in groups.items())]:
        print(
            f"{row['kind']:<20}{row['requests']:>6}{row['p50_ms']:>10}{row['p95_ms']:>10}"
            f"{row['p99_ms']:>10}{row['max_ms']:>10}"
            + (
                f"  target p95 ≤ {row['target_p95_ms']:g} ms: "
                f"{'met' if row['p95_ms'] <= row['target_p95_ms'] else 'NOT met'}"
                if "target_p95_ms" in row
                else ""
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--database", type=Path, help="keep/reuse the loaded district here")
    parser.add_argument(
        "--without-dashboard",
        action="store_true",
        help="teacher list and search only (the mix before the dashboard was added), e.g. to "
        "measure older code whose dashboard takes seconds a view",
    )
    args = parser.parse_args()
    kinds = LIST_KINDS if args.without_dashboard else (*LIST_KINDS, *DASHBOARD_KINDS)
    os.environ.update({"WORKFORCE_SECRET_KEY": BENCH_SECRET, "WORKFORCE_ENVIRONMENT": "test"})

    with tempfile.TemporaryDirectory() as scratch:
        database = args.database or Path(scratch) / "bench.sqlite3"
        data = prepare(database, args.teachers, args.seed)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        load_before = os.getloadavg()
        server = serve(database, port, args.workers)
        try:
            wait_until_up(base, server)
            cold = None if args.without_dashboard else asyncio.run(cold_start(base, args.clients))
            server_cpu, client_cpu = cpu_seconds(server.pid), time.process_time()
            with LoadSampler() as load:
                outcome = uvloop.run(
                    run_clients(base, data, kinds, args.clients, args.requests, args.seconds)
                )
            server_cpu = cpu_seconds(server.pid) - server_cpu
            client_cpu = time.process_time() - client_cpu
        finally:
            server.terminate()
            server.wait(timeout=30)
        load_after = os.getloadavg()

    timings = outcome["timings"]
    rows = [{"kind": kind, **summary(values)} for kind, values in sorted(timings.items())]
    groups = {
        f"{group} (all)": {
            **summary([v for k in group_kinds for v in timings.get(k, [])]),
            "target_p95_ms": TARGET_P95_MS[group],
        }
        for group, group_kinds in (("teachers", LIST_KINDS), ("dashboard", DASHBOARD_KINDS))
        if any(k in timings for k in group_kinds)
    }
    every = [v for values in timings.values() for v in values]
    overall = {
        **summary(every),
        "throughput_per_s": round(len(every) / outcome["wall"], 1),
        # On a shared machine the CPU per request is the steadier measure of the work done.
        "server_cpu_ms_per_request": round(server_cpu * 1000 / len(every), 2),
        "client_cpu_ms_per_request": round(client_cpu * 1000 / len(every), 2),
    }
    load = {
        "before_1min": round(load_before[0], 2),
        "during_1min_mean": round(statistics.mean(load.samples), 2) if load.samples else None,
        "during_1min_max": round(max(load.samples), 2) if load.samples else None,
        "after_1min_5min_15min": [round(x, 2) for x in load_after],
    }
    print_table(
        rows,
        groups,
        f"{args.teachers} teachers, {args.clients} clients, {args.workers} uvicorn workers, "
        f"SQLite; {overall['requests']} requests in {outcome['wall']:.1f} s "
        f"({overall['throughput_per_s']} req/s); CPU per request: server "
        f"{overall['server_cpu_ms_per_request']} ms, client {overall['client_cpu_ms_per_request']} "
        f"ms; load average {load}",
    )
    if cold is not None:
        print(
            f"cold start, before the mix: first dashboard view {cold['first_view_ms']:.0f} ms "
            f"(figures computed); then {cold['concurrent']['requests']} dashboard views at once "
            f"(every worker computes its own): p50 {cold['concurrent']['p50_ms']:.0f} ms, "
            f"max {cold['concurrent']['max_ms']:.0f} ms"
        )
    if outcome["errors"]:
        print(f"{len(outcome['errors'])} errors, first: {outcome['errors'][0]}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "teachers": args.teachers,
                "clients": args.clients,
                "workers": args.workers,
                "database": "sqlite",
                "machine": platform.platform(),
                "cpus": os.cpu_count(),
                "load_average": load,
                "rows": data["counts"],
                "plan_moves": data["plan_moves"],
                "commit": commit(),
                "mix": list(kinds),
                "dashboard_cold_start": cold,
                "by_kind": rows,
                "groups": groups,
                "overall": overall,
                "errors": len(outcome["errors"]),
                "target_p95_ms": TARGET_P95_MS,
            },
            indent=2,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
