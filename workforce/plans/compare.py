"""Two plans side by side — typically a draft and its re-solve with pins, or two drafts of
the same year — so the office sees what a decision changed: the moves only one plan makes,
the teachers both move but to different schools, and each quota and rural shortage figure of
both plans. Pure: two :class:`~optimizer.Plan` in, a :class:`PlanComparison` out.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from optimizer import Plan
from optimizer.plan import Move, QuotaResult, ShortageResult


class ChangedMove(BaseModel):
    """A teacher both plans move, to different destinations (or as a different kind)."""

    staff_no: str
    name: str
    from_school: str
    to_school_a: str
    to_school_b: str
    subject_a: str | None
    subject_b: str | None
    kind_a: str
    kind_b: str


class QuotaFigures(BaseModel):
    """One quota (name, scope) in both plans; None where a plan does not have it."""

    name: str
    scope: str
    target_a: int | None
    achieved_a: int | None
    met_a: bool | None
    target_b: int | None
    achieved_b: int | None
    met_b: bool | None


class ShortageFigures(BaseModel):
    """One rural shortage (school, subject) in both plans: slots and how much each fills."""

    school: str
    subject: str
    slots: int
    filled_a: int | None
    unfilled_a: int | None
    filled_b: int | None
    unfilled_b: int | None


class PlanSide(BaseModel):
    """The headline figures of one plan."""

    status: str
    moves: int
    filled: int = Field(description="Rural shortage slots filled in all.")
    unfilled: int
    relative_gap: float | None


class PlanComparison(BaseModel):
    a: PlanSide
    b: PlanSide
    only_in_a: list[Move] = Field(description="Teachers plan a moves and plan b does not.")
    only_in_b: list[Move] = Field(description="Teachers plan b moves and plan a does not.")
    changed: list[ChangedMove] = Field(description="Teachers both move, differently.")
    same: int = Field(description="Moves identical in destination, subject and kind.")
    quotas: list[QuotaFigures]
    shortages: list[ShortageFigures]


def _side(plan: Plan) -> PlanSide:
    return PlanSide(
        status=plan.status,
        moves=len(plan.moves),
        filled=sum(s.filled for s in plan.shortages),
        unfilled=sum(s.unfilled for s in plan.shortages),
        relative_gap=plan.relative_gap,
    )


def _quota_rows(a: Plan, b: Plan) -> list[QuotaFigures]:
    def by_key(plan: Plan) -> dict[tuple[str, str], QuotaResult]:
        return {(q.name, q.scope): q for q in plan.quotas}

    in_a, in_b = by_key(a), by_key(b)
    rows = []
    for key in sorted(in_a.keys() | in_b.keys(), key=lambda k: (k[1] != "district", k)):
        qa, qb = in_a.get(key), in_b.get(key)
        rows.append(
            QuotaFigures(
                name=key[0],
                scope=key[1],
                target_a=qa.target if qa else None,
                achieved_a=qa.achieved if qa else None,
                met_a=qa.met if qa else None,
                target_b=qb.target if qb else None,
                achieved_b=qb.achieved if qb else None,
                met_b=qb.met if qb else None,
            )
        )
    return rows


def _shortage_rows(a: Plan, b: Plan) -> list[ShortageFigures]:
    def by_key(plan: Plan) -> dict[tuple[str, str], ShortageResult]:
        return {(s.school, s.subject): s for s in plan.shortages}

    in_a, in_b = by_key(a), by_key(b)
    rows = []
    for key in sorted(in_a.keys() | in_b.keys()):
        sa, sb = in_a.get(key), in_b.get(key)
        rows.append(
            ShortageFigures(
                school=key[0],
                subject=key[1],
                slots=(sa or sb).slots,  # type: ignore[union-attr]  # one of them exists
                filled_a=sa.filled if sa else None,
                unfilled_a=sa.unfilled if sa else None,
                filled_b=sb.filled if sb else None,
                unfilled_b=sb.unfilled if sb else None,
            )
        )
    return rows


def compare_plans(a: Plan, b: Plan) -> PlanComparison:
    """What differs between plan ``a`` and plan ``b``; moves are matched by staff number."""
    moves_a = {m.staff_no: m for m in a.moves}
    moves_b = {m.staff_no: m for m in b.moves}
    changed, same = [], 0
    for staff_no in sorted(moves_a.keys() & moves_b.keys()):
        ma, mb = moves_a[staff_no], moves_b[staff_no]
        if (ma.to_school, ma.subject, ma.kind) == (mb.to_school, mb.subject, mb.kind):
            same += 1
            continue
        changed.append(
            ChangedMove(
                staff_no=staff_no,
                name=ma.name,
                from_school=ma.from_school,
                to_school_a=ma.to_school,
                to_school_b=mb.to_school,
                subject_a=ma.subject,
                subject_b=mb.subject,
                kind_a=ma.kind,
                kind_b=mb.kind,
            )
        )
    return PlanComparison(
        a=_side(a),
        b=_side(b),
        only_in_a=[m for s, m in sorted(moves_a.items()) if s not in moves_b],
        only_in_b=[m for s, m in sorted(moves_b.items()) if s not in moves_a],
        changed=changed,
        same=same,
        quotas=_quota_rows(a, b),
        shortages=_shortage_rows(a, b),
    )
