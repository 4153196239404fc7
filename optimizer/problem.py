"""A linear (integer) program as NumPy arrays: what every back-end receives.

Why arrays: the model of a 10,000-teacher county has 113,000 columns and 627,000 coefficients.
Built through OR-Tools' `pywraplp` one coefficient at a time, exported to a proto and read back
row by row for HiGHS, the copying took about 10 of the 17.5 CPU seconds of a solve. As arrays,
the model goes to HiGHS in two calls (`optimizer.highs`), to GLOP through OR-Tools'
`model_builder` from a sparse matrix, and a sub-model with some columns fixed (the LP
neighbourhood, reduced-cost fixing) is a few array operations (`restrict`). Only SCIP and
CP-SAT, which run through `pywraplp`, get a proto (`to_proto`).

Rows are compressed by row (CSR: `starts`, `index`, `value`) and keep their catalogue names
(`row_names`: explanations, diagnosis and the marginal values read them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from ortools.linear_solver import linear_solver_pb2


@dataclass
class Problem:
    """max or min cost·x + offset, row_lower ≤ A x ≤ row_upper, lower ≤ x ≤ upper, x integer
    where `integer`; A in CSR form (row r's entries are index/value[starts[r]:starts[r+1]])."""

    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    starts: np.ndarray
    index: np.ndarray
    value: np.ndarray
    row_names: list[str]
    maximize: bool
    offset: float = 0.0

    @property
    def num_cols(self) -> int:
        return len(self.cost)

    @property
    def num_rows(self) -> int:
        return len(self.row_lower)

    def row_of(self) -> np.ndarray:
        """The row of each matrix entry."""
        return np.repeat(np.arange(self.num_rows), np.diff(self.starts))

    def objective(self, values: np.ndarray | list[float]) -> float:
        """The objective's value (offset included) at a solution of all columns."""
        return self.offset + float(self.cost @ np.asarray(values, np.float64))

    def restrict(self, base: np.ndarray, keep: np.ndarray) -> Problem:
        """The problem over the columns where `keep` is true, every other column fixed at its
        value in `base` rounded (integral there) and substituted out: into the rows' bounds and
        the objective's offset. Rows left without a column are dropped (they hold: `base` is a
        solution, or the rounding of one whose rows the caller has checked)."""
        keep = np.asarray(keep, bool)
        position = np.full(self.num_cols, -1, np.int64)
        kept_columns = np.flatnonzero(keep)
        position[kept_columns] = np.arange(len(kept_columns))
        fixed = np.where(keep, 0.0, np.round(np.asarray(base, np.float64)))
        row_of = self.row_of()
        constant = np.bincount(
            row_of, weights=self.value * fixed[self.index], minlength=self.num_rows
        )
        where = position[self.index]
        stays = where >= 0
        counts = np.bincount(row_of[stays], minlength=self.num_rows)
        rows = np.flatnonzero(counts)
        return Problem(
            cost=self.cost[keep],
            lower=self.lower[keep],
            upper=self.upper[keep],
            integer=self.integer[keep],
            row_lower=self.row_lower[rows] - constant[rows],
            row_upper=self.row_upper[rows] - constant[rows],
            starts=np.concatenate(([0], np.cumsum(counts[rows]))).astype(np.int64),
            index=where[stays].astype(np.int32),
            value=self.value[stays],
            row_names=[self.row_names[r] for r in rows],
            maximize=self.maximize,
            offset=self.offset + float(self.cost[~keep] @ fixed[~keep]),
        )

    def held(self, fixed: np.ndarray, values: np.ndarray) -> Problem:
        """The same problem with the columns where `fixed` is true held at `values`."""
        lower, upper = self.lower.copy(), self.upper.copy()
        lower[fixed] = upper[fixed] = np.asarray(values, np.float64)[fixed]
        return replace(self, lower=lower, upper=upper)

    def to_proto(self) -> linear_solver_pb2.MPModelProto:
        """The problem as an OR-Tools proto (for SCIP and CP-SAT through `pywraplp`)."""
        proto = linear_solver_pb2.MPModelProto(maximize=self.maximize, objective_offset=self.offset)
        for c, lb, ub, integral in zip(
            self.cost.tolist(),
            self.lower.tolist(),
            self.upper.tolist(),
            self.integer.tolist(),
            strict=True,
        ):
            proto.variable.add(
                lower_bound=lb, upper_bound=ub, objective_coefficient=c, is_integer=integral
            )
        index, value, starts = self.index.tolist(), self.value.tolist(), self.starts.tolist()
        for r, name in enumerate(self.row_names):
            s, e = starts[r], starts[r + 1]
            proto.constraint.add(
                var_index=index[s:e],
                coefficient=value[s:e],
                lower_bound=float(self.row_lower[r]),
                upper_bound=float(self.row_upper[r]),
                name=name,
            )
        return proto

    @classmethod
    def from_proto(cls, proto: linear_solver_pb2.MPModelProto) -> Problem:
        """A proto as arrays (the roadmap builds its model through `pywraplp`)."""
        n, rows = len(proto.variable), proto.constraint
        counts = np.fromiter((len(r.var_index) for r in rows), np.int64, len(rows))
        return cls(
            cost=np.fromiter((v.objective_coefficient for v in proto.variable), np.float64, n),
            lower=np.fromiter((v.lower_bound for v in proto.variable), np.float64, n),
            upper=np.fromiter((v.upper_bound for v in proto.variable), np.float64, n),
            integer=np.fromiter((v.is_integer for v in proto.variable), bool, n),
            row_lower=np.fromiter((r.lower_bound for r in rows), np.float64, len(rows)),
            row_upper=np.fromiter((r.upper_bound for r in rows), np.float64, len(rows)),
            starts=np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
            index=np.fromiter((i for r in rows for i in r.var_index), np.int32, int(counts.sum())),
            value=np.fromiter(
                (a for r in rows for a in r.coefficient), np.float64, int(counts.sum())
            ),
            row_names=[r.name for r in rows],
            maximize=proto.maximize,
            offset=proto.objective_offset,
        )
