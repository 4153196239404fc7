"""``workforce --help`` answers without importing the heavy libraries: every command imports what
it needs when it runs (the timing itself is ``benchmarks/bench_cli.py``; imports are what a test
can check without depending on the machine's load)."""

from __future__ import annotations

import json
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

    assert ENTITY_NAMES == tuple(SPECS)
