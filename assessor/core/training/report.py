"""The practice report: the comparison as an A4 PDF for the trainee's file, marked 培训 on every
page by the report machinery's training banner and watermark."""

from __future__ import annotations

from datetime import datetime

from reportlab.platypus import Spacer

from assessor.core.clock import beijing_text
from assessor.core.report.fonts import register_fonts
from assessor.core.report.pages import PageDecor, build_pdf
from assessor.core.report.paragraph import Para
from assessor.core.report.styles import (
    FRAME_WIDTH,
    grid_table,
    heading,
    styles,
)
from assessor.core.report.text import markup
from assessor.core.training.comparison import Comparison
from assessor.core.training.figures import comparison_figures, disagreements
from assessor.core.training.results import Trainee
from assessor.core.training.trainee_view import TEST_VIEW_NOTE, TraineeView, trainee_figures


def _figure_table(c: Comparison) -> list:
    s = styles()
    rows = [[Para("项目", s.head), Para("结果", s.head)]]
    rows += [
        [Para(markup(f.label), s.cell), Para(markup(f.value), s.cell)]
        for f in comparison_figures(c)
    ]
    return [grid_table(rows, [FRAME_WIDTH * 0.34, FRAME_WIDTH * 0.66])]


def _disagreement_table(c: Comparison) -> list:
    s = styles()
    worst = disagreements(c)
    if not worst:
        return [Para("所有指标均与参考评分一致。", s.body)]
    rows = [[Para(t, s.head) for t in ("条款", "指标", "你的评分", "参考评分", "参考理由")]]
    rows += [
        [
            Para(d.indicator, s.cell),
            Para(markup(d.short), s.cell),
            Para(markup(d.trainee), s.cell),
            Para(markup(d.reference), s.cell),
            Para(markup(d.rationale), s.cell),
        ]
        for d in worst
    ]
    widths = [0.09, 0.17, 0.15, 0.15, 0.44]
    return [grid_table(rows, [FRAME_WIDTH * w for w in widths])]


def render_practice_report(c: Comparison, trainee: Trainee, submitted_at: datetime) -> bytes:
    register_fonts()  # the story's styles name the font
    s = styles()
    decor = PageDecor(
        header=f"培训练习报告 · {c.sample_title}",
        footer_left=f"学员 {trainee.name}（{trainee.trainee_id}）· 样例 {c.sample_id}",
        notices=(),
        training=True,
    )
    story = [
        Spacer(1, 8),
        Para("培训练习报告", s.title),
        Para(markup(f"{c.sample_title}（{c.sample_id}）"), s.subtitle),
        Para(
            markup(
                f"学员：{trainee.name}（{trainee.trainee_id}）　提交时间：{beijing_text(submitted_at)}"
            ),
            s.subtitle,
        ),
        Spacer(1, 10),
        *heading("一致性结果", s.h1),
        *_figure_table(c),
        Para(markup("可靠性规则：" + c.rule.text()), s.caption),
        *heading("差异最大的指标", s.h1),
        *_disagreement_table(c),
    ]
    return build_pdf(
        story,
        decor,
        title=f"培训练习报告 — {c.sample_title}",
        author=trainee.name,
        subject=f"样例 {c.sample_id}",
    )


def render_test_report(
    view: TraineeView, title: str, trainee: Trainee, submitted_at: datetime
) -> bytes:
    """A test sample's result for the trainee's file: the trainee view and nothing more."""
    register_fonts()
    s = styles()
    decor = PageDecor(
        header=f"培训测试结果 · {title}",
        footer_left=f"学员 {trainee.name}（{trainee.trainee_id}）· 样例 {view.sample_id}",
        notices=(),
        training=True,
    )
    rows = [[Para("项目", s.head), Para("结果", s.head)]]
    rows += [
        [Para(markup(f.label), s.cell), Para(markup(f.value), s.cell)]
        for f in trainee_figures(view)
    ]
    story = [
        Spacer(1, 8),
        Para("培训测试结果", s.title),
        Para(markup(f"{title}（{view.sample_id}）"), s.subtitle),
        Para(
            markup(
                f"学员：{trainee.name}（{trainee.trainee_id}）　提交时间：{beijing_text(submitted_at)}"
            ),
            s.subtitle,
        ),
        Spacer(1, 10),
        *heading("一致性结果", s.h1),
        grid_table(rows, [FRAME_WIDTH * 0.34, FRAME_WIDTH * 0.66]),
        Para(TEST_VIEW_NOTE, s.notice),
    ]
    return build_pdf(
        story, decor, title=f"培训测试结果 — {title}", author=trainee.name, subject=view.sample_id
    )
