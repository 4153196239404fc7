"""``workforce --help`` answers without importing the heavy libraries: every command imports what
it needs when it runs (the timing itself is ``benchmarks/bench_cli.py``; imports are what a test
can check without depending on the machine's load)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "pandas", "numpy", "openpyxl", "highspy",
         "ortools", "matplotlib", "fastapi", "optimizer", "workforce.db", "workforce.config",
         "rich.markdown")  # fmt: skip

PROBE = """
import json, sys
from workforce.cli import app
try:
    app(["--help"])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def test_help_imports_none_of_the_heavy_libraries():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          check=True, timeout=60)  # fmt: skip
    output = done.stdout
    assert "Commands:" in output and "rotate-secret" in output
    loaded = json.loads(output[output.rindex("\n[") + 1 :])
    heavy = [m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY]
    assert heavy == []
    assert "workforce.cli.plan_commands" in loaded  # the commands are all registered


def test_the_entity_names_in_the_help_are_the_import_specs():
    from workforce.cli.io_commands import ENTITY_NAMES
    from workforce.io.entities import SPECS

    assert tuple(SPECS) == ENTITY_NAMES


NOT_FOR_PLANNING = ("pandas", "matplotlib", "openpyxl", "alembic", "fastapi", "uvicorn", "jinja2",
                    "optimizer.check", "optimizer.roadmap", "optimizer.whatif", "optimizer.parallel",
                    # the plan file is signed (Ed25519, ~9 ms with its import): only that part
                    "cryptography.hazmat.primitives.serialization",
                    "cryptography.hazmat.primitives.ciphers",
                    "workforce.plans.workbook", "workforce.io", "api")  # fmt: skip

PLAN_PROBE = """
import gc, json, os, sys
from workforce.cli import app
try:
    app(["plan", "--year", "2026", "--out", sys.argv[1]])
except SystemExit as exit:
    assert not exit.code, exit.code
print(json.dumps({"modules": sorted(sys.modules), "young_every": gc.get_threshold()[0],
                  "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
                  "numpy_loaded": "numpy" in sys.modules}))
"""


def test_plan_imports_only_what_planning_uses(engine, tmp_path):
    """`workforce plan --out plan.json` solves and stores the plan without the workbook writer,
    data-frame, plotting, migration or web libraries, nor the independent checker; and the
    command runs with the collector's young generation widened and OpenBLAS on one thread (its
    environment variable set before numpy was loaded: `workforce.cli.app.start`)."""
    from sqlmodel import Session

    from optimizer.memory import YOUNG_COLLECTION_EVERY

    from ..district import build_small_district

    with Session(engine) as session:
        build_small_district(session)
    out = tmp_path / "plan.json"
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run([sys.executable, "-c", PLAN_PROBE, str(out)], capture_output=True,
                          text=True, check=True, timeout=300, env=env)  # fmt: skip
    seen = json.loads(done.stdout[done.stdout.rindex("\n{") + 1 :])
    assert json.loads(out.read_text(encoding="utf-8"))["status"] == "optimal"
    loaded = seen["modules"]
    assert "optimizer.solve" in loaded and "workforce.snapshot" in loaded  # it did plan
    unwanted = [m for m in loaded
                if any(m == n or m.startswith(n + ".") for n in NOT_FOR_PLANNING)]  # fmt: skip
    assert unwanted == []
    assert seen["young_every"] == YOUNG_COLLECTION_EVERY
    assert seen["numpy_loaded"] and seen["openblas_threads"] == "1"
