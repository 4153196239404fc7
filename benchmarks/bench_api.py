"""Teacher list and search through the HTTP API under concurrent clients.

generate_district(teachers=N) → load into a scratch SQLite file (migrated) → run the API with
uvicorn in a subprocess on loopback → C concurrent httpx clients send a mix of list and search
requests (bounded count and time) → latency per request kind (p50 / p95 / max, ms).
Prints a table and writes benchmarks/results/api.json. The target: p95 within 200 ms.

    .venv/bin/python benchmarks/bench_api.py [--teachers 100000] [--clients 20] [--requests 1200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

RESULTS = Path(__file__).resolve().parent / "results" / "api.json"
BENCH_SECRET = "benchmark-secret-key-used-only-for-this-scratch-database"
TARGET_P95_MS = 200.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(database: Path, teachers: int, seed: int) -> dict:
    """Load the district and make two accounts; returns what the request mix needs."""
    from sqlmodel import Session, select

    from workforce.accounts.models import User
    from workforce.accounts.passwords import hash_password
    from workforce.accounts.tokens import issue_token
    from workforce.db import make_engine, migrate
    from workforce.models import School
    from workforce.sample import generate_district, load_district

    started = time.perf_counter()
    district = generate_district(teachers=teachers, seed=seed)
    engine = make_engine(f"sqlite:///{database}")
    migrate(engine)
    counts = load_district(engine, district)
    loaded = time.perf_counter() - started
    with Session(engine, expire_on_commit=False) as session:
        schools = session.exec(select(School.id).where(School.level != "kindergarten")).all()
        password = hash_password("benchmark password")
        admin = User(
            username="bench-admin", display_name="压测", role="admin", password_hash=password
        )
        clerk = User(
            username="bench-clerk",
            display_name="压测专干",
            role="clerk",
            school_id=schools[0],
            password_hash=password,
        )
        session.add_all([admin, clerk])
        session.flush()
        admin_token, _ = issue_token(session, user=admin)
        clerk_token, _ = issue_token(session, user=clerk)
        session.commit()
    engine.dispose()
    people = [t for t in district.teachers if t.id_number]
    return {
        "counts": counts,
        "load_seconds": round(loaded, 1),
        "schools": list(schools),
        "staff_numbers": [t.staff_no for t in people[:: max(1, len(people) // 500)]],
        "id_numbers": [t.id_number for t in people[:: max(1, len(people) // 500)]],
        "surnames": sorted({t.name[0] for t in people}),
        "admin": admin_token,
        "clerk": clerk_token,
    }


def request_mix(data: dict, rng: random.Random) -> tuple[str, dict, str]:
    """One request: (kind, query parameters, token)."""
    kind = rng.choice(
        [
            "list",
            "list school",
            "list subject+zone",
            "key teachers",
            "search name",
            "search staff no",
            "search id number",
            "clerk list",
            "deep page",
        ]
    )
    params: dict = {}
    token = data["admin"]
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
    elif kind == "search staff no":
        params = {"q": rng.choice(data["staff_numbers"])}
    elif kind == "search id number":
        params = {"q": rng.choice(data["id_numbers"])}
    elif kind == "clerk list":
        token = data["clerk"]
    elif kind == "deep page":
        params = {"skip": rng.randrange(0, 90_000), "limit": 50}
    return kind, params, token


async def run_clients(base: str, data: dict, clients: int, requests: int, seconds: float) -> dict:
    timings: dict[str, list[float]] = {}
    errors: list[str] = []
    deadline = time.perf_counter() + seconds
    per_client = requests // clients

    async def client(index: int) -> None:
        rng = random.Random(index)
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            for _ in range(per_client):
                if time.perf_counter() > deadline:
                    return
                kind, params, token = request_mix(data, rng)
                started = time.perf_counter()
                response = await http.get(
                    "/api/teachers", params=params, headers={"Authorization": f"Bearer {token}"}
                )
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    errors.append(f"{kind}: {response.status_code} {response.text[:200]}")
                timings.setdefault(kind, []).append(elapsed)

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return {"timings": timings, "errors": errors, "wall": time.perf_counter() - started}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1200)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    args = parser.parse_args()
    os.environ.update({"WORKFORCE_SECRET_KEY": BENCH_SECRET, "WORKFORCE_ENVIRONMENT": "test"})

    with tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / "bench.sqlite3"
        data = prepare(database, args.teachers, args.seed)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "WORKFORCE_DATABASE_URL": f"sqlite:///{database}"}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=env,
        )
        try:
            wait_until_up(base, server)
            outcome = asyncio.run(
                run_clients(base, data, args.clients, args.requests, args.seconds)
            )
        finally:
            server.terminate()
            server.wait(timeout=30)

    rows = []
    for kind, values in sorted(outcome["timings"].items()):
        rows.append(
            {
                "kind": kind,
                "requests": len(values),
                "p50_ms": round(statistics.median(values), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "max_ms": round(max(values), 1),
            }
        )
    every = [v for values in outcome["timings"].values() for v in values]
    overall = {
        "requests": len(every),
        "p50_ms": round(statistics.median(every), 1),
        "p95_ms": round(percentile(every, 0.95), 1),
        "throughput_per_s": round(len(every) / outcome["wall"], 1),
    }
    print(
        f"{args.teachers} teachers, {args.clients} clients, {args.workers} uvicorn workers, "
        f"SQLite; loaded in {data['load_seconds']} s"
    )
    print(f"{'request':<20}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for row in rows:
        print(
            f"{row['kind']:<20}{row['requests']:>6}{row['p50_ms']:>10}{row['p95_ms']:>10}"
            f"{row['max_ms']:>10}"
        )
    print(
        f"{'all':<20}{overall['requests']:>6}{overall['p50_ms']:>10}{overall['p95_ms']:>10}"
        f"  ({overall['throughput_per_s']} req/s; target p95 ≤ {TARGET_P95_MS:g} ms: "
        f"{'met' if overall['p95_ms'] <= TARGET_P95_MS else 'NOT met'})"
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
                "rows": data["counts"],
                "by_kind": rows,
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
