"""The bundled CJK font registered with ReportLab, and Chinese line-breaking rules.

ReportLab embeds TrueType fonts as subsets, so only the glyphs a report uses end up in the PDF.
"""

from __future__ import annotations

from functools import cache

from reportlab.lib import textsplit
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import paragraph

from assessor.core.paths import font_path

FONT = "WenQuanYiMicroHei"

# Chinese punctuation that must not begin a line (GB/T 15834 usage). ReportLab's own list is
# built for Japanese and lets full-width ，；：！？》 start a line.
CHINESE_CANNOT_START = "，。、；：！？）》〉」』】〕〗］｝”’…—·%％‰℃°"


def extend_line_break_rules() -> None:
    """Add Chinese closing punctuation to ReportLab's cannot-start-a-line set (idempotent).

    `paragraph` imported the set by value, so both module globals are replaced.
    """
    current = textsplit.ALL_CANNOT_START
    extra = "".join(ch for ch in CHINESE_CANNOT_START if ch not in current)
    if extra:
        textsplit.ALL_CANNOT_START = current + extra
    paragraph.ALL_CANNOT_START = textsplit.ALL_CANNOT_START


@cache
def register_fonts() -> str:
    """Register the bundled face once per process and return its name.

    The font has a single weight, so bold and italic map to the same face: `<b>` in markup
    then renders instead of failing, and emphasis comes from size and colour.
    """
    pdfmetrics.registerFont(TTFont(FONT, str(font_path())))
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FONT, bold, italic, FONT)
    return FONT


def fitted_size(text: str, size: float, room: float, minimum: float) -> float:
    """The largest size, in half-point steps down from `size`, at which `text` fits `room`.

    For single-line text drawn straight on the canvas (labels, names), where user data of any
    length must not run into its neighbours; below `minimum` it is clipped instead.
    """
    font = register_fonts()
    while size > minimum and stringWidth(text, font, size) > room:
        size -= 0.5
    return size


def clipped(text: str, size: float, room: float) -> str:
    """`text` cut short with an ellipsis so that it fits `room` at `size`."""
    font = register_fonts()
    if stringWidth(text, font, size) <= room:
        return text
    while text and stringWidth(text + "…", font, size) > room:
        text = text[:-1]
    return text + "…"


extend_line_break_rules()
