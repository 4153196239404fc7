"""The package `optimizer` loads each public name on first use, and every name is the object its
module defines (issue #11 item 5: `workforce plan` imports what it uses, not the checker)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

import optimizer

PUBLIC = {"Finding", "Instance", "Pin", "Plan", "RotationRules", "SolveSettings", "check_plan",
          "load_rules", "solve", "solve_with_pins"}  # fmt: skip
"""The package's public names (docs/optimizer.md)."""


def test_every_public_name_is_the_object_of_its_module():
    assert set(optimizer.__all__) == set(optimizer._EXPORTS) == PUBLIC
    for name, module in optimizer._EXPORTS.items():
        value = getattr(optimizer, name)
        assert value is getattr(importlib.import_module(module), name), name
        assert value.__module__ == module, name  # defined there, not re-exported from elsewhere
    assert len(PUBLIC) == 10


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_thing"):
        optimizer.no_such_thing  # noqa: B018
    with pytest.raises(ImportError):
        from optimizer import no_such_thing  # noqa: F401


PROBE = """
import json, sys
from optimizer import Instance, Plan, SolveSettings
first = sorted(m for m in sys.modules if m.startswith("optimizer"))
import optimizer.solve  # the submodule first: the package's name `solve` stays the function
from optimizer import solve
print(json.dumps({"first": first, "solve_is_function": callable(solve) and
                  solve.__module__ == "optimizer.solve",
                  "checker_loaded": "optimizer.check" in sys.modules}))
"""


def test_the_instance_and_plan_load_neither_the_solver_nor_the_checker():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          check=True, timeout=60)  # fmt: skip
    seen = json.loads(done.stdout)
    assert "optimizer.solve" not in seen["first"] and "optimizer.check" not in seen["first"]
    assert {"optimizer.instance", "optimizer.plan", "optimizer.settings"} <= set(seen["first"])
    assert seen["solve_is_function"] is True
    assert seen["checker_loaded"] is False  # solving needs no checker
