"""Totals, vetoes and grade, always derived from the indicator scores of an assessment."""

from __future__ import annotations

import math

from assessor.core.assessment.model import Assessment, IndicatorScore
from assessor.core.problems import Problem
from assessor.core.rubric.model import Indicator
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.grade import apply_grade_rule
from assessor.core.scoring.result import (
    Completeness,
    DimensionResult,
    ItemResult,
    Result,
    VetoResult,
)

_EPSILON = 1e-9


def _round(x: float) -> float:
    return round(x + 0.0, 2)


def _rescaled(earned: float, applicable: float, maximum: float) -> float:
    # A part whose indicators are all not applicable has nothing to lose.
    return maximum if applicable <= 0 else earned / applicable * maximum


def score_problems(rubric: LoadedRubric, assessment: Assessment, where: str = "") -> list[Problem]:
    """Scores that the rubric does not allow, unknown or missing indicators, wrong rubric."""
    problems: list[Problem] = []
    ref = assessment.rubric
    if ref.sha256 != rubric.sha256:
        problems.append(
            Problem(
                where,
                "rubric.sha256",
                f"评估所用评估标准（{ref.code} {ref.version}，哈希 {ref.sha256[:12]}…）"
                f"与当前加载的评估标准（哈希 {rubric.sha256[:12]}…）不一致",
            )
        )
    seen: set[str] = set()
    for n, entry in enumerate(assessment.scores):
        path = f"scores[{n}]"
        ind = rubric.by_id.get(entry.indicator)
        if ind is None:
            problems.append(Problem(where, path, f"评估标准中没有指标 {entry.indicator}"))
            continue
        if entry.indicator in seen:
            problems.append(Problem(where, path, f"指标 {entry.indicator} 重复出现"))
        seen.add(entry.indicator)
        problem = level_problem(ind, entry)
        if problem:
            problems.append(Problem(where, path, problem))
    for ind_id in rubric.by_id.keys() - seen:
        problems.append(Problem(where, "scores", f"缺少指标 {ind_id} 的记录"))
    return problems


def level_problem(ind: Indicator, entry: IndicatorScore) -> str | None:
    if entry.na and not ind.na_allowed:
        return f"指标 {ind.id} 不允许标记为不适用"
    if entry.score is not None and not any(
        math.isclose(entry.score, lv.points, abs_tol=_EPSILON) for lv in ind.levels
    ):
        allowed = "、".join(f"{lv.points:g}" for lv in ind.levels)
        return f"指标 {ind.id} 的得分 {entry.score:g} 不是允许的分值（{allowed}）"
    return None


def compute_result(rubric: LoadedRubric, assessment: Assessment) -> Result:
    entries = {s.indicator: s for s in assessment.scores}
    dimensions: list[DimensionResult] = []
    vetoes: list[VetoResult] = []
    missing: list[str] = []
    for dim in rubric.rubric.dimensions:
        items: list[ItemResult] = []
        scored = count = 0
        for item in dim.items:
            earned = applicable = 0.0
            for ind in item.indicators:
                entry = entries.get(ind.id)
                count += 1
                if entry is None or not entry.is_scored:
                    missing.append(ind.id)
                else:
                    scored += 1
                if entry is None or not entry.na:
                    applicable += ind.max
                    earned += entry.score if entry and entry.score is not None else 0.0
                if ind.basic is not None:
                    vetoes.append(_veto(ind, entry))
            items.append(
                ItemResult(
                    id=item.id,
                    name=item.name,
                    max=item.max,
                    earned=_round(earned),
                    applicable_max=_round(applicable),
                    score=_round(_rescaled(earned, applicable, item.max)),
                )
            )
        d_earned = math.fsum(i.earned for i in items)
        d_applicable = math.fsum(i.applicable_max for i in items)
        dimensions.append(
            DimensionResult(
                id=dim.id,
                name=dim.name,
                max=dim.max,
                earned=_round(d_earned),
                applicable_max=_round(d_applicable),
                score=_round(_rescaled(d_earned, d_applicable, dim.max)),
                scored=scored,
                indicators=count,
                items=items,
            )
        )
    total = _round(math.fsum(d.score for d in dimensions))
    completeness = Completeness(
        scored=sum(d.scored for d in dimensions), total=len(rubric.indicators), missing=missing
    )
    explanation = apply_grade_rule(
        rubric.rubric.grade_rule, total, rubric.rubric.total, vetoes, len(missing)
    )
    return Result(
        total=total,
        max=rubric.rubric.total,
        dimensions=dimensions,
        vetoes=vetoes,
        grade=explanation.grade,
        explanation=explanation,
        completeness=completeness,
    )


def _veto(ind: Indicator, entry: IndicatorScore | None) -> VetoResult:
    if entry is None or not entry.is_scored:
        status = "unscored"
    elif entry.na:
        status = "na"
    elif entry.score is not None and entry.score >= ind.veto_threshold() - _EPSILON:
        status = "met"
    else:
        status = "unmet"
    return VetoResult(
        indicator=ind.id, short=ind.short, status=status, score=entry.score if entry else None
    )
