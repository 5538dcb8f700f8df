"""Every indicator with its score and record, and the lost-point list (整改建议)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import PurePosixPath

from reportlab.platypus import Flowable, PageBreak, Spacer

from assessor.core.assessment.model import Assessment, Evidence, IndicatorScore
from assessor.core.report.paragraph import Para
from assessor.core.report.styles import (
    CELL_PADDING,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    MUTED,
    ORANGE,
    PALE,
    PALE_RED,
    RED,
    grid_table,
    heading,
    styles,
)
from assessor.core.report.summary import CHECK_COLOURS
from assessor.core.report.text import GAP, markup, paragraphs, points
from assessor.core.rubric.basis import basis_sources
from assessor.core.rubric.model import CHECK_LABELS, Indicator, Rubric, ScoreLevel, Source
from assessor.core.rubric.provenance import grounding_note
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.checks import STATUS_LABELS as CHECK_STATUS_LABELS
from assessor.core.scoring.checks import Finding, findings_for
from assessor.core.scoring.result import Result

_EPSILON = 1e-9
BASIC_TAG = f'<font size="7.5" color="{RED.hexval()}">［基础指标］</font>'
NONE_TEXT = f'<font color="{MUTED.hexval()}">（无记录）</font>'


def level_at(ind: Indicator, score: float) -> ScoreLevel | None:
    return next((lv for lv in ind.levels if math.isclose(lv.points, score, abs_tol=_EPSILON)), None)


def full_level(ind: Indicator) -> ScoreLevel:
    # Validation guarantees exactly one level at full points.
    return next(lv for lv in ind.levels if math.isclose(lv.points, ind.max, abs_tol=_EPSILON))


def _muted(text: str, size: float = 8) -> str:
    return f'<font size="{size}" color="{MUTED.hexval()}">{text}</font>'


def _evidence_line(ev: Evidence) -> str:
    name = markup(PurePosixPath(ev.file.replace("\\", "/")).name)
    return f"• {name}（{markup(ev.caption)}）" if ev.caption.strip() else f"• {name}"


def _score_cell(ind: Indicator, entry: IndicatorScore | None) -> str:
    if entry is not None and entry.na:
        return f"不适用<br/>{_muted(f'满分 {points(ind.max)}')}"
    if entry is None or entry.score is None:
        return f'<font color="{ORANGE.hexval()}">未评分</font>'
    level = level_at(ind, entry.score)
    text = f"{points(entry.score)} / {points(ind.max)}"
    return f"{text}<br/>{_muted(markup(level.label))}" if level else text


def _basis_line(rubric: Rubric, ind: Indicator) -> list[Para]:
    """One line per source and one for the note. ReportLab hangs only one closing mark in the
    right margin, so two in a row (「）》」「）；」) can start a line: titles go bare, one a line,
    and the rubric's notes avoid such pairs (tested)."""
    if ind.basis is None:  # format 1 rubrics state no basis
        return []
    lines = [*basis_sources(rubric, ind.basis, book_marks=False), ind.basis.note.strip()]
    text = "<br/>".join(markup(line) for line in lines if line)
    return [Para(f"依据：{text}", styles().cell_muted)]


def _earned_of(earned: float, applicable: float, maximum: float) -> str:
    if applicable < maximum:
        return f"实得 {points(earned)} / 应得 {points(applicable)}（满分 {points(maximum)}）"
    return f"得分 {points(earned)} / {points(maximum)}"


def _record_cell(entry: IndicatorScore | None, checks: list[Finding]) -> list[Para]:
    st = styles()
    cell = [Para(line, st.cell) for line in paragraphs(entry.note if entry else "")]
    if entry is not None and entry.evidence:
        cell.append(Para(f"证据 {len(entry.evidence)} 项：", st.cell_muted))
        cell += [Para(_evidence_line(ev), st.cell_muted) for ev in entry.evidence]
    for f in checks:
        colour = CHECK_COLOURS[f.status].hexval()
        cell.append(
            Para(
                f"计算核对 · {CHECK_LABELS[f.check]}："
                f'<font color="{colour}">{CHECK_STATUS_LABELS[f.status]}</font>',
                st.cell_muted,
            )
        )
    return cell or [Para(NONE_TEXT, st.cell)]


