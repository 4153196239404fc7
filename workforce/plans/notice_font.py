"""A CJK font embedded in a notice letter PDF, so the letter prints the same on any computer
(a PDF that only names a font, as reportlab's built-in ``STSong-Light`` does, is drawn with
whatever the reader substitutes — or with empty boxes).

The font is the Noto Sans CJK SC that Debian's ``fonts-noto-cjk`` installs (``scripts/
system-deps``; the same files the report charts use, :data:`workforce.reports.charts.
CJK_FONT_FILES`). Its outlines are CFF, which reportlab cannot embed, so for each document
the font is cut down to the characters the document uses (fontTools' subsetter) and its
cubic outlines converted to TrueType quadratics (``cu2qu``, at most 1 unit in 1000 off):
about 0.4 s and 20–60 KB per PDF (a cut is kept for reuse, a few at a time). Without such a font the letters cannot be made
(:class:`FontMissing`, which names the package).
"""

from __future__ import annotations

import glob
import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTCollection, TTFont, newTable
from reportlab.lib import fonts
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont as PdfFont

FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)
FONT_GLOBS = (
    "/usr/share/fonts/**/NotoSansCJK*Regular*.tt[cf]",
    "/usr/share/fonts/**/NotoSansSC*.otf",
)
MAX_ERROR = 1.0
"""Largest distance (font units, 1000 to the em) of a converted curve from the original."""


class FontMissing(RuntimeError):
    """No CJK font to embed: install Debian's ``fonts-noto-cjk`` (scripts/system-deps)."""

    zh = "找不到可嵌入的中文字体，请安装 fonts-noto-cjk（scripts/system-deps）"
    en = "no CJK font to embed: install fonts-noto-cjk (scripts/system-deps)"


@lru_cache
def font_face() -> tuple[str, int]:
    """(file, face index) of the Simplified Chinese face of the first CJK font found."""
    found = [p for p in FONT_FILES if Path(p).is_file()]
    for pattern in FONT_GLOBS:
        found += sorted(glob.glob(pattern, recursive=True))
    for path in found:
        collection = TTCollection(path, lazy=True) if path.endswith(".ttc") else None
        faces = collection.fonts if collection else [TTFont(path, lazy=True)]
        families = [face["name"].getDebugName(1) or "" for face in faces]
        for face in faces:
            face.close()
        for index, family in enumerate(families):
            if family.endswith(" SC") or "SC" in family.split():
                return path, index
    raise FontMissing(FontMissing.en)


def _quadratic(font: TTFont) -> None:
    """Replace the font's CFF outlines by TrueType ones (glyf), in place."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):  # fmt: skip
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


KEPT = 8
"""Cuts of the font kept registered for reuse (unless more are in use at once)."""
_LOCK = threading.Lock()
_USERS: OrderedDict[str, int] = OrderedDict()
"""The cuts registered with reportlab, least recently used first: documents building with each."""


@contextmanager
def embedded_font(text: str) -> Iterator[str]:
    """The name of the CJK font cut down to the characters of ``text``, registered with
    reportlab (which embeds it in every PDF that uses it) while the ``with`` block builds the
    document. The name is the character set's digest: letters of the same characters reuse a
    cut still kept. At most :data:`KEPT` cuts stay registered (each holds about 3 MB; more only
    while more documents are being built), the least recently used unused one forgotten first,
    so a server's memory does not grow with every 文号 or plan whose letters were printed."""
    chars = "".join(sorted(set(text + "0123456789")))
    name = "NoticeCJK-" + hashlib.sha1(chars.encode()).hexdigest()[:16]
    with _LOCK:
        registered = name in _USERS
    font = None if registered else _cut(chars, name)  # outside the lock: 0.4 s
    with _LOCK:
        if name not in _USERS:  # new, or forgotten since the look above (then cut again)
            pdfmetrics.registerFont(font or _cut(chars, name))
            _USERS[name] = 0
        _USERS[name] += 1
        _USERS.move_to_end(name)
    try:
        yield name
    finally:
        with _LOCK:
            _USERS[name] -= 1
            _forget_unused()


def _forget_unused() -> None:
    """Unregister the least recently used cuts no document is using, down to :data:`KEPT` in all
    (reportlab has no call for it: its registry's dictionaries, as ``registerFont`` fills
    them)."""
    unused = [name for name, users in _USERS.items() if users == 0]
    for name in unused[: max(0, len(_USERS) - KEPT)]:
        del _USERS[name]
        font = pdfmetrics._fonts.pop(name)  # noqa: SLF001
        pdfmetrics._dynFaceNames.pop(font.face.name, None)  # noqa: SLF001
        fonts._ps2tt_map.pop(name.lower(), None)  # noqa: SLF001
        for bold, italic in ((0, 0), (0, 1), (1, 0), (1, 1)):
            fonts._tt2ps_map.pop((name.lower(), bold, italic), None)  # noqa: SLF001


def _cut(chars: str, name: str) -> PdfFont:
    """The CJK font with only ``chars``, its outlines TrueType, under the PostScript ``name``."""
    path, index = font_face()
    font = TTFont(path, fontNumber=index)
    options = Options()
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = ["*"]
    subsetter = Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    _quadratic(font)
    # reportlab keeps a typeface by its PostScript name, the first one registered: each cut
    # of the font gets its own, or a second cut would be drawn with the first one's glyphs.
    font["name"].setName(name, 6, 3, 1, 0x409)
    font["name"].setName(name, 6, 1, 0, 0)
    data = io.BytesIO()
    font.save(data)
    font.close()
    data.seek(0)
    return PdfFont(name, data)
