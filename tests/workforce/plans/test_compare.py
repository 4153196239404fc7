"""Comparing two plans: moves only in one, changed destinations, figures side by side."""

import datetime as dt

from optimizer import Plan, SolveSettings
from optimizer.plan import Move, Provenance, QuotaResult, ShortageResult, SolverStats
from workforce.plans.compare import compare_plans


def _move(staff_no: str, to_school: str, subject: str = "pe") -> Move:
    return Move(
        staff_no=staff_no, name=f"教师{staff_no}", role="teacher", from_school="U1",
        to_school=to_school, subject=subject, kind="secondment", start=dt.date(2026, 9, 1),
        planned_end=dt.date(2029, 8, 31), wish_rank=None, distance_km=9.5, is_key=False,
        reasons=[],
    )  # fmt: skip


def _plan(moves: list[Move], filled: dict[str, int], achieved: int) -> Plan:
    return Plan(
        status="optimal",
        year=2026,
        stats=SolverStats(
            backend="highs",
            wall_time_s=0.1,
            build_time_s=0.0,
            time_to_first_plan_s=None,
            nodes=None,
            groups=1,
            arcs=1,
            pruned=False,
            pruning="none",
        ),  # fmt: skip
        moves=moves,
        quotas=[
            QuotaResult(
                name="quota.school_share",
                scope="U1",
                base=12,
                target=1,
                achieved=achieved,
                margin=achieved - 1,
                met=achieved >= 1,
            )  # fmt: skip
        ],
        shortages=[
            ShortageResult(
                school=school,
                subject="pe",
                slots=1,
                weight=1,
                arrivals=n,
                departures=0,
                filled=min(1, n),
                unfilled=1 - min(1, n),
            )  # fmt: skip
            for school, n in filled.items()
        ],
        provenance=Provenance(
            optimizer_version="test",
            settings=SolveSettings(),
            created_at=dt.datetime(2026, 11, 29, tzinfo=dt.UTC),
            instance_sha256="0" * 64,
            method="by hand",
        ),  # fmt: skip
    )


def test_moves_are_matched_by_staff_number_and_figures_set_side_by_side():
    a = _plan(
        [_move("UPE1", "R1"), _move("UPE2", "R2"), _move("UPE3", "R1")], {"R1": 1, "R2": 1}, 3
    )
    b = _plan(
        [_move("UPE1", "R1"), _move("UPE2", "R1"), _move("UPE4", "R2")], {"R1": 1, "R2": 1}, 3
    )
    comparison = compare_plans(a, b)
    assert [m.staff_no for m in comparison.only_in_a] == ["UPE3"]
    assert [m.staff_no for m in comparison.only_in_b] == ["UPE4"]
    assert [(c.staff_no, c.to_school_a, c.to_school_b) for c in comparison.changed] == [
        ("UPE2", "R2", "R1")
    ]
    assert comparison.same == 1
    assert comparison.a.moves == comparison.b.moves == 3


def test_a_figure_missing_from_one_plan_is_empty_on_that_side():
    a = _plan([_move("UPE1", "R1")], {"R1": 1}, 1)
    b = _plan([], {"R1": 0, "R2": 0}, 0)
    comparison = compare_plans(a, b)
    r1, r2 = comparison.shortages
    assert (r1.school, r1.filled_a, r1.filled_b, r1.unfilled_b) == ("R1", 1, 0, 1)
    assert (r2.school, r2.filled_a, r2.filled_b) == ("R2", None, 0)
    (quota,) = comparison.quotas
    assert (quota.achieved_a, quota.met_a, quota.achieved_b, quota.met_b) == (1, True, 0, False)
    assert comparison.a.filled == 1 and comparison.b.unfilled == 2


def test_a_plan_compared_with_itself_differs_in_nothing():
    a = _plan([_move("UPE1", "R1"), _move("UPE2", "R2", subject="math")], {"R1": 1}, 2)
    comparison = compare_plans(a, a)
    assert not (comparison.only_in_a or comparison.only_in_b or comparison.changed)
    assert comparison.same == 2