def _height(cell: list[Para], column: float) -> float:
    # Wrapped at the width the table gives the cell, so the table reuses these line breaks.
    return math.fsum(p.wrap(column - 2 * CELL_PADDING, FRAME_HEIGHT)[1] for p in cell)


def _indicator_cell(ind: Indicator) -> str:
    return markup(ind.short) + (f"<br/>{BASIC_TAG}" if ind.basic else "")


def indicator_section(
    rubric: LoadedRubric, assessment: Assessment, result: Result, findings: list[Finding]
) -> list[Flowable]:
    st = styles()
    entries = {s.indicator: s for s in assessment.scores}
    dims = {d.id: d for d in result.dimensions}
    widths = [44, 130, 56, FRAME_WIDTH - 44 - 130 - 56]
    out: list[Flowable] = [
        *heading("四、指标评分明细", st.h1),
        Para(
            f"共 {len(rubric.indicators)} 项指标。得分列为“实得分 / 满分”及所达档次；"
            "标为不适用的指标不计入应得分，项目与维度显示“实得分 / 应得分”，逐级相加；"
            "折算见“各维度得分”。",
            st.body,
        ),
    ]
    for dim in rubric.rubric.dimensions:
        dres = dims[dim.id]
        out += heading(
            f"{dim.id}{GAP}{markup(dim.name)}{GAP}{_muted(_earned_of(dres.earned, dres.applicable_max, dim.max), 10)}",
            st.h2,
            keep=150,  # heading, column header, item row and three lines of its first indicator
        )
        rows: list[list[Para | list[Para] | str]] = [
            [Para(t, st.head) for t in ("条款", "指标", "得分", "评估记录与证据")]
        ]
        extra: list[tuple] = []
        items = {i.id: i for i in dres.items}
        for item in dim.items:
            ires = items[item.id]
            n = len(rows)
            rescaled = (
                _muted(
                    f"含不适用指标：应得分 {points(ires.applicable_max)}（满分 {points(item.max)}）"
                )
                if ires.applicable_max < item.max
                else ""
            )
            # No SPAN here: ReportLab splits a spanned row at the first column's width.
            rows.append(
                [
                    Para(item.id, st.group),
                    Para(markup(item.name), st.group),
                    Para(f"{points(ires.earned)} / {points(ires.applicable_max)}", st.group_center),
                    Para(rescaled, st.cell),
                ]
            )
            extra.append(("BACKGROUND", (0, n), (-1, n), PALE))
            for k, ind in enumerate(item.indicators):
                entry = entries.get(ind.id)
                record = _record_cell(entry, findings_for(findings, ind.id))
                record += _basis_line(rubric.rubric, ind)
                if k == 0 and _height(record, widths[3]) < FRAME_HEIGHT / 2:
                    # Keeps the item row from ending a page alone. Only for a short first
                    # row: ReportLab cannot split a kept-together pair taller than a page.
                    extra.append(("NOSPLIT", (0, n), (-1, n + 1)))
                score = entry.score if entry is not None else None
                if ind.basic and score is not None and score < ind.veto_threshold():
                    extra.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), PALE_RED))
                rows.append(
                    [
                        Para(ind.id, st.cell),
                        Para(_indicator_cell(ind), st.cell),
                        Para(_score_cell(ind, entry), st.cell_center),
                        record,
                    ]
                )
        out.append(grid_table(rows, widths, extra=extra))
    out += [Spacer(1, 8), *(Para(line, st.caption) for line in _provenance_lines(rubric))]
    return out


