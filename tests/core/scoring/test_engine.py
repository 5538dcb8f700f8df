"""Scoring behaviour an assessor relies on: totals, N/A, vetoes, grade and completeness."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.core.assessment.model import Assessment, IndicatorScore
from assessor.core.document.new import new_assessment
from assessor.core.rubric.registry import default_rubric
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.engine import compute_result, score_problems
from assessor.core.scoring.grade import band_for, ranked_bands
from tests.factories import small_rubric

SMALL = small_rubric()
REAL = default_rubric()
RUBRICS = [pytest.param(SMALL, id="small"), pytest.param(REAL, id="ws-t-821")]


def with_scores(rubric: LoadedRubric, choices: dict[str, float | str | None]) -> Assessment:
    """`choices` maps indicator id to points, "na" or None (unscored)."""
    assessment = new_assessment(rubric)
    scores = []
    for ind in rubric.indicators:
        choice = choices.get(ind.id)
        if choice == "na":
            scores.append(IndicatorScore(indicator=ind.id, na=True))
        else:
            scores.append(IndicatorScore(indicator=ind.id, score=choice))
    return assessment.model_copy(update={"scores": scores})


def all_full(rubric: LoadedRubric) -> dict[str, float | str | None]:
    return {ind.id: ind.max for ind in rubric.indicators}


def grade_rank(rubric: LoadedRubric, grade: str) -> int:
    return [b.grade for b in ranked_bands(rubric.rubric.grade_rule)].index(grade)


def random_choices(rubric: LoadedRubric):
    per_indicator = {}
    for ind in rubric.indicators:
        options: list[float | str | None] = [None, *(lv.points for lv in ind.levels)]
        if ind.na_allowed:
            options.append("na")
        per_indicator[ind.id] = st.sampled_from(options)
    return st.fixed_dictionaries(per_indicator)


@pytest.mark.parametrize("rubric", RUBRICS)
def test_full_marks_give_the_top_grade(rubric: LoadedRubric) -> None:
    result = compute_result(rubric, with_scores(rubric, all_full(rubric)))
    assert result.total == rubric.rubric.total
    assert result.grade == rubric.rubric.grade_rule.bands[0].grade
    assert result.completeness.complete
    assert all(v.status == "met" for v in result.vetoes)
    assert not result.explanation.predicted


@pytest.mark.parametrize("rubric", RUBRICS)
def test_one_unmet_basic_indicator_caps_the_grade(rubric: LoadedRubric) -> None:
    basic = rubric.basic_indicators[0]
    choices = all_full(rubric) | {basic.id: 0}
    result = compute_result(rubric, with_scores(rubric, choices))
    rule = rubric.rubric.grade_rule
    assert result.grade == rule.veto_grade
    assert result.explanation.capped_by_veto
    assert result.explanation.band_grade == band_for(rule, result.total).grade != rule.veto_grade
    assert any(basic.id in reason for reason in result.explanation.reasons)


def test_not_applicable_rescales_its_dimension() -> None:
    choices = all_full(SMALL) | {"5.1.1": "na"}
    result = compute_result(SMALL, with_scores(SMALL, choices))
    health = result.dimensions[1]
    assert (health.earned, health.applicable_max, health.score) == (40, 40, 60)
    assert result.total == 100

    choices["5.1.2"] = 5
    health = compute_result(SMALL, with_scores(SMALL, choices)).dimensions[1]
    assert health.score == pytest.approx(35 / 40 * 60)


def test_unscored_indicators_are_listed_in_rubric_order_and_count_as_zero() -> None:
    choices = all_full(SMALL) | {"5.2.1": None, "4.1.2": None}
    result = compute_result(SMALL, with_scores(SMALL, choices))
    assert result.completeness.missing == ["4.1.2", "5.2.1"]
    assert result.total == 60
    assert result.explanation.predicted
    assert any("2 项指标未评分" in r for r in result.explanation.reasons)
    assert next(v for v in result.vetoes if v.indicator == "5.2.1").status == "unscored"


def test_explanation_says_how_far_the_next_grade_is() -> None:
    choices = all_full(SMALL) | {"4.1.2": 5, "4.1.3": 5, "5.1.1": 10}
    result = compute_result(SMALL, with_scores(SMALL, choices))
    assert result.total == 80
    assert result.grade == "B"
    assert result.explanation.next_grade == "A"
    assert result.explanation.points_to_next == 10


@pytest.mark.parametrize("rubric", RUBRICS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_totals_never_exceed_maxima(rubric: LoadedRubric, data: st.DataObject) -> None:
    result = compute_result(rubric, with_scores(rubric, data.draw(random_choices(rubric))))
    assert 0 <= result.total <= result.max
    for dim in result.dimensions:
        assert 0 <= dim.score <= dim.max
        for item in dim.items:
            assert 0 <= item.score <= item.max
    assert result.completeness.scored + len(result.completeness.missing) == len(rubric.indicators)


@pytest.mark.parametrize("rubric", RUBRICS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_raising_any_one_score_never_lowers_total_or_grade(
    rubric: LoadedRubric, data: st.DataObject
) -> None:
    choices = data.draw(random_choices(rubric))
    ind = data.draw(st.sampled_from(rubric.indicators))
    before = choices.get(ind.id)
    base = before if isinstance(before, float | int) else 0
    higher = [lv.points for lv in ind.levels if lv.points > base]
    if before == "na" or not higher:
        return
    raised = choices | {ind.id: data.draw(st.sampled_from(higher))}
    old = compute_result(rubric, with_scores(rubric, choices))
    new = compute_result(rubric, with_scores(rubric, raised))
    assert new.total >= old.total
    assert grade_rank(rubric, new.grade) <= grade_rank(rubric, old.grade)


@pytest.mark.parametrize("rubric", RUBRICS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_unmet_basic_indicator_applies_the_cap(
    rubric: LoadedRubric, data: st.DataObject
) -> None:
    choices = data.draw(random_choices(rubric))
    basic = data.draw(st.sampled_from(rubric.basic_indicators))
    below = [lv.points for lv in basic.levels if lv.points < basic.veto_threshold()]
    choices[basic.id] = data.draw(st.sampled_from(below))
    result = compute_result(rubric, with_scores(rubric, choices))
    veto_rank = grade_rank(rubric, rubric.rubric.grade_rule.veto_grade)
    assert grade_rank(rubric, result.grade) >= veto_rank
    assert next(v for v in result.vetoes if v.indicator == basic.id).status == "unmet"


def test_score_problems_name_each_bad_entry() -> None:
    assessment = with_scores(SMALL, {"4.1.1": 7, "4.1.2": "na"})
    scores = [*assessment.scores[:-1], IndicatorScore(indicator="9.9.9", score=1)]
    problems = score_problems(SMALL, assessment.model_copy(update={"scores": scores}), "f.json")
    messages = [p.message for p in problems]
    assert any("4.1.1 的得分 7 不是允许的分值" in m for m in messages)
    assert any("4.1.2 不允许标记为不适用" in m for m in messages)
    assert any("没有指标 9.9.9" in m for m in messages)
    assert any("缺少指标 5.2.1" in m for m in messages)
    assert all(p.where == "f.json" for p in problems)


def test_score_problems_report_a_different_rubric() -> None:
    assessment = with_scores(SMALL, all_full(SMALL))
    other = assessment.model_copy(
        update={"rubric": assessment.rubric.model_copy(update={"sha256": "0" * 64})}
    )
    assert [p.path for p in score_problems(SMALL, other)] == ["rubric.sha256"]
    assert score_problems(SMALL, assessment) == []
