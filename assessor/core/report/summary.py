"""Result overview: dimension scores with the chart, basic-indicator vetoes, computed checks."""

from __future__ import annotations

from reportlab.platypus import Flowable, Spacer

from assessor.core.report.paragraph import Para
from assessor.core.report.radar import dimension_chart
from assessor.core.report.styles import (
    FRAME_WIDTH,
    GREEN,
    MUTED,
    ORANGE,
    PALE,
    PALE_RED,
    RED,
    ZEBRA,
    grid_table,
    heading,
    styles,
)
from assessor.core.report.text import markup, percent, points
from assessor.core.rubric.model import CHECK_LABELS
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.checks import STATUS_LABELS as CHECK_STATUS_LABELS
from assessor.core.scoring.checks import Finding
from assessor.core.scoring.result import Result

VETO_LABELS = {"met": "达标", "unmet": "未达标", "na": "不适用，不参与否决", "unscored": "未评分"}

CHECK_COLOURS = {"ok": GREEN, "fail": RED, "unknown": MUTED}


def _head(*titles: str) -> list[Para]:
    return [Para(t, styles().head) for t in titles]


def dimension_section(rubric: LoadedRubric, result: Result) -> list[Flowable]:
    """Earned and applicable points add up column by column; the last column is what each
    dimension contributes to the total under the rubric's N/A rule, stated below the table."""
    st = styles()
    rows: list[list[Para]] = [
        _head("维度", "名称", "实得分", "应得分", "满分", "得分率", "计入总分", "已评/指标")
    ]
    for d in result.dimensions:
        rows.append(
            [
                Para(d.id, st.cell_center),
                Para(markup(d.name), st.cell),
                Para(points(d.earned), st.cell_right),
                Para(points(d.applicable_max), st.cell_right),
                Para(points(d.max), st.cell_right),
                Para(percent(d.earned, d.applicable_max), st.cell_right),
                Para(points(d.score), st.cell_right),
                Para(f"{d.scored}/{d.indicators}", st.cell_center),
            ]
        )
    earned = sum(d.earned for d in result.dimensions)
    applicable = sum(d.applicable_max for d in result.dimensions)
    c = result.completeness
    rows.append(
        [
            Para("", st.cell),
            Para("合计", st.cell),
            Para(points(earned), st.cell_right),
            Para(points(applicable), st.cell_right),
            Para(points(result.max), st.cell_right),
            Para(percent(earned, applicable), st.cell_right),
            Para(points(result.total), st.cell_right),
            Para(f"{c.scored}/{c.total}", st.cell_center),
        ]
    )
    widths = [34, FRAME_WIDTH - 34 - 6 * 54, 54, 54, 54, 54, 54, 54]
    table = grid_table(rows, widths, extra=[("BACKGROUND", (0, -1), (-1, -1), PALE)])
    out: list[Flowable] = [*heading("一、各维度得分", st.h1), table]
    if applicable < result.max:
        out.append(Para(_conversion(rubric, result, earned, applicable), st.caption))
    out += [Spacer(1, 10), dimension_chart(result.dimensions, FRAME_WIDTH)]
    return out


def _conversion(rubric: LoadedRubric, result: Result, earned: float, applicable: float) -> str:
    rule = rubric.rubric.na_rule
    if rule.method == "rescale_total":
        how = (
            f"总分 = 实得分 {points(earned)} ÷ 应得分 {points(applicable)} × {points(result.max)}"
            f" = {points(result.total)}（截取到 0.01 分）。"
        )
    else:
        how = "各维度按 实得分 ÷ 应得分 × 维度满分 折算后计入总分。"
    return f"含不适用指标（合理缺项）：{how}{markup(rule.text)}"


def veto_section(rubric: LoadedRubric, result: Result) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = heading("二、基础指标（一票否决）", st.h1)
    if not result.vetoes:
        return [*out, Para("本评估标准未设基础指标。", st.body)]
    rows: list[list[Para]] = [_head("条款", "指标", "得分 / 满分", "结果")]
    extra: list[tuple] = []
    for n, v in enumerate(result.vetoes, start=1):
        ind = rubric.by_id[v.indicator]
        score = "—" if v.score is None else f"{points(v.score)} / {points(ind.max)}"
        status = VETO_LABELS[v.status]
        if v.status == "unmet":
            status = f'<font color="{RED.hexval()}">{status}</font>'
            extra.append(("BACKGROUND", (0, n), (-1, n), PALE_RED))
        elif v.status == "met":
            status = f'<font color="{GREEN.hexval()}">{status}</font>'
        rows.append(
            [
                Para(v.indicator, st.cell),
                Para(markup(v.short), st.cell),
                Para(score, st.cell_center),
                Para(status, st.cell_center),
            ]
        )
    unmet = sum(1 for v in result.vetoes if v.status == "unmet")
    rule = rubric.rubric.grade_rule
    summary = (
        f"共 {len(result.vetoes)} 项基础指标，{unmet} 项未达标。"
        f"基础指标得分低于满分（注明否决线的，低于否决线）即为未达标；"
        f"任一项未达标时，等级最高为 {markup(rule.veto_grade)}。"
    )
    out += [
        Para(summary, st.body),
        Spacer(1, 4),
        grid_table(rows, [52, FRAME_WIDTH - 52 - 80 - 70, 80, 70], extra=extra),
    ]
    drafts = [ind.id for ind in rubric.basic_indicators if ind.basic and not ind.basic.verified]
    if drafts:
        out.append(Para(f"注：其中 {len(drafts)} 项基础指标的认定尚待与标准原文核实。", st.caption))
    return out


def findings_section(findings: list[Finding]) -> list[Flowable]:
    st = styles()
    title = heading("三、计算核对（依据托育机构设置标准、管理规范）", st.h1, keep=160)
    intro = Para(
        "以下结果由机构基本信息自动计算，仅供评估人员参考，不直接计分；以评估人员的判断为准。",
        st.body,
    )
    if not findings:
        return [*title, intro, Para("无计算核对结果。", st.body)]
    rows: list[list[Para]] = [_head("核对项目", "结果", "说明", "相关指标")]
    extra: list[tuple] = []
    for n, f in enumerate(findings, start=1):
        colour = CHECK_COLOURS[f.status].hexval()
        status = f'<font color="{colour}">{CHECK_STATUS_LABELS[f.status]}</font>'
        if not f.verified:
            status += f'<br/><font size="7.5" color="{ORANGE.hexval()}">参数待核实</font>'
        if f.status == "fail":
            extra.append(("BACKGROUND", (0, n), (-1, n), PALE_RED))
        elif n % 2 == 0:
            extra.append(("BACKGROUND", (0, n), (-1, n), ZEBRA))
        rows.append(
            [
                Para(CHECK_LABELS[f.check], st.cell),
                Para(status, st.cell_center),
                Para(markup(f.message), st.cell),
                Para("、".join(f.indicators) or "—", st.cell),
            ]
        )
    widths = [78, 62, FRAME_WIDTH - 78 - 62 - 96, 96]
    return [*title, intro, Spacer(1, 4), grid_table(rows, widths, extra=extra)]
