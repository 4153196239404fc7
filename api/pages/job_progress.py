"""What a solve job's page shows while it runs, and polls: the job's state (``JobPublic``) and
one line per objective level the solver has settled so far, in the page's language.

Levels are solved one after another (``optimizer.solve``): once level 1 is settled a plan
exists, so a long solve (a large county: tens of seconds to minutes) shows its first plan's
quality long before it ends, and whether each level is proven optimal or how far from its bound.
"""

from __future__ import annotations

from api.i18n.catalogue import UI
from api.schemas.plans import JobLevel, JobPublic
from workforce.models import SolveJob
from workforce.plans.jobs import FINISHED
from workforce.services.messages import Text


def job_state(job: SolveJob, language: str) -> dict[str, object]:
    """What the progress page polls: status, stage, the levels so far (``level_lines`` in
    ``language``), the plan when done, a one-line error."""
    public = JobPublic.of(job, FINISHED)
    state = public.model_dump(mode="json")
    state["level_lines"] = [_pick(level_line(level), language) for level in public.levels]
    state["first_plan"] = bool(public.levels) and not public.finished
    return state


def level_line(level: JobLevel) -> Text:
    """``第1层 农村学校缺口补充（加权）：490（已证明最优）`` and its English."""
    if level.value is None:
        proof = UI.text("job_level_unsolved")
    elif level.proven_optimal:
        proof = UI.text("job_level_proven")
    else:
        gap = "—" if level.relative_gap is None else f"{level.relative_gap:.2%}"
        bound = "—" if level.bound is None else f"{level.bound:g}"
        proof = UI.text("job_level_gap", gap=gap, bound=bound)
    value = "—" if level.value is None else f"{level.value:g}"
    zh = UI.text("job_level_line", number=level.number, title=level.title_zh, value=value,
                 proof=proof.zh)  # fmt: skip
    en = UI.text("job_level_line", number=level.number, title=level.title_en, value=value,
                 proof=proof.en)  # fmt: skip
    return Text(zh.id, zh.zh, en.en)


def _pick(text: Text, language: str) -> str:
    return text.zh if language == "zh" else text.en
