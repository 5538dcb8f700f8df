"""A trainee's scoring against a sample reference, with every figure computed by hand."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import pytest

from assessor.core.problems import UserError
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.training.comparison import compare
from assessor.core.training.figures import BASIC_MEANING, comparison_figures, disagreements
from assessor.core.training.rule import ReliabilityRule
from tests.training_samples import SMALL_REFERENCE, scoring, small_sample

# Severe on 4.1.1 (3 for 6) and on the basic 5.1.1 (2.5 for 5: unmet where the reference met).
SEVERE = {"4.1.1": 3, "4.1.2": 2.5, "4.2.1": 5, "5.1.1": 2.5, "5.1.2": None}


def test_figures_by_hand(small_rubric: LoadedRubric) -> None:
    c = compare(
        small_rubric, small_sample(small_rubric), scoring(small_rubric, SEVERE), ReliabilityRule()
    )
    assert c.exact == Fraction(3, 5)
    assert c.within_one == 1  # both misses are one level off
    # Non-N/A ranks (ref, own): (2,1), (1,1), (2,2), (2,1); observed |i-j| = 2;
    # expected = (3·3·1 + 1·1·1) / 4 = 10/4; kappa = 1 - 2 / (10/4) = 1/5.
    assert c.kappa == Fraction(1, 5)
    # One basic pair (met, unmet): pa = 0, pe = 1/2, AC1 = -1.
    assert c.basic_ac1 == -1
    assert [b.indicator.id for b in c.basic_disagreements] == ["5.1.1"]
    # Reference 13.5 + 10 = 23.5 (A); trainee 10.5 + 2.5/5·10 = 15.5, capped to D by the veto.
    assert (c.reference_result.grade, c.trainee_result.grade) == ("A", "D")
    assert c.total_difference == Decimal("-8")
    assert [(b.id, b.bias) for b in c.biases] == [("4", Decimal("-3")), ("5", Decimal("-5"))]
    assert not c.passed
    assert [d.indicator.id for d in c.largest_disagreements()] == ["4.1.1", "5.1.1"]


def test_the_same_scoring_passes(small_rubric: LoadedRubric) -> None:
    c = compare(
        small_rubric,
        small_sample(small_rubric),
        scoring(small_rubric, SMALL_REFERENCE),
        ReliabilityRule(),
    )
    assert c.exact == 1 and c.passed
    assert all(b.bias == 0 for b in c.biases)


def test_na_against_a_level_disagrees_and_weighs_the_whole_indicator(
    small_rubric: LoadedRubric,
) -> None:
    own = {**SMALL_REFERENCE, "5.1.2": 5.0, "4.1.2": 4.0}
    c = compare(
        small_rubric, small_sample(small_rubric), scoring(small_rubric, own), ReliabilityRule()
    )
    assert c.exact == Fraction(3, 5) and c.within_one == Fraction(4, 5)
    # 5.1.2 is N/A on one side: excluded from kappa, largest disagreement (its whole 5 points).
    assert [d.indicator.id for d in c.largest_disagreements()] == ["5.1.2", "4.1.2"]


def test_kappa_undefined_is_reported_in_words(small_rubric: LoadedRubric) -> None:
    everything_full = {"4.1.1": 6, "4.1.2": 4, "4.2.1": 5, "5.1.1": 5, "5.1.2": 5}
    sample = small_sample(small_rubric, reference=everything_full)
    c = compare(small_rubric, sample, scoring(small_rubric, everything_full), ReliabilityRule())
    assert c.kappa is None
    figures = {f.key: f.value for f in comparison_figures(c)}
    assert figures["kappa"].startswith("无法计算")
    assert figures["exact"].startswith("100.0%")


def test_the_rule_is_data(small_rubric: LoadedRubric) -> None:
    # 4/5 = 80% exact; total 25, still A; basics agree.
    own = {**SMALL_REFERENCE, "4.1.2": 4}
    sample = small_sample(small_rubric)
    assert compare(small_rubric, sample, scoring(small_rubric, own), ReliabilityRule()).passed
    strict = ReliabilityRule(min_exact_agreement=Decimal("0.85"))
    c = compare(small_rubric, sample, scoring(small_rubric, own), strict)
    assert not c.passed
    assert {f.key: f.value for f in comparison_figures(c)}["rule"] == "未通过：完全一致低于 85%"


def test_figures_name_the_reference_for_the_trainer(
    small_rubric: LoadedRubric,
) -> None:
    practice = compare(
        small_rubric, small_sample(small_rubric), scoring(small_rubric, SEVERE), ReliabilityRule()
    )
    rows = {f.key: f.value for f in comparison_figures(practice)}
    assert rows["grade"] == "你的评分 D，参考 A"
    assert rows["total"] == "你的评分 15.5，参考 23.5（-8）"
    assert rows["bias.4"] == "-3 分（偏严）"
    assert rows["basic_disagreements"] == "5.1.1 指标5.1.1：你的评分 未达标，参考 达标"
    worst = disagreements(practice)
    assert (worst[0].indicator, worst[0].trainee, worst[0].reference) == (
        "4.1.1",
        "部分符合（3 分）",
        "符合（6 分）",
    )
    assert worst[0].rationale == "理由 4.1.1：依据档案。"

    # A test sample's comparison is the trainer's: it names the reference as fully; trainees
    # only ever get `trainee_view` (tests/core/training/test_sealed.py).
    test = compare(
        small_rubric,
        small_sample(small_rubric, "test"),
        scoring(small_rubric, SEVERE),
        ReliabilityRule(),
    )
    text = "\n".join(f"{f.label} {f.value}" for f in comparison_figures(test))
    assert "参考 A" in text and "23.5" in text
    assert disagreements(test)[0].rationale == "理由 4.1.1：依据档案。"


def test_incomplete_or_foreign_scorings_are_refused_in_chinese(
    small_rubric: LoadedRubric, make_rubric_data
) -> None:
    sample = small_sample(small_rubric)
    unscored = scoring(small_rubric, SMALL_REFERENCE)
    unscored.scores[0].na = False
    unscored.scores[0].score = None
    with pytest.raises(UserError, match=re.escape("尚有 1 项指标未评分（4.1.1）")):
        compare(small_rubric, sample, unscored, ReliabilityRule())
    wrong_level = scoring(small_rubric, {**SMALL_REFERENCE, "4.1.1": 4})
    with pytest.raises(UserError, match="不是允许的分值"):
        compare(small_rubric, sample, wrong_level, ReliabilityRule())


def test_a_basic_indicator_at_its_veto_line_is_met_in_the_comparison_as_in_the_grade(
    real_rubric_path,
) -> None:
    """5.1.3 scored 5 of 10 with its veto line at 5: `assessor score` calls it met, and so
    does the comparison (it used to say unmet because 5 is below full marks)."""
    from assessor.core.rubric.registry import load_rubric_cached
    from assessor.core.scoring.engine import compute_result
    from assessor.core.training.reference import reference_assessment
    from assessor.core.training.sample import bundled_sample_paths, load_sample

    rubric = load_rubric_cached(real_rubric_path)
    sample = next(s for s in map(load_sample, bundled_sample_paths()) if s.mode == "practice")
    own = reference_assessment(sample)
    own.scores = [
        s.model_copy(update={"score": 5.0}) if s.indicator == "5.1.3" else s for s in own.scores
    ]
    graded = {v.indicator: v.status for v in compute_result(rubric, own).vetoes}
    assert graded["5.1.3"] == "met"
    c = compare(rubric, sample, own, ReliabilityRule())
    assert "5.1.3" not in [d.indicator.id for d in c.basic_disagreements]
    rows = {f.key: (f.label, f.value) for f in comparison_figures(c)}
    assert BASIC_MEANING in rows["basic_disagreements"][0]
    assert "5.1.3" not in rows["basic_disagreements"][1]
    # Below the line (0 of 10) it is unmet in both, and the comparison names it.
    own.scores = [
        s.model_copy(update={"score": 0.0}) if s.indicator == "5.1.3" else s for s in own.scores
    ]
    assert {v.indicator: v.status for v in compute_result(rubric, own).vetoes}["5.1.3"] == "unmet"
    c = compare(rubric, sample, own, ReliabilityRule())
    assert [d.indicator.id for d in c.basic_disagreements] == ["5.1.3"]
