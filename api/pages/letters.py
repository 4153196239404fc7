"""Notice letters (交流轮岗通知书): one A4 page per moved teacher, as a PDF drawn with
reportlab's built-in CJK font STSong-Light (no font file needed; PDF readers supply it).
A letter of a plan that is not yet approved is marked as a draft."""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

from api.i18n import translator
from optimizer import Instance, Plan
from workforce.codes import code_list

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=20, leading=28, alignment=1)
BODY = ParagraphStyle(
    "body", fontName=FONT, fontSize=13, leading=24, firstLineIndent=26, wordWrap="CJK"
)
PLAIN = ParagraphStyle("plain", parent=BODY, firstLineIndent=0)
SIGNATURE = ParagraphStyle("signature", parent=PLAIN, alignment=2)
DRAFT = ParagraphStyle("draft", parent=PLAIN, textColor="#b00020", alignment=1)


def notice_letters_pdf(instance: Instance, plan: Plan, *, plan_id: int, status: str) -> bytes:
    """The letters of every move of ``plan`` (Chinese, the language of official notices)."""
    zh = translator("zh")

    def t(message_id: str, **params: object) -> str:
        """The catalogue text with its values escaped (a Paragraph reads mini-HTML)."""
        return zh(message_id, **{k: escape(str(v)) for k, v in params.items()})

    schools = {s.code: s.name for s in instance.schools}
    subjects = code_list("subjects")
    kinds = code_list("rotation_kinds")
    story: list = []  # type: ignore[type-arg]
    for i, move in enumerate(plan.moves):
        if i:
            story.append(PageBreak())
        if status not in ("approved", "applied"):
            story.append(Paragraph(t("letter_draft"), DRAFT))
        story += [
            Paragraph(t("letter_title"), TITLE),
            Spacer(1, 10 * mm),
            Paragraph(t("letter_salutation", name=move.name, staff_no=move.staff_no), PLAIN),
            Paragraph(
                t(
                    "letter_body",
                    year=plan.year,
                    plan_id=plan_id,
                    start=move.start.isoformat(),
                    from_school=schools.get(move.from_school, move.from_school),
                    to_school=schools.get(move.to_school, move.to_school),
                    kind=kinds.label(move.kind, "zh"),
                    subject=subjects.label(move.subject, "zh") if move.subject else t("principal"),
                ),
                BODY,
            ),
        ]
        if move.planned_end:
            story.append(Paragraph(t("letter_term", end=move.planned_end.isoformat()), BODY))
        story += [
            Paragraph(t("letter_report"), BODY),
            Spacer(1, 20 * mm),
            Paragraph(t("letter_issuer"), SIGNATURE),
            Paragraph(dt.date.today().strftime("%Y年%m月%d日"), SIGNATURE),
        ]
    if not story:
        story.append(Paragraph(t("letter_none"), PLAIN))
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=30 * mm,
        title=t("letter_title"),
    )  # fmt: skip
    document.build(story)
    return out.getvalue()