def _provenance_lines(rubric: LoadedRubric) -> list[str]:
    """What the indicators rest on and what is drafted, under the indicator table."""
    lines = []
    grounded = grounding_note(rubric)
    if grounded:
        lines.append(
            f"依据：本报告所用评估标准数据（版本 {markup(rubric.rubric.version)}）{grounded}"
        )
    drafted = sum(1 for ind in rubric.indicators if ind.source is Source.drafted)
    if drafted:
        lines.append(
            f"说明：本报告所用评估标准数据中，有 {drafted} 项指标的文字系依据公开资料起草，"
            "尚待与标准原文核对，以标准原文为准。"
        )
    return lines


@dataclass(frozen=True)
class Lost:
    indicator: Indicator
    score: float
    note: str

    @property
    def loss(self) -> float:
        return self.indicator.max - self.score


def lost_points(rubric: LoadedRubric, assessment: Assessment) -> list[Lost]:
    """Scored, applicable indicators below full points: largest loss first, then rubric order."""
    entries = {s.indicator: s for s in assessment.scores}
    lost = [
        Lost(ind, entry.score, entry.note)
        for ind in rubric.indicators
        if (entry := entries.get(ind.id)) is not None
        and entry.score is not None
        and ind.max - entry.score > _EPSILON
    ]
    # sorted() is stable, so equal losses keep rubric order.
    return sorted(lost, key=lambda item: -item.loss)


def improvement_section(rubric: LoadedRubric, assessment: Assessment) -> list[Flowable]:
    st = styles()
    lost = lost_points(rubric, assessment)
    # The centre works from this list on its own, so it starts on a page of its own.
    out: list[Flowable] = [PageBreak(), Para("五、整改建议", st.h1)]
    if not lost:
        return [*out, Para("所有已评分的适用指标均得满分，无需整改的项目。", st.body)]
    total = math.fsum(item.loss for item in lost)
    out.append(
        Para(
            f"以下 {len(lost)} 项指标未得满分（不含不适用的指标），共失 {points(total)} 分，"
            "按失分从多到少排列。对照满分要求整改，可提高相应维度的得分；"
            "基础指标未达标的应优先整改。",
            st.body,
        )
    )
    rows: list[list[Para | list[Para]]] = [
        [Para(t, st.head) for t in ("序号", "指标", "得分 / 失分", "评分标准对照与评估记录")]
    ]
    extra: list[tuple] = []
    for n, item in enumerate(lost, start=1):
        ind = item.indicator
        level = level_at(ind, item.score)
        full = full_level(ind)
        achieved = (
            f"{markup(level.label)}（{points(level.points)} 分）：{markup(level.criterion)}"
            if level
            else f"{points(item.score)} 分"
        )
        full_text = f"{markup(full.label)}（{points(full.points)} 分）：{markup(full.criterion)}"
        compare = [
            Para(f"{_muted('达到档次')}{GAP}{achieved}", st.cell_hang),
            Para(f"{_muted('满分要求')}{GAP}{full_text}", st.cell_hang),
        ]
        for k, line in enumerate(paragraphs(item.note)):
            compare.append(
                Para(f"{_muted('评估记录')}{GAP}{line}", st.cell_hang)
                if k == 0
                else Para(line, st.cell_indent)
            )
        if ind.basic:
            extra.append(("BACKGROUND", (0, n), (-1, n), PALE_RED))
        loss = f'<font color="{RED.hexval()}">−{points(item.loss)}</font>'
        rows.append(
            [
                Para(str(n), st.cell_center),
                Para(f"{ind.id}<br/>{_indicator_cell(ind)}", st.cell),
                Para(f"{points(item.score)} / {points(ind.max)}<br/>{loss}", st.cell_center),
                compare,
            ]
        )
    out.append(grid_table(rows, [30, 128, 62, FRAME_WIDTH - 30 - 128 - 62], extra=extra))
    return out
