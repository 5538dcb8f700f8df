"""Colours, paragraph styles and the common table look of the report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Table, TableStyle

from assessor.core.report.fonts import register_fonts
from assessor.core.report.paragraph import Para
from assessor.core.report.text import GAP

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 22 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

INK = colors.HexColor("#1A1A1A")
PRIMARY = colors.HexColor("#1F3A5F")
ACCENT = colors.HexColor("#2E6DA4")
PALE = colors.HexColor("#EAF1F8")
ZEBRA = colors.HexColor("#F6F8FA")
RULE = colors.HexColor("#B8C4D0")
MUTED = colors.HexColor("#5F6B76")
RED = colors.HexColor("#B3261E")
PALE_RED = colors.HexColor("#FBE4E1")
GREEN = colors.HexColor("#2E7D32")
ORANGE = colors.HexColor("#A85F00")
PALE_ORANGE = colors.HexColor("#FFF3E0")

CELL_PADDING = 3.5
MIN_ROW_PART = 40  # points: a row is split only if at least three lines stay on the page


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    caption: ParagraphStyle
    notice: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_right: ParagraphStyle
    cell_muted: ParagraphStyle
    cell_hang: ParagraphStyle
    cell_indent: ParagraphStyle
    head: ParagraphStyle
    group: ParagraphStyle
    group_center: ParagraphStyle
    mono: ParagraphStyle


@cache
def styles() -> Styles:
    font = register_fonts()

    def style(name: str, size: float, leading: float, **kw: object) -> ParagraphStyle:
        kw.setdefault("textColor", INK)
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **kw
        )

    cell = style("cell", 9, 12.5)
    group = ParagraphStyle("group", parent=cell, textColor=PRIMARY, fontSize=9.5)
    # Hanging indent for "label + GAP + text" cells: four 8 pt characters and the 9 pt gap.
    label_indent = stringWidth("达到档次", font, 8) + stringWidth(GAP, font, 9)
    return Styles(
        title=style("title", 26, 34, alignment=TA_CENTER, textColor=PRIMARY),
        subtitle=style("subtitle", 11, 16, alignment=TA_CENTER, textColor=MUTED),
        h1=style("h1", 15, 20, textColor=PRIMARY, spaceBefore=14, spaceAfter=8),
        h2=style("h2", 11.5, 16, textColor=PRIMARY, spaceBefore=10, spaceAfter=5),
        body=style("body", 10, 16),
        small=style("small", 8.5, 12),
        caption=style("caption", 8, 11, textColor=MUTED, spaceBefore=3),
        notice=style("notice", 9, 13, textColor=ORANGE),
        cell=cell,
        cell_center=ParagraphStyle("cell_center", parent=cell, alignment=TA_CENTER),
        cell_right=ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT),
        cell_muted=ParagraphStyle(
            "cell_muted", parent=cell, fontSize=8, leading=11, textColor=MUTED
        ),
        cell_hang=ParagraphStyle(
            "cell_hang", parent=cell, leftIndent=label_indent, firstLineIndent=-label_indent
        ),
        cell_indent=ParagraphStyle("cell_indent", parent=cell, leftIndent=label_indent),
        head=ParagraphStyle("head", parent=cell, textColor=colors.white, alignment=TA_CENTER),
        group=group,
        group_center=ParagraphStyle("group_center", parent=group, alignment=TA_CENTER),
        mono=style("mono", 7.5, 10.5, textColor=MUTED),
    )


def plain_table(
    rows: Sequence[Sequence[Flowable | str | list[Flowable]]],
    widths: Sequence[float],
    commands: Sequence[tuple],
    **kw: object,
) -> Table:
    """A Table in the report font.

    Tables set a font for every cell, even cells holding flowables, so a table without an
    explicit font names ReportLab's unembedded Helvetica in the PDF.
    """
    style = TableStyle([("FONTNAME", (0, 0), (-1, -1), register_fonts()), *commands])
    return Table(rows, colWidths=list(widths), style=style, **kw)


def grid_table(
    rows: Sequence[Sequence[Flowable | str]],
    widths: Sequence[float],
    *,
    header_rows: int = 1,
    extra: Sequence[tuple] = (),
) -> Table:
    """A ruled table of Paragraph cells with a dark header that repeats on every page."""
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING + 1),
    ]
    if header_rows:
        commands += [
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), PRIMARY),
            ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
        ]
    commands += extra
    # Rows break across pages like in a word processor, so a note longer than a page fits.
    # Splitting inside the row first (splitByRow=0) fills the page; splitting between rows
    # first would leave space that the rest then fills with a second header mid-page.
    return plain_table(
        rows,
        widths,
        commands,
        repeatRows=header_rows,
        hAlign="LEFT",
        splitByRow=0,
        splitInRow=MIN_ROW_PART,
    )


def heading(text: str, style: ParagraphStyle, keep: float = 110) -> list[Flowable]:
    """A heading that moves to the next page unless `keep` points of its content fit below it."""
    return [CondPageBreak(keep), Para(text, style)]
