"""The report's building blocks: line-break rules, markup escaping, the improvement order."""

from __future__ import annotations

from reportlab.lib import textsplit
from reportlab.platypus import paragraph

from assessor.core.report.details import lost_points
from assessor.core.report.fonts import CHINESE_CANNOT_START, extend_line_break_rules
from assessor.core.report.paragraph import Para
from assessor.core.report.styles import styles
from assessor.core.report.text import markup, paragraphs, points
from tests.core.report.helpers import scored_assessment, synthetic_rubric


def test_line_break_rules_extended_once_in_both_modules() -> None:
    extend_line_break_rules()
    rules = textsplit.ALL_CANNOT_START
    extend_line_break_rules()
    assert rules == textsplit.ALL_CANNOT_START
    assert rules == paragraph.ALL_CANNOT_START
    assert set(CHINESE_CANNOT_START) <= set(rules)


def test_full_width_comma_never_starts_a_wrapped_line() -> None:
    cell = styles().cell
    # Ten 9 pt characters fill the width exactly, so the comma is the one that overflows.
    para = Para("一二三四五六七八九十，十一十二十三", cell)
    para.wrap(90.5, 1000)
    # Plain text in one style breaks into (extra space, [text]) tuples.
    assert para.blPara.kind == 0
    lines = ["".join(words) for _, words in para.blPara.lines]
    assert len(lines) == 2
    assert lines[0].endswith("，")
    assert not lines[1].startswith("，")


def test_markup_escapes_user_text() -> None:
    assert markup("a<b&c>\nd") == "a&lt;b&amp;c&gt;<br/>d"
    assert paragraphs("第一行 <x>\n\n  \n第二行 & 完") == ["第一行 &lt;x&gt;", "第二行 &amp; 完"]


def test_points_drop_trailing_zeros() -> None:
    assert [points(x) for x in (10.0, 7.5, 812.25, 0.0)] == ["10", "7.5", "812.25", "0"]


def test_para_rewraps_after_the_width_changes() -> None:
    para = Para("托育机构质量评估报告" * 5, styles().cell)
    narrow = para.wrap(60, 1000)
    wide = para.wrap(400, 1000)
    assert wide[1] < narrow[1]
    assert para.wrap(60, 1000) == narrow


def test_lost_points_largest_loss_first_without_na_or_full_scores() -> None:
    scored = scored_assessment(synthetic_rubric())
    lost = lost_points(scored.rubric, scored.assessment)
    losses = [item.loss for item in lost]
    assert losses == sorted(losses, reverse=True)
    assert all(loss > 0 for loss in losses)
    ids = [item.indicator.id for item in lost]
    assert scored.unmet_basic in ids
    assert not set(ids) & set(scored.na)
