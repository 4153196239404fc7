"""The systemd path of docs/deploy.md, as a county IT office follows it.

The unit files of ``deploy/`` pass ``systemd-analyze verify`` and are shown in the doc as they
are. Then what the units run is run here, on a real PostgreSQL server (``scripts/postgres``),
from an empty folder, with only the units' ``Environment=`` and the home's config file made from
``deploy/workforce.env.example``: ``ExecStartPre`` (``workforce migrate``, idempotent),
``ExecStart`` (``workforce serve --workers 2``, its worker processes counted) behind nginx with
``deploy/nginx-workforce.conf``, two users signing in and writing at once, a solve job queued by
the web server and run by the worker unit's ``workforce worker``, the backup unit's command, a
restore and a restart. Every process started is ended when the test ends, whatever its outcome.
"""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import signal
import socket
import ssl
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from pathlib import Path

import httpx
import psutil
from sqlalchemy import func, select, text
from sqlmodel import Session

from workforce import db
from workforce.models import AuditLog, School, SolveJob, Teacher

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = Path(str(files("workforce._deploy")))
"""The deployment files as the package ships them (``workforce deploy-files`` writes them out)."""
UNITS = ("workforce.service", "workforce-worker.service", "workforce-backup.service",
         "workforce-backup.timer")  # fmt: skip
VENV, HOME, BACKUPS = "/srv/workforce/venv", "/srv/workforce/home", "/var/backups/workforce"
"""The paths the units name; the test puts the virtualenv under test and temporary folders
there."""
EXAMPLE_URL = "postgresql+psycopg://workforce:PASSWORD@127.0.0.1/workforce"
PASSWORDS = {"chief": "a long enough password for chief", "lin": "another long password, lin"}
SERVER_NAME = "workforce.example.gov.cn"


