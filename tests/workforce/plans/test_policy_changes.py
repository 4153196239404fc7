"""The policy simulation's ``key=value`` rule changes as a planner types them (the page's and
the API's ``rule=``, the CLI's ``--set``): every value either parses or is refused naming the
rule, never a traceback."""

from __future__ import annotations

import pytest

from optimizer.simulate import PolicyError
from workforce.plans.policy import parse_changes

REFUSED = ["2026-02-30", "!!int abc", "!!float x", "!!timestamp 2026-13-01", "[1, 2", "{a: 1"]


@pytest.mark.parametrize("value", REFUSED)
def test_a_value_yaml_cannot_make_is_refused_naming_the_rule(value: str) -> None:
    """YAML's tags raise ValueError (a date of 2026-02-30) or TypeError, not YAMLError, for a
    value they cannot make: a 500 on the page and the API, a traceback on the command line."""
    with pytest.raises(PolicyError) as refused:
        parse_changes([f"quotas.school_share={value}"], [])
    assert "quotas.school_share" in refused.value.zh and "无法识别" in refused.value.zh
    assert "quotas.school_share" in refused.value.en


def test_a_plain_value_parses() -> None:
    changes = parse_changes(["quotas.school_share=0.15"], [])
    assert changes.rules == {"quotas.school_share": 0.15} and len(REFUSED) == 6
