"""Optimizer tests: every plan a test makes is confirmed by the independent checker."""

from __future__ import annotations

import pytest

from optimizer import Instance, Plan, SolveSettings, check_plan, solve


@pytest.fixture
def solve_checked():
    """Solve and assert that the checker accepts the plan (feasible or not)."""

    def run(instance: Instance, settings: SolveSettings | None = None) -> Plan:
        plan = solve(instance, settings or SolveSettings(time_limit_s=20))
        findings = check_plan(instance, plan)
        assert findings == [], [f.en for f in findings]
        return plan

    return run
