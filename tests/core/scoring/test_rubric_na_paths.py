"""Every N/A path and veto line of the corrected rubric, scored through the engine."""

from __future__ import annotations

import pytest

from assessor.core.assessment.model import Assessment, IndicatorScore
from assessor.core.document.new import new_assessment
from assessor.core.rubric.registry import default_rubric
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.engine import compute_result, score_problems

RUBRIC = default_rubric()
NA_PATHS = [ind.id for ind in RUBRIC.indicators if ind.na_allowed]


def scored(rubric: LoadedRubric, changes: dict[str, float | str]) -> Assessment:
    """Every indicator at full points except `changes` (points, or "na")."""
    scores = []
    for ind in rubric.indicators:
        choice = changes.get(ind.id, ind.max)
        if choice == "na":
            scores.append(IndicatorScore(indicator=ind.id, na=True))
        else:
            scores.append(IndicatorScore(indicator=ind.id, score=choice))
    return new_assessment(rubric).model_copy(update={"scores": scores})


def test_the_n_a_paths_are_the_reviewed_ones() -> None:
    meals = ["4.1.5", "4.3.3", "5.1.8", "7.3.1", "7.3.2", "7.3.3", "7.3.4", "7.3.5", "10.4.2"]
    no_meal_in_hourly_care = ["6.2.1", "6.2.3", "6.2.5"]
    others = ["4.2.6", "4.3.4", "6.2.2", "6.5.1", "9.2.5"]
    assert sorted(NA_PATHS) == sorted(meals + no_meal_in_hourly_care + others)


@pytest.mark.parametrize("ident", NA_PATHS)
def test_each_n_a_path_leaves_its_points_out_of_what_is_applicable(ident: str) -> None:
    ind = RUBRIC.by_id[ident]
    assessment = scored(RUBRIC, {ident: "na"})
    assert score_problems(RUBRIC, assessment) == []
    result = compute_result(RUBRIC, assessment)
    item = next(i for d in result.dimensions for i in d.items if i.id == RUBRIC.item_of(ident).id)
    assert item.applicable_max == pytest.approx(RUBRIC.item_of(ident).max - ind.max)
    assert item.earned == pytest.approx(item.applicable_max)
    assert result.grade == "A"  # everything applicable at full points


def test_a_basic_indicator_marked_n_a_takes_no_part_in_the_veto() -> None:
    result = compute_result(RUBRIC, scored(RUBRIC, {"4.1.5": "na"}))
    veto = next(v for v in result.vetoes if v.indicator == "4.1.5")
    assert veto.status == "na"
    assert not result.explanation.capped_by_veto


@pytest.mark.parametrize("ident", ["9.7.1", "9.3.2", "5.1.3"])
def test_n_a_is_refused_where_the_rubric_gives_no_path(ident: str) -> None:
    problems = score_problems(RUBRIC, scored(RUBRIC, {ident: "na"}))
    assert [p.message for p in problems] == [f"指标 {ident} 不允许标记为不适用"]


@pytest.mark.parametrize(
    ("ident", "costly", "vetoing"),
    [
        ("5.1.3", 5, 0),
        ("5.3.4", 5, 0),
        ("9.3.3", 4, 0),
        ("9.5.2", 4, 0),
        ("7.2.3", 4, 0),
        ("4.1.4", 3, 0),
    ],
)
def test_partial_failure_costs_points_and_full_failure_vetoes(
    ident: str, costly: float, vetoing: float
) -> None:
    partial = compute_result(RUBRIC, scored(RUBRIC, {ident: costly}))
    assert next(v for v in partial.vetoes if v.indicator == ident).status == "met"
    assert partial.grade == "A"
    failed = compute_result(RUBRIC, scored(RUBRIC, {ident: vetoing}))
    assert next(v for v in failed.vetoes if v.indicator == ident).status == "unmet"
    assert failed.grade == "D" and failed.explanation.capped_by_veto


def test_insurance_and_the_monthly_fire_check_no_longer_veto() -> None:
    result = compute_result(RUBRIC, scored(RUBRIC, {"9.7.1": 0, "9.3.2": 0}))
    assert {v.indicator for v in result.vetoes}.isdisjoint({"9.7.1", "9.3.2"})
    assert result.grade == "A"  # 980 of 1000 points
