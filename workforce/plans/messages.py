"""User-facing messages of the plan lifecycle (``plans.*`` in :mod:`texts`), by message id."""

from texts import text


def message(key: str, language: str = "zh", **params: object) -> str:
    return text(f"plans.{key}", language, **params)
