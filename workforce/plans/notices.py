"""Notice letters (交流轮岗通知书) of a plan, one per moved teacher: as a PDF (one A4 page each,
drawn with reportlab's built-in CJK font STSong-Light, so no font file is needed: PDF readers
supply it) and as a workbook (one row per letter, for mail merges and checking). A letter of a
plan that is not yet approved is marked as a draft.

Letters are official notices, so the PDF is always Chinese; the workbook's headers follow the
requested language while the letter text column stays Chinese.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import xlsxwriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

from optimizer import Instance, Plan
from optimizer.plan import Move
from workforce.codes import code_list
from workforce.services.messages import Catalogue

NOTICE_MESSAGES = Catalogue(
    {
        "letter_title": ("教师交流轮岗通知书", "Notice of teacher rotation"),
        "letter_draft": ("（方案尚未审批，本通知书仅供核对）", "(draft plan: for checking only)"),
        "letter_salutation": (
            "{name} 同志（工号 {staff_no}）：",
            "Dear {name} (staff no. {staff_no}),",
        ),
        "letter_body": (
            "根据《源城区教育发展“十四五”规划》和本区 {year} 年度义务教育学校教师交流轮岗方案"
            "（方案编号 {plan_id}），经研究，安排您自 {start} 起由{from_school}{kind}到"
            "{to_school}任教{subject}。",
            "Under the district plan and the {year} rotation plan (no. {plan_id}), you will move "
            "from {from_school} to {to_school} from {start} ({kind}) to teach {subject}.",
        ),
        "letter_term": (
            "交流期限至 {end}，期满后回原学校任教。",
            "The term ends on {end}; you then return to your school.",
        ),
        "letter_report": (
            "请按时到接收学校报到。如有疑问，请与区教育局人事股联系。",
            "Please report to the receiving school on time; contact district HR with any question.",
        ),
        "letter_issuer": ("源城区教育局", "Yuancheng District Education Bureau"),
        "letter_none": ("本方案没有交流安排。", "This plan moves nobody."),
        "principal": ("校长", "Principal"),
        "sheet": ("交流轮岗通知书", "Notices"),
        "header_staff_no": ("工号", "Staff no."),
        "header_name": ("姓名", "Name"),
        "header_from": ("原学校", "From school"),
        "header_to": ("交流学校", "To school"),
        "header_subject": ("任教学科", "Subject"),
        "header_kind": ("形式", "Kind"),
        "header_start": ("报到日期", "Start"),
        "header_end": ("期满日期", "Term ends"),
        "header_draft": ("草稿", "Draft"),
        "header_text": ("通知书正文", "Letter text"),
        "yes": ("是", "yes"),
        "no": ("否", "no"),
    }
)

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=20, leading=28, alignment=1)
BODY = ParagraphStyle(
    "body", fontName=FONT, fontSize=13, leading=24, firstLineIndent=26, wordWrap="CJK"
)
PLAIN = ParagraphStyle("plain", parent=BODY, firstLineIndent=0)
SIGNATURE = ParagraphStyle("signature", parent=PLAIN, alignment=2)
DRAFT = ParagraphStyle("draft", parent=PLAIN, textColor="#b00020", alignment=1)
FINAL_STATUSES = ("approved", "applied")


def _zh(message_id: str, **params: object) -> str:
    return NOTICE_MESSAGES.text(message_id, **params).zh


def _body_paragraphs(
    instance: Instance, plan: Plan, move: Move, plan_id: int, text: Callable[..., str]
) -> list[str]:
    """The letter's body paragraphs in Chinese; ``text`` renders (and escapes) a message."""
    schools = {s.code: s.name for s in instance.schools}
    subjects = code_list("subjects")
    kinds = code_list("rotation_kinds")
    paragraphs = [
        text(
            "letter_body",
            year=plan.year,
            plan_id=plan_id,
            start=move.start.isoformat(),
            from_school=schools.get(move.from_school, move.from_school),
            to_school=schools.get(move.to_school, move.to_school),
            kind=kinds.label(move.kind, "zh"),
            subject=subjects.label(move.subject, "zh") if move.subject else text("principal"),
        )
    ]
    if move.planned_end:
        paragraphs.append(text("letter_term", end=move.planned_end.isoformat()))
    paragraphs.append(text("letter_report"))
    return paragraphs


def notice_letters_pdf(instance: Instance, plan: Plan, *, plan_id: int, status: str) -> bytes:
    """The letters of every move of ``plan`` as one PDF, a page per teacher."""

    def escaped(message_id: str, **params: object) -> str:
        """The text with its values escaped (a Paragraph reads mini-HTML)."""
        return _zh(message_id, **{k: escape(str(v)) for k, v in params.items()})

    story: list = []  # type: ignore[type-arg]
    for i, move in enumerate(plan.moves):
        if i:
            story.append(PageBreak())
        if status not in FINAL_STATUSES:
            story.append(Paragraph(escaped("letter_draft"), DRAFT))
        story += [
            Paragraph(escaped("letter_title"), TITLE),
            Spacer(1, 10 * mm),
            Paragraph(escaped("letter_salutation", name=move.name, staff_no=move.staff_no), PLAIN),
            *(Paragraph(p, BODY) for p in _body_paragraphs(instance, plan, move, plan_id, escaped)),
            Spacer(1, 20 * mm),
            Paragraph(escaped("letter_issuer"), SIGNATURE),
            Paragraph(dt.date.today().strftime("%Y年%m月%d日"), SIGNATURE),
        ]
    if not story:
        story.append(Paragraph(escaped("letter_none"), PLAIN))
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=30 * mm,
        title=_zh("letter_title"),
    )  # fmt: skip
    document.build(story)
    return out.getvalue()


def write_notice_workbook(
    path: Path, instance: Instance, plan: Plan, *, plan_id: int, status: str, language: str = "zh"
) -> None:
    """The letters of ``plan`` as an xlsx at ``path``: one row per moved teacher with the
    facts of the letter and its full Chinese text."""

    def label(message_id: str) -> str:
        text = NOTICE_MESSAGES.text(message_id)
        return text.zh if language == "zh" else text.en

    schools = {s.code: s.name for s in instance.schools}
    subjects = code_list("subjects")
    kinds = code_list("rotation_kinds")
    draft = label("no") if status in FINAL_STATUSES else label("yes")
    headers = [
        label(f"header_{key}")
        for key in ("staff_no", "name", "from", "to", "subject", "kind", "start", "end", "draft")
    ] + [label("header_text")]
    rows = [
        [
            move.staff_no,
            move.name,
            schools.get(move.from_school, move.from_school),
            schools.get(move.to_school, move.to_school),
            subjects.label(move.subject, language) if move.subject else label("principal"),
            kinds.label(move.kind, language),
            move.start.isoformat(),
            move.planned_end.isoformat() if move.planned_end else "",
            draft,
            "\n".join(
                [_zh("letter_salutation", name=move.name, staff_no=move.staff_no)]
                + _body_paragraphs(instance, plan, move, plan_id, _zh)
            ),
        ]
        for move in plan.moves
    ]
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    try:
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        sheet = workbook.add_worksheet(label("sheet"))
        sheet.write_row(0, 0, headers, bold)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                sheet.write_string(r, c, value)
        for c in range(len(headers) - 1):
            sheet.set_column(c, c, 14)
        sheet.set_column(len(headers) - 1, len(headers) - 1, 80, wrap)
        sheet.freeze_panes(1, 0)
    finally:
        workbook.close()
