"""The grade rule applied to an exact total and the veto results, with the reasons in Chinese.

The band is decided on the exact total; the reasons show it cut to two decimals (`exact.cut`),
which never crosses a cut-off the exact total did not reach.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from assessor.core.rubric.model import GradeBand, GradeRule
from assessor.core.scoring.exact import cut, exact, needed
from assessor.core.scoring.result import GradeExplanation, VetoResult


def _fmt(x: float | Decimal) -> str:
    return f"{x:g}" if isinstance(x, float) else f"{x.normalize():f}"


def ranked_bands(rule: GradeRule) -> list[GradeBand]:
    """Best grade first, the fallback last."""
    return [*rule.bands, rule.fallback]


def band_for(rule: GradeRule, total: Fraction) -> GradeBand:
    for band in rule.bands:
        if total >= exact(band.min_total):
            return band
    return rule.fallback


def apply_grade_rule(
    rule: GradeRule, total: Fraction, max_total: Fraction, vetoes: list[VetoResult], missing: int
) -> GradeExplanation:
    bands = ranked_bands(rule)
    rank = {b.grade: n for n, b in enumerate(bands)}
    by_points = band_for(rule, total)
    fired = [v for v in vetoes if v.status == "unmet"]
    final = by_points
    if fired and rank[rule.veto_grade] > rank[by_points.grade]:
        final = bands[rank[rule.veto_grade]]

    shown, maximum = _fmt(cut(total)), _fmt(cut(max_total))
    if by_points is rule.fallback:
        reasons = [
            f"总分 {shown} 分（满分 {maximum}），低于所有分档，等级为 {by_points.grade}（{by_points.label}）"
        ]
    else:
        reasons = [
            f"总分 {shown} 分（满分 {maximum}），达到 {by_points.grade}"
            f"（{by_points.label}）分档（≥{_fmt(by_points.min_total)} 分）"
        ]
    next_grade: str | None = None
    points_to_next: float | None = None
    better = [b for b in rule.bands if exact(b.min_total) > total]
    if better:
        target = better[-1]
        gap = needed(exact(target.min_total) - total)
        next_grade, points_to_next = target.grade, float(gap)
        reasons.append(f"距 {target.grade}（{target.label}）还差 {_fmt(gap)} 分")
    for veto in fired:
        reasons.append(f"基础指标 {veto.indicator}（{veto.short}）未达标")
    for veto in vetoes:
        if veto.status == "na":
            reasons.append(f"基础指标 {veto.indicator}（{veto.short}）不适用，不参与否决")
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
