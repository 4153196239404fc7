"""Reduced-cost fixing from an LP's row prices: which integer variables cannot leave their LP
value in any solution better than a known one.

Why: a later level of a large model (30,000 teachers: 138,730 variables) had its best solution
from the LP neighbourhood within a second, and then HiGHS's full MIP spent 25–35 s proving it —
10 s in presolve of the whole model and 7 s in its root LP before it fixed 73% of the columns
by their reduced costs and restarted on the rest. The LP is already solved here, so the fixing
is done at once and HiGHS gets only the free part (30,000: 62,268 of 138,730 columns), with the
known solution as its incumbent.

The argument is weak Lagrangian duality, as in optimizer.pricing, so it does not depend on the
prices being optimal or exact: for *any* row prices π, every solution of max c·x, l ≤ Ax ≤ u,
lo ≤ x ≤ hi has

    c·x ≤ L(π) = Σ_rows max_{s ∈ [l, u]} π·s + Σ_columns max_{x ∈ [lo, hi]} d·x,  d = c − Aᵀπ.

A column j that the maximum puts at a bound b (d_j ≠ 0) can only move off it by at least 1 (it is
integer): the column's term then falls by at least |d_j|, so such a solution has
c·x ≤ L(π) − |d_j|. When that is below the incumbent's value, no solution as good as the
incumbent moves j: fixing j at b keeps every solution at least as good, and the restricted
MIP's optimum (and bound) is the level's. The reduced costs are recomputed here from the prices
(not taken from the LP solver), so the only error is float rounding, covered by a margin.
"""

from __future__ import annotations

import numpy as np

from optimizer.problem import Problem

_MARGIN = 1e-9
"""Relative margin on the Lagrangian bound against float rounding (the objective's scale)."""


def lagrangian_fixing(
    problem: Problem, row_prices: np.ndarray, incumbent: np.ndarray
) -> tuple[float, np.ndarray]:
    """(L(π) in the problem's own sense, a mask of the integer columns that keep their value in
    the incumbent).

    `row_prices` are the LP's row duals in either sign convention (the one giving the tighter
    bound is used; both are valid); `incumbent` is a feasible solution. A column is fixed only
    at the value the incumbent gives it, so the incumbent stays feasible."""
    bound, fixed, _ = _fixings(problem, row_prices, incumbent, None)
    return bound, fixed


def held_face(
    problem: Problem, row_prices: np.ndarray, incumbent: np.ndarray, integral: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(integer columns, rows) that keep the incumbent's value and activity in every solution
    at least as good as the incumbent — the face of the LP optimum when the incumbent reaches
    the LP bound. `integral` marks the columns integral in every solution (the integer ones and
    those an equality of integer columns defines, e.g. a total of arcs). Third: the rows'
    activities at the incumbent, the values to hold the rows at.

    The argument for rows is the one for columns: a row priced π ≠ 0 whose activity leaves the
    bound its term takes by δ lowers L(π) by |π|·δ, and δ ≥ 1 when the row's coefficients are
    integers over integral columns. So a row is held (lower = upper = the incumbent's activity)
    when |π| exceeds the bound's lead over the incumbent, as a column is.

    Why: once level 1 is solved, the later levels may only use plans as good in level 1. The row
    `lexicographic[level]` says so, but the LP of the later levels then still searches the whole
    polytope for it; holding what level 1's prices pin down takes a quarter to a third off
    HiGHS's time on it (`solve._hold_level_face`)."""
    _, fixed, rows = _fixings(problem, row_prices, incumbent, integral)
    assert rows is not None
    return fixed, *rows


def _fixings(
    problem: Problem, row_prices: np.ndarray, incumbent: np.ndarray, integral: np.ndarray | None
) -> tuple[float, np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """L(π) in the problem's sense, the columns fixed, and (with `integral`) the rows held
    with the incumbent's row activities."""
    sign = 1.0 if problem.maximize else -1.0  # work on max sign·c·x
    cost = sign * problem.cost
    lower, upper, integer = problem.lower, problem.upper, problem.integer
    row_lower, row_upper = problem.row_lower, problem.row_upper
    columns, values, row_of = problem.index, problem.value, problem.row_of()
    prices = np.asarray(row_prices, np.float64)
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for candidate in (prices, -prices):
        bound, reduced, used = _lagrangian(
            candidate, cost, lower, upper, row_lower, row_upper, columns, values, row_of
        )
        if best is None or bound < best[0]:
            best = (bound, reduced, used)
    assert best is not None
    bound, reduced, used = best
    offset = sign * problem.offset
    start = np.asarray(incumbent, np.float64)
    value = offset + float(cost @ start)
    at = np.where(reduced > 0, upper, lower)  # where the maximum puts each column
    # A column is fixed when moving it costs more than the bound's lead over the incumbent,
    # with a margin: whoever moves it is then strictly worse than the incumbent.
    slack = (bound + offset) - value + _MARGIN * max(1.0, abs(value), abs(bound + offset))
    fix = integer & (np.abs(reduced) > slack) & (reduced != 0) & np.isfinite(at) & (start == at)
    if integral is None:
        return sign * (bound + offset), fix, None
    activity = np.bincount(row_of, weights=values * start[columns], minlength=len(row_lower))
    side = np.where(used > 0, row_upper, row_lower)  # the bound each priced row's term takes
    whole = np.bincount(row_of, weights=~(integral[columns] & (values == np.round(values))),
                        minlength=len(row_lower)) == 0
    held = whole & (np.abs(used) > slack) & np.isfinite(side) & (activity == side)
    return sign * (bound + offset), fix, (held, activity)


def _lagrangian(
    prices: np.ndarray,
    cost: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    columns: np.ndarray,
    values: np.ndarray,
    row_of: np.ndarray,
) -> tuple[float, np.ndarray, np.ndarray]:
    """L(π) without the objective offset, the reduced costs d = c − Aᵀπ and the prices used. A
    price that points at an infinite row side is set to 0 (allowed: any prices give a bound)."""
    prices = np.where(
        ((prices > 0) & ~np.isfinite(row_upper)) | ((prices < 0) & ~np.isfinite(row_lower)),
        0.0,
        prices,
    )
    reduced = cost - np.bincount(columns, weights=values * prices[row_of], minlength=len(cost))
    with np.errstate(invalid="ignore"):
        rows = np.where(
            prices > 0, prices * row_upper, np.where(prices < 0, prices * row_lower, 0.0)
        )
        cols = np.where(reduced > 0, reduced * upper, np.where(reduced < 0, reduced * lower, 0.0))
    bound = float(rows.sum() + cols.sum())
    return (bound if np.isfinite(bound) else np.inf), reduced, prices
