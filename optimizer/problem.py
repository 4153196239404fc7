"""A linear (integer) program as NumPy arrays: what every back-end receives.

Why arrays: the model of a 10,000-teacher county has 113,000 columns and 627,000 coefficients.
Built through OR-Tools' `pywraplp` one coefficient at a time, exported to a proto and read back
row by row for HiGHS, the copying took about 10 of the 17.5 CPU seconds of a solve. As arrays,
the model goes to HiGHS in two calls (`optimizer.highs`), and a sub-model with some columns
fixed (the LP neighbourhood, reduced-cost fixing) is a few array operations (`restrict`).
GLOP, SCIP and CP-SAT get a proto (`to_proto`, its columns written from the arrays). (OR-Tools'
`model_builder` takes arrays too, but only as a SciPy sparse matrix: importing SciPy costs
0.17 s, more than the proto at 10,000 teachers, 0.08 s.)

Rows are compressed by row (CSR: `starts`, `index`, `value`) and keep their catalogue names
(`row_names`: explanations, diagnosis and the marginal values read them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from ortools.linear_solver import linear_solver_pb2

BOUND_ABSOLUTE_TOLERANCE = 1e-6
BOUND_RELATIVE_TOLERANCE = 1e-10
BOUND_MAXIMUM_TOLERANCE = 0.5


def integer_bound(bound: float, maximize: bool) -> int:
    """A solver's bound on an integral objective, rounded to the integer it implies: down for
    a maximum, up for a minimum, after allowing for the solver's rounding error.

    The error grows with the objective's size: the later levels' combined objective of a
    10,000-teacher county is about 1.3e8 (weight 299,598 × preference + distance), and GLOP
    reported 133,576,238.999999 for a solution whose exact value is 133,576,239 (counties 2023
    and 2027 of `benchmarks/bench_city.py`). A fixed 1e-6 turned that into a bound one unit
    short, and the plan's distance bound 0.1 km worse than its value, which `check-plan`
    refused. So the allowance is 1e-6 plus 1e-10 of the bound (0.013 at 1.3e8), at most half a
    unit (beyond 5e9). The allowance only ever weakens the bound, by at most one unit (when the
    true bound lies that close below the next integer); it never overstates what is proven."""
    slack = min(BOUND_MAXIMUM_TOLERANCE,
                BOUND_ABSOLUTE_TOLERANCE + BOUND_RELATIVE_TOLERANCE * abs(bound))
    return math.floor(bound + slack) if maximize else math.ceil(bound - slack)


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

    def reduced_costs(self, prices: np.ndarray) -> np.ndarray:
        """c − Aᵀy for row prices y: each column's reduced cost."""
        return self.cost - np.bincount(self.index, weights=self.value * prices[self.row_of()],
                                       minlength=self.num_cols)

    def objective(self, values: np.ndarray | list[float]) -> float:
        """The objective's value (offset included) at a solution of all columns."""
        return self.offset + float(self.cost @ np.asarray(values, np.float64))

    def restrict(self, base: np.ndarray, keep: np.ndarray) -> Problem:
        """The problem over the columns where `keep` is true, every other column fixed at its
        value in `base` rounded (integral there) and substituted out: into the rows' bounds and
        the objective's offset. A row left without a column is dropped when the fixed values
        satisfy it, and kept (empty, so the problem is infeasible) when they do not."""
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
        tolerance = 1e-9 * np.maximum(1.0, np.abs(constant))
        violated = (constant < self.row_lower - tolerance) | (constant > self.row_upper + tolerance)
        rows = np.flatnonzero((counts > 0) | violated)
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

    def to_proto(self, proto: linear_solver_pb2.MPModelProto | None = None
                 ) -> linear_solver_pb2.MPModelProto:
        """The problem as an OR-Tools proto (GLOP, and SCIP and CP-SAT through `pywraplp`),
        written into `proto` when given (an empty one, e.g. a request's `model`: building the
        proto apart and handing it to the request copies it — 50 MB more at 100,000 teachers).
        The columns are written as protobuf wire format straight from the arrays (one message
        per column added from Python took 0.13 s for a 10,000-teacher county's 116,000)."""
        if proto is None:
            proto = linear_solver_pb2.MPModelProto()
        if proto.variable or proto.constraint:  # the columns would be merged after its own
            raise ValueError("to_proto writes into an empty proto only")
        proto.maximize, proto.objective_offset = self.maximize, self.offset
        proto.MergeFromString(_columns_wire(self))
        index, value, starts = self.index.tolist(), self.value.tolist(), self.starts.tolist()
        lower, upper = self.row_lower.tolist(), self.row_upper.tolist()
        for r, name in enumerate(self.row_names):
            s, e = starts[r], starts[r + 1]
            proto.constraint.add(
                var_index=index[s:e],
                coefficient=value[s:e],
                lower_bound=lower[r],
                upper_bound=upper[r],
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


_COLUMN = np.dtype(
    [
        ("tag", "u1"),  # MPModelProto.variable (field 3), length-delimited
        ("length", "u1"),
        ("lower_tag", "u1"),  # MPVariableProto.lower_bound (field 1), 64-bit
        ("lower", "<f8"),
        ("upper_tag", "u1"),  # upper_bound (field 2), 64-bit
        ("upper", "<f8"),
        ("cost_tag", "u1"),  # objective_coefficient (field 3), 64-bit
        ("cost", "<f8"),
        ("integer_tag", "u1"),  # is_integer (field 4), varint
        ("integer", "u1"),
    ]
)


def _columns_wire(problem: Problem) -> bytes:
    """The columns as the serialized `variable` field of an MPModelProto: each a 29-byte
    message with all four fields (protobuf's wire format; parsing it is OR-Tools' own)."""
    columns = np.zeros(problem.num_cols, _COLUMN)
    columns["tag"], columns["length"] = (3 << 3) | 2, _COLUMN.itemsize - 2
    columns["lower_tag"], columns["upper_tag"] = (1 << 3) | 1, (2 << 3) | 1
    columns["cost_tag"], columns["integer_tag"] = (3 << 3) | 1, 4 << 3
    columns["lower"], columns["upper"], columns["cost"] = problem.lower, problem.upper, problem.cost
    columns["integer"] = problem.integer
    return columns.tobytes()
