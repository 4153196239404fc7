"""User-facing messages of the plan lifecycle (``plans.*`` in :mod:`texts`), by message id.

Statuses are stored as codes and shown in words: a plan's ``status`` (draft, approved, applied,
superseded) and ``solver_status`` (optimal, feasible, infeasible, unknown) with the labels the
plan pages use (``ui.status_*``, ``ui.solver_*``), a ``teacher_status`` with the code list's.
A list of ``counties`` is joined in the language's way, the schools without a county named."""

from texts import text

_LABELS = {"status": "ui.status_", "solver_status": "ui.solver_"}


def message(key: str, language: str = "zh", **params: object) -> str:
    return text(f"plans.{key}", language, **{k: _shown(k, v, language) for k, v in params.items()})


def _shown(name: str, value: object, language: str) -> object:
    if name in _LABELS:
        return text(_LABELS[name] + str(value), language)
    if name == "counties" and isinstance(value, list | tuple):
        named = [c or text("plans.county_unrecorded", language) for c in value]
        return ("、" if language == "zh" else ", ").join(named)
    if name == "teacher_status":
        from workforce.codes import code_list

        statuses = code_list("teacher_statuses")
        return statuses.label(str(value), language) if value in statuses else value
    return value
