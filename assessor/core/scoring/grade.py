"""The grade rule applied to a total and the veto results, with the reasons in Chinese."""

from __future__ import annotations

from assessor.core.rubric.model import GradeBand, GradeRule
from assessor.core.scoring.result import GradeExplanation, VetoResult


def _fmt(x: float) -> str:
    return f"{x:g}"


def ranked_bands(rule: GradeRule) -> list[GradeBand]:
    """Best grade first, the fallback last."""
    return [*rule.bands, rule.fallback]


def band_for(rule: GradeRule, total: float) -> GradeBand:
    for band in rule.bands:
        if total >= band.min_total:
            return band
    return rule.fallback


def apply_grade_rule(
    rule: GradeRule, total: float, max_total: float, vetoes: list[VetoResult], missing: int
) -> GradeExplanation:
    bands = ranked_bands(rule)
    rank = {b.grade: n for n, b in enumerate(bands)}
    by_points = band_for(rule, total)
    fired = [v for v in vetoes if v.status == "unmet"]
    final = by_points
    if fired and rank[rule.veto_grade] > rank[by_points.grade]:
        final = bands[rank[rule.veto_grade]]

    if by_points is rule.fallback:
        reasons = [
            f"总分 {_fmt(total)} 分（满分 {_fmt(max_total)}），低于所有分档，等级为 {by_points.grade}（{by_points.label}）"
        ]
    else:
        reasons = [
            f"总分 {_fmt(total)} 分（满分 {_fmt(max_total)}），达到 {by_points.grade}"
            f"（{by_points.label}）分档（≥{_fmt(by_points.min_total)} 分）"
        ]
    next_grade: str | None = None
    points_to_next: float | None = None
    better = [b for b in rule.bands if b.min_total > total]
    if better:
        target = better[-1]
        next_grade, points_to_next = target.grade, round(target.min_total - total, 2)
        reasons.append(f"距 {target.grade}（{target.label}）还差 {_fmt(points_to_next)} 分")
    for veto in fired:
        reasons.append(f"基础指标 {veto.indicator}（{veto.short}）未达标")
    if final is not by_points:
        reasons.append(
            f"按等级规则，基础指标未达标时等级最高为 {rule.veto_grade}，故定为 {final.grade}"
        )
    elif fired:
        reasons.append(f"基础指标未达标，等级最高为 {rule.veto_grade}")
    if missing:
        reasons.append(f"尚有 {missing} 项指标未评分，当前等级为预测，未评分项按 0 分计")
    if not rule.verified:
        reasons.append(rule.notice)
    return GradeExplanation(
        grade=final.grade,
        label=final.label,
        band_grade=by_points.grade,
        capped_by_veto=final is not by_points,
        provisional_rule=not rule.verified,
        predicted=missing > 0,
        next_grade=next_grade,
        points_to_next=points_to_next,
        reasons=reasons,
    )
