"""Notice letters (交流轮岗通知书) of a plan, one per moved teacher: as a PDF fit to send and as
a workbook (one row per letter, for mail merges and checking).

The PDF page: the bureau's letterhead (its name in red over a red rule), the document number
(文号, :func:`document_number`: the setting ``WORKFORCE_NOTICE_NUMBER`` filled with the year and
the plan, or the number the office gives), the letter, the issuer with room for the seal, the
date in the official style (二〇二六年十二月五日, :func:`chinese_date`), 抄送 to the teacher's
school and the receiving school, and below a cut line a return slip (回执) for the teacher to
sign and send back. The font is embedded (:mod:`workforce.plans.notice_font`), so the letter
prints the same anywhere.

Letters fit to send come only from an approved or applied plan; a draft's letters are for
checking — every page watermarked 草稿, no document number — and a superseded plan has none
(:class:`NoticeRefused`). A letter issued after its move's start date says so: the office
sees the warning (:func:`late_moves`) and the teacher is asked to report at once.

Letters are official notices, so the PDF is always Chinese; the workbook's headers follow the
requested language while the letter text column stays Chinese.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape, unescape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from optimizer import Instance, Plan
from optimizer.plan import Move
from workforce.codes import code_list
from workforce.config import get_settings
from workforce.plans.notice_font import embedded_font
from workforce.private_files import private_workbook
from workforce.services.messages import Catalogue, Text

NOTICE_MESSAGES = Catalogue("notices")

FINAL_STATUSES = ("approved", "applied")
"""Plans whose letters are fit to send."""
LETTER_STATUSES = ("draft", *FINAL_STATUSES)
"""Plans that have letters at all (a draft's are watermarked, for checking)."""
RED = "#c00000"
DIGITS = "〇一二三四五六七八九"


class NoticeRefused(ValueError):
    """A plan whose letters may not be made (superseded): ``zh`` and ``en`` say why."""

    def __init__(self, plan_id: int, status: str) -> None:
        key = f"status_{status}" if f"status_{status}" in NOTICE_MESSAGES else "status_other"
        label = NOTICE_MESSAGES.text(key)
        text = NOTICE_MESSAGES.text(
            "refused", plan_id=plan_id, status_zh=label.zh, status_en=label.en
        )
        super().__init__(text.en)
        self.zh, self.en = text.zh, text.en


def chinese_date(day: dt.date) -> str:
    """A date as official documents write it (GB/T 9704): 二〇二六年十二月五日."""

    def number(n: int) -> str:
        tens, units = divmod(n, 10)
        return ("十" if tens == 1 else DIGITS[tens] + "十" if tens else "") + (
            DIGITS[units] if units or not tens else ""
        )

    year = "".join(DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{number(day.month)}月{number(day.day)}日"


def document_number(pattern: str, *, year: int, plan_id: int) -> str:
    """The plan's 文号 from the setting's ``pattern`` (``{year}``, ``{plan_id}``)."""
    return pattern.format(year=year, plan_id=plan_id)


def late_moves(plan: Plan, issued_on: dt.date) -> list[Move]:
    """The moves whose start date is before ``issued_on``: their letters come late."""
    return [m for m in plan.moves if m.start < issued_on]


def late_warning(plan: Plan, issued_on: dt.date) -> Text | None:
    """The office's warning when letters are issued after start dates (None when none is)."""
    late = late_moves(plan, issued_on)
    if not late:
        return None
    start = min(m.start for m in late).isoformat()
    return NOTICE_MESSAGES.text(
        "late_warning", count=len(late), start=start, issued=issued_on.isoformat()
    )


def _zh(message_id: str, **params: object) -> str:
    return NOTICE_MESSAGES.text(message_id, **params).zh


def _body_paragraphs(
    instance: Instance, plan: Plan, move: Move, plan_id: int, text: Callable[..., str]
) -> list[str]:
    """The letter's body paragraphs in Chinese; ``text`` renders (and escapes) a message."""
    schools = {s.code: s.name for s in instance.schools}
    subjects = code_list("subjects")
    kinds = code_list("rotation_kinds")
    where = dict(
        year=plan.year,
        plan_id=plan_id,
        start=chinese_date(move.start),
        from_school=schools.get(move.from_school, move.from_school),
        to_school=schools.get(move.to_school, move.to_school),
        kind=kinds.label(move.kind, "zh"),
    )
    # a principal takes the post (担任校长); "任教校长" read as teaching a subject called 校长
    paragraphs = [
        text("letter_body", **where, subject=subjects.label(move.subject, "zh"))
        if move.subject else text("letter_body_principal", **where)
    ]
    if move.planned_end:
        paragraphs.append(text("letter_term", end=chinese_date(move.planned_end)))
    paragraphs.append(text("letter_report"))
    return paragraphs


def _styles(font: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=font, fontSize=14, leading=26, firstLineIndent=28,
                          wordWrap="CJK")  # fmt: skip
    plain = ParagraphStyle("plain", parent=body, firstLineIndent=0)
    return {
        "head": ParagraphStyle(
            "head", parent=plain, fontSize=30, leading=40, alignment=1, textColor=RED
        ),  # fmt: skip
        "number": ParagraphStyle("number", parent=plain, fontSize=13, alignment=1),
        "title": ParagraphStyle("title", parent=plain, fontSize=20, leading=30, alignment=1),
        "body": body,
        "plain": plain,
        "right": ParagraphStyle("right", parent=plain, alignment=2),
        "draft": ParagraphStyle("draft", parent=plain, textColor=RED, alignment=1),
        "small": ParagraphStyle("small", parent=plain, fontSize=11, leading=18),
        "slip": ParagraphStyle("slip", parent=plain, fontSize=12, leading=22),
        "slip_title": ParagraphStyle("slip_title", parent=plain, fontSize=16, alignment=1),
    }


def _rule(colour: str, dashed: bool = False) -> Table:
    """A full-width line (the letterhead's red rule, the return slip's cut line)."""
    line = Table([[""]], colWidths=[160 * mm], rowHeights=[2])
    style = ("LINEABOVE", (0, 0), (-1, -1), 0.6 if dashed else 1.5, colour)
    line.setStyle(TableStyle([(*style, None, (3, 3)) if dashed else style]))
    return line


def _seal_space(style: ParagraphStyle, issuer: str, day: str) -> Table:
    """The issuer and the date at the right, over a 42 mm square left empty for the seal."""
    seal = Table(
        [[Paragraph(_zh("seal"), style)], [Paragraph(issuer, style)], [Paragraph(day, style)]],
        colWidths=[60 * mm], rowHeights=[30 * mm, 9 * mm, 9 * mm],
    )  # fmt: skip
    seal.setStyle(TableStyle([("VALIGN", (0, 0), (0, 0), "MIDDLE"),
                              ("TEXTCOLOR", (0, 0), (0, 0), "#999999")]))  # fmt: skip
    seal.hAlign = "RIGHT"
    return seal


def _letter(
    instance: Instance, plan: Plan, move: Move, plan_id: int, doc_no: str | None,
    issued_on: dt.date, styles: dict[str, ParagraphStyle],
) -> list:  # type: ignore[type-arg]  # fmt: skip
    def escaped(message_id: str, **params: object) -> str:
        """The text with its values escaped (a Paragraph reads mini-HTML)."""
        return _zh(message_id, **{k: escape(str(v)) for k, v in params.items()})

    schools = {s.code: s.name for s in instance.schools}
    from_school = schools.get(move.from_school, move.from_school)
    to_school = schools.get(move.to_school, move.to_school)
    story: list = [  # type: ignore[type-arg]
        Paragraph(escaped("letterhead"), styles["head"]),
        Paragraph(escape(doc_no) if doc_no else escaped("doc_no_pending"), styles["number"]),
        Spacer(1, 2 * mm),
        _rule(RED),
        Spacer(1, 6 * mm),
    ]
    if doc_no is None:
        story.append(Paragraph(escaped("letter_draft"), styles["draft"]))
    story += [
        Paragraph(escaped("letter_title"), styles["title"]),
        Spacer(1, 6 * mm),
        Paragraph(
            escaped("letter_salutation", name=move.name, staff_no=move.staff_no), styles["plain"]
        ),  # fmt: skip
        *(
            Paragraph(p, styles["body"])
            for p in _body_paragraphs(instance, plan, move, plan_id, escaped)
        ),
    ]
    if move.start < issued_on:
        story.append(Paragraph(escaped("letter_late"), styles["body"]))
    story += [
        Spacer(1, 4 * mm),
        _seal_space(styles["right"], escaped("letter_issuer"), chinese_date(issued_on)),
        Spacer(1, 3 * mm),
        Paragraph(escaped("copy_to", schools=f"{from_school}、{to_school}"), styles["small"]),
        CondPageBreak(60 * mm),
        Spacer(1, 4 * mm),
        _rule("#666666", dashed=True),
        Paragraph(escaped("slip_cut"), styles["small"]),
        Paragraph(escaped("slip_title"), styles["slip_title"]),
        Paragraph(
            escaped(
                # past its date the letter says "report at once": so does the slip
                "slip_body_late" if move.start < issued_on else "slip_body",
                name=move.name,
                staff_no=move.staff_no,
                doc=doc_no or "",
                start=chinese_date(move.start),
                to_school=to_school,
            ),
            styles["slip"],
        ),  # fmt: skip
        Paragraph(escaped("slip_signature"), styles["slip"]),
        Paragraph(escaped("slip_schools"), styles["slip"]),
    ]
    return story


def _watermark(canvas, document) -> None:  # type: ignore[no-untyped-def]
    """草稿 across the page, in light red, under the text."""
    canvas.saveState()
    canvas.setFillColor("#f4cccc")
    canvas.setFont(document.watermark_font, 110)
    canvas.translate(A4[0] / 2, A4[1] / 2)
    canvas.rotate(40)
    canvas.drawCentredString(0, -40, _zh("watermark"))
    canvas.restoreState()


def letter_number(status: str, doc_no: str | None, *, year: int, plan_id: int) -> str | None:
    """The 文号 a plan's letters carry: the office's own (``doc_no``), else the setting's
    pattern filled in; None for a draft, which has none yet. The one rule for the PDF, the
    mail-merge workbook and the plan page's default, so they never print different numbers."""
    if status not in FINAL_STATUSES:
        return None
    return (doc_no or "").strip() or default_letter_number(year=year, plan_id=plan_id)


def default_letter_number(*, year: int, plan_id: int) -> str:
    """The 文号 unless the office writes another: the setting's pattern, filled in."""
    return document_number(get_settings().notice_number, year=year, plan_id=plan_id)


def notice_letters_pdf(
    instance: Instance,
    plan: Plan,
    *,
    plan_id: int,
    status: str,
    doc_no: str | None = None,
    issued_on: dt.date | None = None,
) -> bytes:
    """The letters of every move of ``plan`` as one PDF, a page per teacher (its return slip
    on the next page when it does not fit). ``doc_no`` is the 文号 (used only for an approved
    or applied plan); ``issued_on`` the date written on the letters (today). A draft's pages
    are watermarked 草稿; a plan in another status is refused (:class:`NoticeRefused`)."""
    if status not in LETTER_STATUSES:
        raise NoticeRefused(plan_id, status)
    issued_on = issued_on or dt.date.today()
    final = status in FINAL_STATUSES
    number = letter_number(status, doc_no, year=plan.year, plan_id=plan_id)

    def build(styles: dict[str, ParagraphStyle]) -> list:  # type: ignore[type-arg]
        story: list = []  # type: ignore[type-arg]
        for i, move in enumerate(plan.moves):
            if i:
                story.append(PageBreak())
            story += _letter(instance, plan, move, plan_id, number, issued_on, styles)
        if not story:
            story.append(Paragraph(_zh("letter_none"), styles["plain"]))
        return story

    # The letters are laid out twice: first to learn every character they use (the font is
    # cut down to those), then with that font.
    used = _text_of(build(_styles("Helvetica")))
    out = io.BytesIO()
    with embedded_font(used + _zh("watermark")) as font:
        story = build(_styles(font))
        document = SimpleDocTemplate(
            out, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=22 * mm,
            bottomMargin=18 * mm, title=_zh("letter_title"),
        )  # fmt: skip
        document.watermark_font = font
        on_page = _watermark if not final else (lambda canvas, document: None)
        document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()


def _text_of(flowable: object) -> str:
    """The characters a flowable draws (a paragraph's text, a table's cells)."""
    if isinstance(flowable, Paragraph):
        return unescape(flowable.text)
    if isinstance(flowable, Table):
        return "".join(_text_of(cell) for row in flowable._cellvalues for cell in row)  # noqa: SLF001
    if isinstance(flowable, list):
        return "".join(_text_of(f) for f in flowable)
    return str(flowable) if isinstance(flowable, str) else ""


def write_notice_workbook(
    path: Path,
    instance: Instance,
    plan: Plan,
    *,
    plan_id: int,
    status: str,
    language: str = "zh",
    doc_no: str | None = None,
) -> None:
    """The letters of ``plan`` as an xlsx at ``path``: one row per moved teacher with the
    facts of the letter — the 文号 as the PDF prints it (``doc_no``, else the setting's; a
    draft's "numbered once approved") — and its full Chinese text."""

    def label(message_id: str) -> str:
        text = NOTICE_MESSAGES.text(message_id)
        return text.zh if language == "zh" else text.en

    if status not in LETTER_STATUSES:
        raise NoticeRefused(plan_id, status)
    schools = {s.code: s.name for s in instance.schools}
    subjects = code_list("subjects")
    kinds = code_list("rotation_kinds")
    final = status in FINAL_STATUSES
    draft = label("no") if final else label("yes")
    number = (letter_number(status, doc_no, year=plan.year, plan_id=plan_id)
              or label("doc_no_pending"))
    headers = [
        label(f"header_{key}")
        for key in ("staff_no", "name", "from", "to", "subject", "kind", "start", "end", "draft",
                    "doc_no")
    ] + [label("header_text")]  # fmt: skip
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
            number,
            "\n".join(
                [_zh("letter_salutation", name=move.name, staff_no=move.staff_no)]
                + _body_paragraphs(instance, plan, move, plan_id, _zh)
            ),
        ]
        for move in plan.moves
    ]
    with private_workbook(path, {"strings_to_formulas": False}) as workbook:
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