def read_unit(name: str) -> configparser.ConfigParser:
    """A unit file read by an INI parser as systemd reads it: case-sensitive keys, ``#``
    comments, no interpolation; a key given twice in a section is an error here."""
    parser = configparser.ConfigParser(interpolation=None, strict=True, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((DEPLOY / name).read_text(encoding="utf-8"), source=name)
    return parser


def installed(line: str, home: Path, backups: Path | None = None) -> str:
    """A unit's line with the documented paths replaced by the test's virtualenv and folders."""
    line = line.replace(VENV, sys.prefix).replace(HOME, str(home))
    return line.replace(BACKUPS, str(backups)) if backups else line


def unit_environment(unit: configparser.ConfigParser, home: Path) -> dict[str, str]:
    """What a service started by systemd sees: PATH and LANG, plus the unit's ``Environment=``
    (no ``WORKFORCE_*`` of this process: the home's config file must be enough)."""
    environment = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    for assignment in shlex.split(unit["Service"]["Environment"]):
        name, _, value = installed(assignment, home).partition("=")
        environment[name] = value
    return environment


def test_the_unit_files_pass_systemd_analyze_verify(tmp_path):
    # systemd's own checker: unknown keys, wrong sections, executables that do not exist. A
    # unit with a misspelt key is shown to fail the same check.
    assert shutil.which("systemd-analyze"), "scripts/system-deps installs systemd"
    folder = tmp_path / "units"
    folder.mkdir()
    for name in UNITS:
        text_ = installed((DEPLOY / name).read_text(encoding="utf-8"), tmp_path / "home", tmp_path)
        (folder / name).write_text(text_, encoding="utf-8")
    checked = subprocess.run(["systemd-analyze", "verify", *sorted(map(str, folder.iterdir()))],
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert (checked.returncode, checked.stderr) == (0, ""), checked.stderr
    assert len(list(folder.iterdir())) == len(UNITS) == 4
    broken = folder / "workforce.service"
    broken.write_text(broken.read_text().replace("KillMode=", "KilMode="), encoding="utf-8")
    warned = subprocess.run(["systemd-analyze", "verify", str(broken)], capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    assert "Unknown key 'KilMode'" in warned.stderr


def test_the_units_start_the_installed_entry_point_with_the_home():
    web, worker = read_unit("workforce.service"), read_unit("workforce-worker.service")
    entry_point = f"{VENV}/bin/workforce"
    assert shlex.split(web["Service"]["ExecStartPre"]) == [entry_point, "migrate"]
    serve = shlex.split(web["Service"]["ExecStart"])
    assert serve[:2] == [entry_point, "serve"] and int(serve[serve.index("--workers") + 1]) == 2
    assert shlex.split(worker["Service"]["ExecStart"]) == [entry_point, "worker"]
    for unit in (web, worker, read_unit("workforce-backup.service")):
        assert unit["Service"]["Environment"] == f"WORKFORCE_HOME={HOME}"
        assert HOME in unit["Service"]["ReadWritePaths"].split()
        assert unit["Service"]["User"] == "workforce"
    # the virtualenv's `workforce` is the console script of the CLI the units expect
    script = Path(installed(entry_point, Path(HOME)))
    assert script.is_file() and os.access(script, os.X_OK)
    assert "from workforce.cli import app" in script.read_text(encoding="utf-8")


def test_the_deploy_doc_shows_the_files_of_deploy_as_they_are():
    doc = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    shipped = sorted(p.name for p in DEPLOY.iterdir() if not p.name.startswith("_"))
    assert shipped == sorted([*UNITS, "workforce.env.example", "nginx-workforce.conf"])
    missing = [name for name in shipped if (DEPLOY / name).read_text(encoding="utf-8") not in doc]
    assert missing == []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, log: Path, **client: object) -> httpx.Response:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            return httpx.get(url, timeout=5, **client)  # type: ignore[arg-type]
        except httpx.TransportError:
            assert process.poll() is None, log.read_text(encoding="utf-8", errors="replace")
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in 120 s")


def _nginx(started, folder: Path, app_port: int) -> tuple[str, int, ssl.SSLContext]:
    """nginx with deploy/nginx-workforce.conf (ports, certificate and upstream moved to the
    test's), a self-signed certificate; returns the HTTPS base URL, the HTTP port and a
    context trusting the certificate."""
    nginx = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin")
    assert nginx, "scripts/system-deps installs nginx"
    folder.mkdir()
    certificate, key = folder / "workforce.pem", folder / "workforce.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", f"/CN={SERVER_NAME}", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(certificate)],
                   check=True, capture_output=True, timeout=60)  # fmt: skip
    https, http = _free_port(), _free_port()
    site = (DEPLOY / "nginx-workforce.conf").read_text(encoding="utf-8")
    for old, new in [("listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;"),
                     ("listen 80;", f"listen 127.0.0.1:{http};"),
                     ("/etc/ssl/certs/workforce.pem", str(certificate)),
                     ("/etc/ssl/private/workforce.key", str(key)),
                     ("http://127.0.0.1:8000", f"http://127.0.0.1:{app_port}")]:  # fmt: skip
        assert site.count(old) == 1, old
        site = site.replace(old, new)
    (folder / "site.conf").write_text(site, encoding="utf-8")
    temporary = " ".join(f"{kind}_temp_path {folder / kind};"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))  # fmt: skip
    (folder / "nginx.conf").write_text(
        f"worker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
        f"events {{}}\nhttp {{\n access_log {folder / 'access.log'};\n {temporary}\n"
        f" include {folder / 'site.conf'};\n}}\n", encoding="utf-8")  # fmt: skip
    argv = [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")]
    tested = subprocess.run([*argv, "-t"], capture_output=True, text=True, timeout=60)
    assert tested.returncode == 0, tested.stderr
    log = folder / "nginx.out"
    with log.open("w") as out:
        proxy = started([*argv, "-g", "daemon off;"], stdout=out, stderr=subprocess.STDOUT)
    context = ssl.create_default_context(cafile=str(certificate))
    _wait_for(f"https://127.0.0.1:{https}/healthz", proxy, log, verify=context)
    return f"https://127.0.0.1:{https}", http, context


def _counts(engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model))
            for model in (School, Teacher, AuditLog)
        )


