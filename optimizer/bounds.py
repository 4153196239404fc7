"""The LP-relaxation bound of the first objective level (for the benchmark's proof column)."""

from __future__ import annotations

from optimizer.instance import Instance
from optimizer.model import build_model, set_objective, solve_lp
from optimizer.network import build_network
from optimizer.pricing import exact_model_bound
from optimizer.settings import SolveSettings


def lp_bound(instance: Instance, settings: SolveSettings | None = None) -> float:
    """Upper bound on the weighted rural shortage filled: the LP relaxation of the model, solved
    by GLOP; when the network is pruned, that LP's duals priced over the exact model's arcs
    (optimizer.pricing), so the bound holds for the exact model either way. NaN when even the
    relaxation is infeasible or the pricing gives no finite bound."""
    settings = settings or SolveSettings()
    net = build_network(instance, settings)
    model = build_model(instance, net, settings.backend)
    set_objective(model, model.terms["rural_shortage_filled"], maximize=True)
    result = solve_lp(model, settings.time_limit_s)
    if result.value is None:
        return float("nan")
    if not net.pruned:
        return result.value
    exact = exact_model_bound(instance, net, model)
    return float("nan") if exact is None else exact
