"""Turning user text and numbers into Paragraph markup and display strings."""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

# Paragraph collapses every whitespace run, the ideographic space U+3000 included, to one
# narrow space; no-break spaces are kept, so they make a visible gap between fields.
GAP = "\u00a0" * 3


def markup(text: str) -> str:
    """User text as Paragraph markup: `<`, `&`, `>` escaped, line breaks kept."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br/>".join(escape(line) for line in lines)


def paragraphs(text: str) -> list[str]:
    """User text as markup, one string per non-blank line.

    Lines become separate Paragraphs rather than `<br/>`: ReportLab's CJK wrapping adds an
    empty line when a forced break follows a line that filled the width exactly.
    """
    return [escape(line) for line in text.splitlines() if line.strip()]


def points(x: float) -> str:
    """A score without trailing zeros: 10, 7.5, 812.25."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def date_text(value: dt.date | None) -> str:
    return f"{value.year} 年 {value.month} 月 {value.day} 日" if value else "未填写"
