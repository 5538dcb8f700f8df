"""Engine 2 adds integer units (`units.py`); its results are exactly those of the Fraction code
it replaced, which is kept here, as it was, as the reference."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.core.assessment.model import Assessment, IndicatorScore
from assessor.core.document.new import new_assessment
from assessor.core.rubric.model import Dimension, Indicator, Item, NaRule
from assessor.core.rubric.registry import default_rubric
from assessor.core.rubric.validate import LoadedRubric, parse_rubric
from assessor.core.scoring.engine import _veto, compute_result
from assessor.core.scoring.exact import cut_float, exact
from assessor.core.scoring.grade import apply_grade_rule
from assessor.core.scoring.result import (
    Completeness,
    DimensionResult,
    ItemResult,
    Result,
    VetoResult,
)
from tests.core.scoring.test_exact import _ind, boundary_rubric
from tests.factories import rubric_data, small_rubric

# ---- the reference: engine 2's computation as it was before integer units (Fractions) ------


class _Part:
    def __init__(self) -> None:
        self.earned = Fraction(0)
        self.applicable = Fraction(0)

    def add(self, earned: Fraction, applicable: Fraction) -> None:
        self.earned += earned
        self.applicable += applicable

    def converted(self, maximum: Fraction) -> Fraction:
        return maximum if self.applicable == 0 else self.earned / self.applicable * maximum


def reference_result(rubric: LoadedRubric, assessment: Assessment) -> Result:
    entries = {s.indicator: s for s in assessment.scores}
    rule = rubric.rubric.na_rule
    dimensions: list[DimensionResult] = []
    vetoes: list[VetoResult] = []
    missing: list[str] = []
    whole = _Part()
    total = Fraction(0)
    for dim in rubric.rubric.dimensions:
        part, items, scored = _dimension(dim, entries, vetoes, missing)
        whole.add(part.earned, part.applicable)
        dim_score = _dimension_score(rule, part, dim)
        total += dim_score
        dimensions.append(
            DimensionResult(
                id=dim.id,
                name=dim.name,
                max=dim.max,
                earned=cut_float(part.earned),
                applicable_max=cut_float(part.applicable),
                score=cut_float(dim_score),
                scored=scored,
                indicators=sum(len(item.indicators) for item in dim.items),
                items=items,
            )
        )
    if rule.method == "rescale_total":
        total = whole.converted(exact(rubric.rubric.total))
    completeness = Completeness(
        scored=len(rubric.indicators) - len(missing), total=len(rubric.indicators), missing=missing
    )
    explanation = apply_grade_rule(
        rubric.rubric.grade_rule, total, exact(rubric.rubric.total), vetoes, len(missing)
    )
    return Result(
        total=cut_float(total),
        max=rubric.rubric.total,
        earned=cut_float(whole.earned),
        applicable_max=cut_float(whole.applicable),
        dimensions=dimensions,
        vetoes=vetoes,
        grade=explanation.grade,
        explanation=explanation,
        completeness=completeness,
    )


def _dimension_score(rule: NaRule, part: _Part, dim: Dimension) -> Fraction:
    if rule.method == "rescale_dimension":
        return part.converted(exact(dim.max))
    return part.earned


def _dimension(
    dim: Dimension,
    entries: dict[str, IndicatorScore],
    vetoes: list[VetoResult],
    missing: list[str],
) -> tuple[_Part, list[ItemResult], int]:
    part = _Part()
    items: list[ItemResult] = []
    scored = 0
    for item in dim.items:
        item_part = _Part()
        for ind in item.indicators:
            entry = entries.get(ind.id)
            if entry is None or not entry.is_scored:
                missing.append(ind.id)
            else:
                scored += 1
            item_part.add(*_points(ind, entry))
            if ind.basic is not None:
                vetoes.append(_veto(ind, entry))
        part.add(item_part.earned, item_part.applicable)
        items.append(_item_result(item, item_part))
    return part, items, scored


def _points(ind: Indicator, entry: IndicatorScore | None) -> tuple[Fraction, Fraction]:
    if entry is not None and entry.na:
        return Fraction(0), Fraction(0)
    earned = exact(entry.score) if entry is not None and entry.score is not None else Fraction(0)
    return earned, exact(ind.max)


def _item_result(item: Item, part: _Part) -> ItemResult:
    return ItemResult(
        id=item.id,
        name=item.name,
        max=item.max,
        earned=cut_float(part.earned),
        applicable_max=cut_float(part.applicable),
        score=cut_float(part.earned),
    )


# ---- rubrics and scorings ----------------------------------------------------------------


def _fine_rubric(method: str) -> LoadedRubric:
    """Points with three decimals and thirds-like values: a grid finer than hundredths."""
    dims = [
        {
            "id": "4",
            "name": "甲",
            "max": 10.125,
            "items": [
                {
                    "id": "4.1",
                    "name": "甲一",
                    "max": 10.125,
                    "indicators": [
                        _ind("4.1.1", 3.333, [3.333, 1.111, 0], na=True),
                        _ind("4.1.2", 6.792, [6.792, 0.125, 0], na=True),
                    ],
                }
            ],
        },
        {
            "id": "5",
            "name": "乙",
            "max": 89.875,
            "items": [
                {
                    "id": "5.1",
                    "name": "乙一",
                    "max": 89.875,
                    "indicators": [_ind("5.1.1", 89.875, [89.875, 44.9, 0.01, 0], na=True)],
                }
            ],
        },
    ]
    data = rubric_data(dims, total=100, basic_count=0, bands=(90, 75, 60))
    data["na_rule"] = {"method": method, "text": "测试用不适用规则"}
    return parse_rubric(json.dumps(data), f"fine-{method}")


RUBRICS: list[LoadedRubric] = [
    small_rubric(),
    default_rubric(),
    boundary_rubric("rescale_dimension"),
    boundary_rubric("rescale_total"),
    _fine_rubric("rescale_dimension"),
    _fine_rubric("rescale_total"),
]
# Off every grid: a score a file should not hold, still summed exactly by both.
_OFF_GRID = [0.001, 0.3, 2.675, 1e-7, 123.456789]


def _choices(rubric: LoadedRubric) -> st.SearchStrategy[dict[str, Any]]:
    per_indicator = {}
    for ind in rubric.indicators:
        options: list[Any] = [None, *(lv.points for lv in ind.levels)]
        if ind.na_allowed:
            options.append("na")
        per_indicator[ind.id] = st.sampled_from(options) | st.sampled_from(_OFF_GRID)
    return st.fixed_dictionaries(per_indicator)


@st.composite
def _scoring(draw: st.DrawFn) -> tuple[LoadedRubric, Assessment]:
    rubric = draw(st.sampled_from(RUBRICS))
    choices = draw(_choices(rubric))
    scores = [
        IndicatorScore(indicator=i, na=True) if c == "na" else IndicatorScore(indicator=i, score=c)
        for i, c in choices.items()
    ]
    return rubric, new_assessment(rubric).model_copy(update={"scores": scores})


@settings(max_examples=400, deadline=None)
@given(_scoring())
def test_integer_sums_equal_the_fraction_code(scoring: tuple[LoadedRubric, Assessment]) -> None:
    rubric, assessment = scoring
    assert compute_result(rubric, assessment) == reference_result(rubric, assessment)


@pytest.mark.parametrize("rubric", RUBRICS, ids=lambda r: r.source or "default")
def test_full_and_empty_scorings(rubric: LoadedRubric) -> None:
    for score in ("max", None, "na"):
        scores = [
            IndicatorScore(indicator=ind.id, na=True)
            if score == "na" and ind.na_allowed
            else IndicatorScore(indicator=ind.id, score=ind.max if score == "max" else None)
            for ind in rubric.indicators
        ]
        assessment = new_assessment(rubric).model_copy(update={"scores": scores})
        assert compute_result(rubric, assessment) == reference_result(rubric, assessment)
