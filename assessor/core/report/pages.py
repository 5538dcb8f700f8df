"""What every page carries: header, footer with page x of y, training banner and watermark."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from assessor.core.report.fonts import clipped, register_fonts
from assessor.core.report.styles import (
    FRAME_HEIGHT,
    FRAME_WIDTH,
    MARGIN_BOTTOM,
    MARGIN_X,
    MUTED,
    ORANGE,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PRIMARY,
    RED,
    RULE,
)

TRAINING_BANNER = "培训/样例 — 非正式评估结果"


@dataclass(frozen=True)
class PageDecor:
    header: str
    footer_left: str
    notices: tuple[str, ...]
    training: bool

    def draw(self, canv: Canvas, page: int, pages: int) -> None:
        """Everything outside the content frame, drawn once the page count is known.

        The training watermark is drawn over the content, faintly, so that no table shading
        or picture can hide it.
        """
        font = register_fonts()
        canv.saveState()
        if page > 1:
            canv.setFont(font, 8)
            canv.setFillColor(MUTED)
            canv.drawString(
                MARGIN_X, PAGE_HEIGHT - 17 * mm, clipped(self.header, 8, PAGE_WIDTH - 2 * MARGIN_X)
            )
            canv.setStrokeColor(RULE)
            canv.setLineWidth(0.5)
            canv.line(
                MARGIN_X, PAGE_HEIGHT - 18.8 * mm, PAGE_WIDTH - MARGIN_X, PAGE_HEIGHT - 18.8 * mm
            )
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, 16 * mm, PAGE_WIDTH - MARGIN_X, 16 * mm)
        canv.setFont(font, 7.5)
        canv.setFillColor(MUTED)
        canv.drawString(MARGIN_X, 12 * mm, self.footer_left)
        canv.setFillColor(PRIMARY)
        canv.drawRightString(PAGE_WIDTH - MARGIN_X, 12 * mm, f"第 {page} 页 / 共 {pages} 页")
        if self.notices:
            canv.setFont(font, 7)
            canv.setFillColor(ORANGE)
            canv.drawString(MARGIN_X, 8 * mm, "；".join(self.notices))
        if self.training:
            self._training_marks(canv, font)
        canv.restoreState()

    @staticmethod
    def _training_marks(canv: Canvas, font: str) -> None:
        canv.setFillColor(RED)
        canv.rect(MARGIN_X, PAGE_HEIGHT - 12 * mm, PAGE_WIDTH - 2 * MARGIN_X, 6.5 * mm, 0, 1)
        canv.setFillColor(colors.white)
        canv.setFont(font, 10)
        canv.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 10 * mm, TRAINING_BANNER)
        canv.setFillColor(RED)
        canv.setFillAlpha(0.08)
        canv.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canv.rotate(35)
        canv.setFont(font, 88)
        canv.drawCentredString(0, 10, "培训/样例")
        canv.setFont(font, 40)
        canv.drawCentredString(0, -50, "非正式评估结果")


class NumberedCanvas(Canvas):
    """Holds every page back until the end so the footer can say how many pages there are.

    The standard ReportLab two-pass pattern: `showPage` only snapshots the page state, `save`
    replays each snapshot with its footer. Anything that needs the final page object while
    drawing (outline entries, links) would point at the wrong page, so the report uses none.
    """

    def __init__(self, *args: Any, decor: PageDecor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._decor = decor
        self._held_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        pages = len(self._held_pages)
        for state in self._held_pages:
            self.__dict__.update(state)
            self._decor.draw(self, self._pageNumber, pages)
            super().showPage()
        super().save()


def build_pdf(
    story: Sequence[Flowable], decor: PageDecor, *, title: str, author: str, subject: str
) -> bytes:
    """Every report of the app: A4, one frame, the page decoration, the bundled font."""
    font = register_fonts()
    out = io.BytesIO()
    frame = Frame(
        MARGIN_X, MARGIN_BOTTOM, FRAME_WIDTH, FRAME_HEIGHT,
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
    )  # fmt: skip
    doc = BaseDocTemplate(
        out,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        title=title,
        author=author,
        subject=subject,
        creator="assessor",
        lang="zh-CN",
        # Without this the canvas names Helvetica in every page's preamble, an unembedded font.
        initialFontName=font,
        pageTemplates=[PageTemplate("page", [frame])],
    )
    doc.build(list(story), canvasmaker=partial(NumberedCanvas, decor=decor))
    return out.getvalue()
