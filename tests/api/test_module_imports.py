"""Each module of the web app imports on its own, first, in a fresh interpreter: the page
package used to import every page when any of its helpers was imported, and ``api.solving``,
imported first, met itself half made through ``api.routes.whatif`` (a worker or a script that
imports one module must not depend on another having been imported before)."""

from __future__ import annotations

import subprocess
import sys

import pytest

FIRST = ("api.solving", "api.pages.rendering", "api.routes.whatif", "api.pages.policy")


@pytest.mark.parametrize("module", FIRST)
def test_a_module_imports_first_on_its_own(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {module}"],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
