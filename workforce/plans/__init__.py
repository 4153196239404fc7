"""Rotation plans in the registry: propose (solve and keep a draft), re-solve with pins,
approve, apply at the start of term, compare; and the Chinese workbook of a plan."""

from workforce.plans.lifecycle import (
    PlanError,
    apply_plan,
    approve_plan,
    load_plan,
    propose_plan,
    resolve_plan,
)

__all__ = ["PlanError", "apply_plan", "approve_plan", "load_plan", "propose_plan", "resolve_plan"]
