"""The notice letters of a plan from its page (``/plans/<id>/letters.pdf``): an approved or
applied plan's letters with the document number (文号) the office gives in the form (the
setting ``WORKFORCE_NOTICE_NUMBER`` filled in by default), a draft's watermarked for checking,
a superseded plan's refused; and, on the plan page, a warning when letters issued today would
come after a move's start date (:func:`workforce.plans.notices.late_warning`)."""

from __future__ import annotations

import datetime as dt

from fastapi.responses import Response

from api.deps import DistrictReader, SessionDep
from api.downloads import download
from api.pages.rendering import templates
from api.pages.routing import page_router
from api.routes.plans import DocNo, notice_letters
from optimizer import Plan
from workforce.models import RotationPlan
from workforce.plans.notices import default_letter_number, late_warning

router = page_router()


def default_doc_no(record: RotationPlan) -> str:
    """The 文号 the letters get unless the office writes another."""
    assert record.id is not None
    return default_letter_number(year=record.year, plan_id=record.id)


def letters_late(plan: Plan, language: str) -> str:
    """The plan page's warning when today's letters come after a start date ('' when not)."""
    text = late_warning(plan, dt.date.today())
    return "" if text is None else (text.zh if language == "zh" else text.en)


templates.env.globals.update(letters_doc_no=default_doc_no, letters_late=letters_late)


@router.get("/plans/{plan_id}/letters.pdf")
def plan_letters(session: SessionDep, user: DistrictReader, plan_id: int, doc_no: DocNo = None
                 ) -> Response:  # fmt: skip
    """The letters as the JSON API's ``notices.pdf`` makes them, under a Chinese file name."""
    content = notice_letters(session, user, plan_id, doc_no)
    return download(content, f"交流轮岗通知书-方案{plan_id}.pdf")
