"""Teacher rotation optimizer (教师交流轮岗): pure — an `Instance` in, a `Plan` out.

    from optimizer import load_rules, solve, SolveSettings, check_plan
    plan = solve(instance, SolveSettings(time_limit_s=30, backend="highs"))
    assert not check_plan(instance, plan)

Nothing here imports the registry (`workforce`) or the web app (`api`).

The names below are imported on first use (PEP 562 module ``__getattr__``): ``from optimizer
import Instance`` loads the instance model only, not the solver, and the solver does not load
the independent checker (`optimizer.check`) — a command imports what it uses.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_EXPORTS = {
    "Finding": "optimizer.check",
    "check_plan": "optimizer.check",
    "Instance": "optimizer.instance",
    "Pin": "optimizer.instance",
    "Plan": "optimizer.plan",
    "RotationRules": "optimizer.rules",
    "load_rules": "optimizer.rules",
    "SolveSettings": "optimizer.settings",
    "solve": "optimizer.solve",
    "solve_with_pins": "optimizer.solve",
}
"""Each public name and the module defining it."""

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

if TYPE_CHECKING:
    from optimizer.check import Finding, check_plan
    from optimizer.instance import Instance, Pin
    from optimizer.plan import Plan
    from optimizer.rules import RotationRules, load_rules
    from optimizer.settings import SolveSettings
    from optimizer.solve import solve, solve_with_pins


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'optimizer' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


class _Package(ModuleType):
    """The package's module type: importing the submodule `optimizer.solve` (the import system
    then binds it on its package) must not hide the function `optimizer.solve` — the name is
    the function's, as it was when this file imported everything at once."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _EXPORTS and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
