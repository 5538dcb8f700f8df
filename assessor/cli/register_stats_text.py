"""`register stats` as text for a terminal: every figure with its count, lists shortened."""

from __future__ import annotations

from decimal import Decimal

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


def _n(count: int) -> str:
    return f"n={count}" + (f" {INSUFFICIENT}" if count < MIN_SAMPLE else "")


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def _entries(
    title: str, rule: str, entries: list[CentreEntry], total: int, shown: int
) -> list[str]:
    lines = [f"{title}（{rule}）：{total} 家"]
    for e in entries[:shown]:
        vetoes = f" 未达标：{'、'.join(e.vetoes)}" if e.vetoes else ""
        lines.append(
            f"  {e.name}  {e.uscc}  {e.visit_date or '—'}  {e.total} 分 {e.grade} 级{vetoes}"
        )
    if total > shown:
        lines.append(f"  ……另有 {total - shown} 家（--json 或导出查看完整名单）")
    return lines


def stats_text(stats: Statistics, shown: int) -> str:
    lines = [
        f"统计范围：{stats.filter.describe()}；当前版本评估 {stats.count} 份"
        + (f"（其中培训/样例 {stats.training} 份）" if stats.training else ""),
        f"平均总分：{stats.mean_total if stats.mean_total is not None else '—'}（{_n(stats.count)}）",
        "",
        "等级分布：",
        *(f"  {g.grade} 级：{g.count} 份（{_pct(g.percent)}）" for g in stats.grades.grades),
        "",
        "各维度得分率（平均 / 中位数 / 最低）：",
        *(
            f"  {d.dimension} {d.name}：{_pct(d.mean_percent)} / {_pct(d.median_percent)} / "
            f"{_pct(d.min_percent)}（{_n(d.count)}）"
            for d in stats.dimensions
        ),
        "",
        f"平均得分率最低的 {len(stats.weakest)} 项指标：",
        *(
            f"  {i.indicator} {i.short}：{_pct(i.mean_percent)}（{_n(i.count)}）"
            for i in stats.weakest
        ),
        "",
        "基础指标未达标（按次数）：",
        *(
            f"  {v.indicator} {v.short}：{v.fired} 份（{_pct(v.percent)}，{_n(v.count)}）"
            for v in stats.vetoes
            if v.fired
        ),
        "",
        *_entries(
            CANDIDATES_TITLE,
            f"{CANDIDATES_RULE}，周期 {stats.cycle}",
            stats.candidates,
            stats.candidates_count,
            shown,
        ),
        "  " + held_text("只列已确认且无待核实事项的评估", stats.candidates_held),
        "",
        *_open_flags(stats),
        "",
        *_entries(RED_LIST_TITLE, RED_LIST_RULE, stats.red_list, stats.red_list_count, shown),
        "",
        f"复评机构（同一统一社会信用代码多次评估）：{len(stats.reassessments)} 家",
        *(
            f"  {r.name}  {r.uscc}：{r.first_total}（{r.first_date}）→ {r.latest_total}"
            f"（{r.latest_date}），变化 {r.delta:+}，共 {r.assessments} 次"
            for r in stats.reassessments[:shown]
        ),
        "",
        "评估员尺度校准（与同区划同类机构其他评估员均值之差；正数偏宽，负数偏严）：",
        *(
            f"  {c.assessor_id} {c.name}：{c.mean_difference if c.mean_difference is not None else '—'} 分"
            f"（可比 {_n(c.count)}，共评 {c.assessments} 份）"
            for c in stats.calibration[:shown]
        ),
    ]
    if stats.filter.by is not None:
        lines += ["", f"按{GROUP_BY_LABELS[stats.filter.by]}分组："]
        for group in stats.groups:
            grades = "，".join(f"{g.grade} {g.count}" for g in group.grades.grades)
            lines.append(
                f"  {group.label}：平均总分 {group.mean_total}（{_n(group.count)}）；{grades}"
            )
    return "\n".join(lines)


def _open_flags(stats: Statistics) -> list[str]:
    """The 待核实 work still open (whole register), counted as assessments and centres."""
    flags = stats.open_flags
    if not flags.assessments:
        return ["待核实：无未处理的事项。"]
    return [
        f"待核实：{flags.assessments} 份评估（{flags.centres} 家机构）有未处理的事项"
        "（不计入「已确认」、不公示；用 register flags 查看并核实）",
        *(f"  {k.label}：{k.assessments} 份，{k.centres} 家机构" for k in flags.by_kind),
    ]
