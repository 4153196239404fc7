"""The LP-relaxation bound of the first objective level (for the benchmark's proof column)."""

from __future__ import annotations

from optimizer.instance import Instance
from optimizer.model import build_model, set_objective, solve_lp
from optimizer.network import build_network
from optimizer.settings import SolveSettings


def lp_bound(instance: Instance, settings: SolveSettings | None = None) -> float:
    """Upper bound on the weighted rural shortage filled: the same model (same pruning) with
    integrality dropped, solved by GLOP. NaN when even the relaxation is infeasible."""
    settings = settings or SolveSettings()
    net = build_network(instance, settings)
    model = build_model(instance, net, settings.backend)
    set_objective(model, model.terms["rural_shortage_filled"], maximize=True)
    result = solve_lp(model, settings.time_limit_s)
    return float("nan") if result.value is None else result.value