def _sign_in_and_write(base: str, context: ssl.SSLContext, username: str, code: str) -> int:
    """One user's own connection: sign in, create a school; returns the creation's status."""
    with httpx.Client(base_url=base, verify=context, timeout=30) as client:
        token = client.post("/api/auth/token",
                            data={"username": username, "password": PASSWORDS[username]})  # fmt: skip
        assert token.status_code == 200, token.text
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        created = client.post("/api/schools", json={
            "code": code, "name": f"{username}新建学校", "town": "上城街道", "zone": "urban",
            "level": "primary", "pupils": 240, "classes_by_grade": [1] * 6})  # fmt: skip
        return created.status_code


def test_the_units_run_an_instance_on_postgresql_with_workers_behind_nginx(
    postgres_url, started, tmp_path
):
    home, here, backups = tmp_path / "home", tmp_path / "empty", tmp_path / "backups"
    here.mkdir()
    backups.mkdir()
    # docs/deploy.md §3: the home, its config file from the example with the database's URL
    home.mkdir(mode=0o700)
    example = (DEPLOY / "workforce.env.example").read_text(encoding="utf-8")
    assert example.count(EXAMPLE_URL) == 1
    (home / "workforce.env").write_text(example.replace(EXAMPLE_URL, postgres_url), "utf-8")
    (home / "workforce.env").chmod(0o600)
    web, worker = read_unit("workforce.service"), read_unit("workforce-worker.service")
    environment = unit_environment(web, home)
    assert environment == unit_environment(worker, home) and set(environment) == {
        "PATH", "LANG", "WORKFORCE_HOME"}  # fmt: skip

    def run(line: str, **options: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(shlex.split(installed(line, home, backups)), cwd=here,
                              env=environment, capture_output=True, text=True, timeout=300,
                              **options)  # type: ignore[call-overload]  # fmt: skip

    engine = db.make_engine(postgres_url)
    try:
        migrate = web["Service"]["ExecStartPre"]
        first = run(migrate)
        assert first.returncode == 0, first.stderr
        assert "WORKFORCE_SECRET_KEY=" in (home / "workforce.env").read_text(encoding="utf-8")
        workforce = f"{VENV}/bin/workforce"
        for user, role in (("chief", "admin"), ("lin", "hr")):
            made = run(f"{workforce} create-user {user} --role {role} --password-stdin",
                       input=PASSWORDS[user] + "\n")  # fmt: skip
            assert made.returncode == 0, made.stderr
        demo = run(f"{workforce} demo --teachers 150 --seed 7 --time-limit 5")
        assert demo.returncode == 0, demo.stderr
        loaded = _counts(engine)
        assert loaded[0] > 10 and loaded[1] > 100
        again = run(migrate)  # idempotent: a second migrate changes nothing
        assert again.returncode == 0, again.stderr
        assert _counts(engine) == loaded
        with engine.connect() as connection:
            head = connection.scalar(text("SELECT version_num FROM alembic_version"))

        # ExecStart: `workforce serve --workers 2`, on a free port, behind nginx
        serve = shlex.split(installed(web["Service"]["ExecStart"], home))
        workers = int(serve[serve.index("--workers") + 1])
        port = _free_port()
        serve[serve.index("--port") + 1] = str(port)
        server_log = tmp_path / "server.out"

        def start_server() -> subprocess.Popen:
            with server_log.open("a") as out:
                server = started(serve, cwd=here, env=environment, stdout=out,
                                 stderr=subprocess.STDOUT)  # fmt: skip
            health = _wait_for(f"http://127.0.0.1:{port}/healthz", server, server_log)
            assert health.status_code == 200, health.text
            assert health.json() == {"status": "ok", "database": "ok", "migration": head,
                                     "migration_head": head}  # fmt: skip
            return server

        server = start_server()
        processes = [p for p in psutil.Process(server.pid).children(recursive=True)
                     if "spawn_main" in " ".join(p.cmdline())]  # fmt: skip
        assert len(processes) == workers == 2
        base, http_port, context = _nginx(started, tmp_path / "nginx", port)

        # two users, each on a connection of their own through the proxy, writing at once
        with ThreadPoolExecutor(2) as pool:
            statuses = list(pool.map(_sign_in_and_write, [base] * 2, [context] * 2,
                                     ["chief", "lin"], ["N001", "N002"]))  # fmt: skip
        assert statuses == [201, 201]
        with Session(engine) as session:
            actors = session.scalars(select(AuditLog.actor).where(AuditLog.entity == "school",
                                  AuditLog.entity_key.in_(["N001", "N002"]))).all()  # fmt: skip
        assert sorted(actors) == ["chief", "lin"]
        redirect = httpx.get(f"http://127.0.0.1:{http_port}/healthz", timeout=10)
        assert redirect.status_code == 301
        assert redirect.headers["location"] == "https://127.0.0.1/healthz"

        # a solve job: queued by the web server (WORKFORCE_WEB_RUNS_SOLVES=false), run by the
        # worker unit's `workforce worker` in a process of its own
        with httpx.Client(base_url=base, verify=context, timeout=30) as chief:
            token = chief.post("/api/auth/token",
                               data={"username": "chief", "password": PASSWORDS["chief"]})  # fmt: skip
            chief.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
            job = chief.post("/api/plans/jobs", json={"year": 2026, "time_limit_s": 10})
            assert job.status_code == 202, job.text
            job_url = f"/api/plans/jobs/{job.json()['id']}"
            time.sleep(3)
            assert chief.get(job_url).json()["status"] == "queued"
            worker_log = tmp_path / "worker.out"
            with worker_log.open("w") as out:
                solver = started(shlex.split(installed(worker["Service"]["ExecStart"], home)),
                                 cwd=here, env=unit_environment(worker, home), stdout=out,
                                 stderr=subprocess.STDOUT)  # fmt: skip
            under_worker: set[int] = set()
            deadline = time.monotonic() + 240
            while not (state := chief.get(job_url).json())["finished"]:
                assert time.monotonic() < deadline, state
                assert solver.poll() is None, worker_log.read_text(encoding="utf-8")
                under_worker |= {p.pid for p in psutil.Process(solver.pid).children(recursive=True)}
                time.sleep(0.2)
            assert state["status"] == "done" and state["plan_id"] is not None, state["error"]
            with Session(engine) as session:
                solved_by = session.get(SolveJob, state["id"]).pid
            assert solved_by in under_worker
            solver.send_signal(signal.SIGTERM)  # systemctl stop: the worker ends its loop
            assert solver.wait(timeout=30) == 0

        # the backup unit's command (systemd turns %% into %), then a restore on the stopped
        # server, and the service started again
        command_line = read_unit("workforce-backup.service")["Service"]["ExecStart"]
        backed_up = run(command_line.replace("%%", "%"))
        assert backed_up.returncode == 0, backed_up.stderr
        (archive,) = backups.iterdir()
        assert archive.name == f"{time.strftime('%Y-%m-%d')}.tar.gz"
        assert stat.S_IMODE(archive.stat().st_mode) == 0o600
        saved = _counts(engine)
        assert _sign_in_and_write(base, context, "lin", "LATE") == 201  # after the backup
        server.send_signal(signal.SIGTERM)  # KillMode=mixed: SIGTERM to the main process
        assert server.wait(timeout=30) == 0
        assert psutil.wait_procs(processes, timeout=30)[1] == []  # its workers ended too
        refused = run(f"{workforce} restore {archive}")
        assert refused.returncode == 2 and "数据库中已有数据" in refused.stdout + refused.stderr
        restored = run(f"{workforce} restore {archive} --force")
        assert restored.returncode == 0, restored.stderr
        assert run(migrate).returncode == 0  # ExecStartPre on the restored database
        start_server()
        assert _counts(engine) == saved
        assert _sign_in_and_write(base, context, "chief", "N003") == 201
        with Session(engine) as session:
            codes = set(session.scalars(select(School.code).where(School.code.like("N%"))).all())
            assert session.scalars(select(School).where(School.code == "LATE")).first() is None
        assert codes == {"N001", "N002", "N003"}
    finally:
        engine.dispose()
    log = (home / "logs" / "server.log").read_text(encoding="utf-8")
    assert "Application startup complete" in log and "/healthz" in log
    assert list(here.iterdir()) == []  # nothing is written into the folder the units run in
