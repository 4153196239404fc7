"""Optimizer tests: every plan a test makes is confirmed by the independent checker."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# pytest puts tests/ on sys.path (tests/conftest.py has no package), where the folder
# tests/optimizer would pass for a namespace package `optimizer` and hide the real one. The repo
# root goes first so that `import optimizer` is the package. (A `pythonpath = ["."]` in
# pyproject's pytest options would make this unnecessary.)
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
if "optimizer" in sys.modules and not getattr(sys.modules["optimizer"], "__file__", None):
    del sys.modules["optimizer"]

from optimizer import Instance, Plan, SolveSettings, check_plan, solve  # noqa: E402


@pytest.fixture
def solve_checked():
    """Solve and assert that the checker accepts the plan (feasible or not)."""

    def run(instance: Instance, settings: SolveSettings | None = None) -> Plan:
        plan = solve(instance, settings or SolveSettings(time_limit_s=20))
        findings = check_plan(instance, plan)
        assert findings == [], [f.en for f in findings]
        return plan

    return run
