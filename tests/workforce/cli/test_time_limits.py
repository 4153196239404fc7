"""``--time-limit`` as typed: 0, a negative number, ``nan`` and ``inf`` ended in a traceback
(a pydantic dump, or an overflow inside the solver); each is now refused before any work,
in words, by every command that solves."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from workforce.cli import app

runner = CliRunner()
COMMANDS = {
    "plan": ["plan", "--year", "2026"],
    "resolve": ["plans", "resolve", "1"],
    "roadmap": ["roadmap", "--from", "2026", "--years", "2"],
    "whatif": ["whatif", "candidates", "--year", "2026", "--school", "S01", "--subject", "pe"],
}


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "1e309", "90000"])
def test_a_time_limit_that_is_no_duration_is_refused_in_words(env, value: str) -> None:
    answered = []
    for name, arguments in COMMANDS.items():
        result = runner.invoke(app, [*arguments, "--time-limit", value])
        assert result.exit_code == 2, (name, result.output)
        assert "须为大于 0、不超过 86400 的秒数" in result.output, (name, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), name
        answered.append(name)
    assert answered == list(COMMANDS)
