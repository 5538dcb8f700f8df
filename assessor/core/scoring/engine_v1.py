"""Scoring engine 1, frozen: how results were computed before engine 2, kept so that files
signed then are verified by the rules they were made with. Never change this module; a scoring
change is a new engine.

Engine 1 rounded every item and dimension to two decimals in binary floating point, converted
items one by one and dimensions on pooled sums (N/A rule `rescale_dimension`), and graded the
rounded total.
"""

from __future__ import annotations

import math

from assessor.core.assessment.model import Assessment, IndicatorScore
from assessor.core.rubric.model import Indicator
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.exact import exact
from assessor.core.scoring.grade import apply_grade_rule
from assessor.core.scoring.result import (
    Completeness,
    DimensionResult,
    ItemResult,
    Result,
    VetoResult,
)

ENGINE = "1"
_EPSILON = 1e-9


def _round(x: float) -> float:
    return round(x + 0.0, 2)


def _rescaled(earned: float, applicable: float, maximum: float) -> float:
    return maximum if applicable <= 0 else earned / applicable * maximum


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
    # The band of the rounded float total: exact() reads it as the two-decimal value it shows.
    explanation = apply_grade_rule(
        rubric.rubric.grade_rule, exact(total), exact(rubric.rubric.total), vetoes, len(missing)
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
    elif entry.score is not None and entry.score >= ind.max - _EPSILON:
        status = "met"
    else:
        status = "unmet"
    return VetoResult(
        indicator=ind.id, short=ind.short, status=status, score=entry.score if entry else None
    )
