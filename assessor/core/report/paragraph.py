"""A Paragraph that keeps its line breaks while the width stays the same."""

from __future__ import annotations

from reportlab.platypus import Paragraph


class Para(Paragraph):
    """Tables wrap every cell again to measure, to split across pages and to draw; Chinese
    line breaking is the most expensive step of the whole report, and at an unchanged width
    it gives the same lines, so they are computed once.
    """

    _wrapped: tuple[float, float, float] | None = None  # width asked, width, height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # split() drops blPara when it gives up on splitting; then the lines are gone.
        if self._wrapped is not None and self._wrapped[0] == availWidth and "blPara" in vars(self):
            return self._wrapped[1], self._wrapped[2]
        width, height = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, width, height)
        return width, height
