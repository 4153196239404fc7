"""The solve's housekeeping: the garbage collector's pace while it runs, and as it was after."""

from __future__ import annotations

import gc

import pytest

from optimizer import solve
from optimizer.memory import YOUNG_COLLECTION_EVERY, fewer_collections
from tests.optimizer.factories import free_rules, instance, school, staffing, teacher


@pytest.fixture
def thresholds():
    """The collector's thresholds as the test found them, put back whatever it does."""
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)


def _district():
    return instance(
        [school("U", "urban", staff=[staffing("pe", in_post=3)]),
         school("R", "rural", lat=23.80, staff=[staffing("pe", in_post=0, shortage=1)])],
        [teacher("t1", "U", "pe")],
        rules=free_rules(),
    )


def _pace_while_solving(pace: tuple[int, int, int]) -> tuple[list[tuple[int, ...]], tuple]:
    """The thresholds seen at each settled level of a solve started at `pace`, and after."""
    gc.set_threshold(*pace)
    seen = []
    plan = solve(_district(), on_level=lambda *_: seen.append(gc.get_threshold()))
    assert plan.status == "optimal" and len(plan.moves) == 1
    return seen, gc.get_threshold()


def test_a_solve_collects_less_often_and_leaves_the_pace_as_it_found_it(thresholds):
    seen, after = _pace_while_solving((700, 10, 10))
    assert len(seen) >= 2  # level 1, then the later levels
    assert all(t == (YOUNG_COLLECTION_EVERY, 10, 10) for t in seen)
    assert after == (700, 10, 10)


def test_a_slower_pace_or_a_disabled_threshold_is_left_alone(thresholds):
    for pace in ((200_000, 5, 5), (0, 10, 10)):
        seen, after = _pace_while_solving(pace)
        assert len(seen) >= 2
        assert all(t == pace for t in seen)
        assert after == pace


def test_the_pace_comes_back_when_the_block_fails(thresholds):
    gc.set_threshold(700, 10, 10)
    with pytest.raises(RuntimeError), fewer_collections(1_000):
        assert gc.get_threshold() == (1_000, 10, 10)
        raise RuntimeError("a solve that fails")
    assert gc.get_threshold() == (700, 10, 10)
