"""The statistics report for the commission's leadership: a Chinese A4 PDF built with the same
fonts, styles, page decoration and dimension chart as the assessment report.

Long lists (示范候选, 警示名单, re-assessments, assessors) show their first rows here and say how
many there are in all; the XLSX and CSV exports hold every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportlab.platypus import Flowable, Spacer

from assessor.core.clock import beijing_text
from assessor.core.register.exports.output import replacing
from assessor.core.register.exports.pdf_charts import grade_chart
from assessor.core.register.stats_model import (
    GROUP_BY_LABELS,
    INSUFFICIENT,
    MIN_SAMPLE,
    CentreEntry,
    Statistics,
)
from assessor.core.register.texts import (
    CANDIDATES_RULE,
    CANDIDATES_TITLE,
    RED_LIST_RULE,
    RED_LIST_TITLE,
    held_text,
)
from assessor.core.report.fonts import register_fonts
from assessor.core.report.pages import PageDecor, build_pdf
from assessor.core.report.paragraph import Para
from assessor.core.report.radar import dimension_chart
from assessor.core.report.styles import (
    FRAME_WIDTH,
    PALE_RED,
    grid_table,
    heading,
    styles,
)
from assessor.core.report.text import markup
from assessor.core.scoring.result import DimensionResult

TITLE = "托育机构质量评估统计报告"
LIST_LIMIT = 60


def _cells(values: Sequence[object], align: Sequence[str] = ()) -> list[Para]:
    st = styles()
    by_align = {"l": st.cell, "c": st.cell_center, "r": st.cell_right}
    return [
        Para(markup("" if v is None else str(v)), by_align[align[n] if n < len(align) else "l"])
        for n, v in enumerate(values)
    ]


def _head(*titles: str) -> list[Para]:
    return [Para(t, styles().head) for t in titles]


def _mark(insufficient: bool) -> str:
    return INSUFFICIENT if insufficient else ""


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    align: str,
    flagged: Sequence[bool] = (),
) -> Flowable:
    extra = [("BACKGROUND", (0, n), (-1, n), PALE_RED) for n, f in enumerate(flagged, 1) if f]
    body = [_head(*header), *(_cells(r, align) for r in rows)]
    scale = FRAME_WIDTH / sum(widths)
    return grid_table(body, [w * scale for w in widths], extra=extra)


def _overview(stats: Statistics) -> list[Flowable]:
    st = styles()
    grades = "，".join(f"{g.grade} 级 {g.count} 份" for g in stats.grades.grades) or "无"
    lines = [
        f"统计范围：{stats.filter.describe()}；当前版本的评估 {stats.count} 份"
        + (f"（其中培训/样例 {stats.training} 份）" if stats.training else "")
        + "。",
        f"平均总分：{stats.mean_total if stats.mean_total is not None else '—'}；{grades}。",
        f"{CANDIDATES_TITLE} {stats.candidates_count} 家（{CANDIDATES_RULE}，评估周期 {stats.cycle}）；"
        f"{RED_LIST_TITLE} {stats.red_list_count} 家（{RED_LIST_RULE}）。",
        held_text("本报告只统计已确认且无待核实事项的评估", stats.held_back)
        if stats.filter.confirmed_only
        else "本报告统计全部审核状态的评估，未经确认，不宜公开发布。",
        held_text(f"{CANDIDATES_TITLE}只列已确认且无待核实事项的评估", stats.candidates_held),
        f"每项数字均注明所依据的评估份数；不足 {MIN_SAMPLE} 份的标注「{INSUFFICIENT}」，仅供参考。",
    ]
    return [
        Para(TITLE, st.title),
        Para(f"生成时间 {beijing_text(stats.generated_at)}", st.subtitle),
        Spacer(1, 14),
        *heading("一、概况", st.h1),
        *(Para(markup(line), st.body) for line in lines),
        Spacer(1, 8),
        grade_chart(stats.grades, FRAME_WIDTH),
    ]


def _dimensions(stats: Statistics) -> list[Flowable]:
    st = styles()
    rows = [
        (
            d.dimension,
            d.name,
            d.mean_percent,
            d.median_percent,
            d.min_percent,
            d.count,
            _mark(d.insufficient),
        )
        for d in stats.dimensions
    ]
    shares = [
        DimensionResult(
            id=d.dimension,
            name=d.name,
            max=100,
            earned=float(d.mean_percent or 0),
            applicable_max=100,
            score=float(d.mean_percent or 0),
            scored=d.count,
            indicators=d.count,
            items=[],
        )
        for d in stats.dimensions
    ]
    return [
        *heading("二、各维度得分率", st.h1),
        _table(
            ("维度", "名称", "平均（%）", "中位数（%）", "最低（%）", "份数", "说明"),
            rows,
            [36, 110, 60, 60, 60, 50, 60],
            "clrrrrc",
            [d.insufficient for d in stats.dimensions],
        ),
        Para("图中得分率为平均得分率（满分按 100 计）。", st.caption),
        Spacer(1, 6),
        dimension_chart(shares, FRAME_WIDTH),
    ]


def _indicators(stats: Statistics) -> list[Flowable]:
    st = styles()
    weakest = [
        (i.indicator, i.short, i.dimension, i.mean_percent, i.count, _mark(i.insufficient))
        for i in stats.weakest
    ]
    vetoes = [
        (v.indicator, v.short, v.fired, v.count, v.percent, _mark(v.insufficient))
        for v in stats.vetoes
    ]
    return [
        *heading(f"三、平均得分率最低的 {len(weakest)} 项指标", st.h1),
        _table(
            ("指标", "名称", "维度", "平均（%）", "份数", "说明"),
            weakest,
            [50, 200, 40, 60, 50, 60],
            "llcrrc",
        ),
        *heading("四、基础指标（一票否决）未达标情况", st.h1),
        _table(
            ("指标", "名称", "未达标", "评估份数", "占比（%）", "说明"),
            vetoes,
            [50, 200, 50, 60, 60, 60],
            "llrrrc",
            [v.fired > 0 for v in stats.vetoes],
        ),
    ]


def _entries(
    title: str, rule: str, entries: list[CentreEntry], total: int, red: bool
) -> list[Flowable]:
    st = styles()
    shown = entries[:LIST_LIMIT]
    out: list[Flowable] = [
        *heading(title, st.h1),
        Para(markup(f"条件：{rule}。共 {total} 家。"), st.body),
    ]
    if total > len(shown):
        out.append(
            Para(f"以下列出总分排序的前 {len(shown)} 家，完整名单见 XLSX 或 CSV 导出。", st.caption)
        )
    if shown:
        rows = [
            (
                e.name,
                e.uscc,
                e.division_code,
                e.visit_date,
                e.total,
                e.grade,
                "、".join(e.vetoes) or "—",
            )
            for e in shown
        ]
        out.append(
            _table(
                (
                    "机构名称",
                    "统一社会信用代码",
                    "区划",
                    "评估日期",
                    "总分",
                    "等级",
                    "未达标基础指标",
                ),
                rows,
                [130, 110, 50, 66, 44, 34, 80],
                "llcccc" + "l",
                [red] * len(rows),
            )
        )
    return out


def _comparisons(stats: Statistics) -> list[Flowable]:
    st = styles()
    moves = [
        (
            r.name,
            r.uscc,
            r.assessments,
            f"{r.first_date} {r.first_grade}",
            r.first_total,
            f"{r.latest_date} {r.latest_grade}",
            r.latest_total,
            r.delta,
        )
        for r in stats.reassessments[:LIST_LIMIT]
    ]
    out: list[Flowable] = [
        *heading("七、复评机构的变化", st.h1),
        Para(
            f"同一统一社会信用代码有多次评估的机构 {len(stats.reassessments)} 家，按总分变化从降到升排列。",
            st.body,
        ),
    ]
    if moves:
        out.append(
            _table(
                (
                    "机构名称",
                    "统一社会信用代码",
                    "次数",
                    "首次",
                    "首次总分",
                    "最近",
                    "最近总分",
                    "变化",
                ),
                moves,
                [96, 124, 30, 78, 44, 78, 44, 40],
                "llclrlrr",
            )
        )
    rows = [
        (c.assessor_id, c.name, c.assessments, c.count, c.mean_difference, _mark(c.insufficient))
        for c in stats.calibration[:LIST_LIMIT]
    ]
    out += [
        *heading("八、评估员尺度校准", st.h1),
        Para(
            "与同一行政区划、同类机构中其他评估员所评总分均值之差的平均：正数偏宽，负数偏严。"
            "按差值绝对值从大到小排列。",
            st.body,
        ),
    ]
    if rows:
        out.append(
            _table(
                ("评估员编号", "姓名", "评估份数", "可比份数", "平均差（分）", "说明"),
                rows,
                [80, 80, 60, 60, 70, 60],
                "llrrrc",
            )
        )
    return out


def _groups(stats: Statistics) -> list[Flowable]:
    if stats.filter.by is None:
        return []
    st = styles()
    grades = [g.grade for g in stats.grades.grades]
    rows = [
        (
            g.label,
            g.count,
            g.mean_total,
            *({x.grade: x.count for x in g.grades.grades}.get(k, 0) for k in grades),
            _mark(g.insufficient),
        )
        for g in stats.groups
    ]
    label = GROUP_BY_LABELS[stats.filter.by]
    return [
        *heading(f"九、按{label}分组", st.h1),
        _table(
            (label, "份数", "平均总分", *(f"{k} 级" for k in grades), "说明"),
            rows,
            [140, 50, 60, *(44 for _ in grades), 60],
            "lrr" + "r" * len(grades) + "c",
            [g.insufficient for g in stats.groups],
        ),
    ]


def render_statistics_report(stats: Statistics, extra: Sequence[Flowable] = ()) -> bytes:
    """The report; `extra` are further pages (the assessment cycle's) at its end."""
    register_fonts()  # the story's styles name the font
    story: list[Flowable] = [
        *_overview(stats),
        *_dimensions(stats),
        *_indicators(stats),
        *_entries(
            f"五、{CANDIDATES_TITLE}",
            CANDIDATES_RULE + f"（评估周期 {stats.cycle}）",
            stats.candidates,
            stats.candidates_count,
            False,
        ),
        *_entries(
            f"六、{RED_LIST_TITLE}", RED_LIST_RULE, stats.red_list, stats.red_list_count, True
        ),
        *_comparisons(stats),
        *_groups(stats),
        *extra,
    ]
    decor = PageDecor(
        header=f"{TITLE} · {stats.filter.describe()}",
        footer_left=f"生成于 {beijing_text(stats.generated_at)}",
        notices=(),
        training=stats.training > 0,
    )
    return build_pdf(story, decor, title=TITLE, author="assessor", subject=stats.filter.describe())


def export_statistics_pdf(stats: Statistics, path: Path, extra: Sequence[Flowable] = ()) -> None:
    pdf = render_statistics_report(stats, extra)
    with replacing(path) as temp:
        temp.write_bytes(pdf)
