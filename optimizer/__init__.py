"""Teacher rotation optimizer (教师交流轮岗): pure — an `Instance` in, a `Plan` out.

    from optimizer import load_rules, solve, SolveSettings, check_plan
    plan = solve(instance, SolveSettings(time_limit_s=30, backend="highs"))
    assert not check_plan(instance, plan)

Nothing here imports the registry (`workforce`) or the web app (`api`).
"""

__version__ = "0.1.0"

from optimizer.check import Finding, check_plan
from optimizer.instance import Instance, Pin
from optimizer.plan import Plan
from optimizer.rules import RotationRules, load_rules
from optimizer.settings import SolveSettings
from optimizer.solve import solve, solve_with_pins

__all__ = [
    "Finding",
    "Instance",
    "Pin",
    "Plan",
    "RotationRules",
    "SolveSettings",
    "check_plan",
    "load_rules",
    "solve",
    "solve_with_pins",
]
