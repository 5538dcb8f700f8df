"""The statistics against an independent implementation, a published example and hand sums."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from assessor.core.training.agreement import (
    NA,
    exact_agreement,
    gwet_ac1,
    linear_weighted_kappa,
    within_one_agreement,
)


def test_exact_and_within_one_count_na_only_against_na() -> None:
    pairs = [(2, 2), (1, 2), (0, 2), (NA, NA), (NA, 0), (1, 1)]
    # Same: (2,2), (NA,NA), (1,1); within one adds (1,2).
    assert exact_agreement(pairs) == Fraction(3, 6)
    assert within_one_agreement(pairs) == Fraction(4, 6)


def test_no_pairs_is_undefined_not_an_error() -> None:
    assert exact_agreement([]) is None
    assert within_one_agreement([]) is None
    assert linear_weighted_kappa([], 3) is None
    assert gwet_ac1([], ("met", "unmet")) is None


@pytest.mark.parametrize("seed", range(40))
def test_linear_kappa_matches_scikit_learn(seed: int) -> None:
    rng = random.Random(seed)
    categories = rng.choice([2, 3, 4])
    n = rng.randint(5, 140)
    reference = [rng.randrange(categories) for _ in range(n)]
    # Mostly agreeing raters, as trainees are, with some noise.
    trainee = [r if rng.random() < 0.7 else rng.randrange(categories) for r in reference]
    ours = linear_weighted_kappa(list(zip(reference, trainee, strict=True)), categories)
    if len(set(reference)) == len(set(trainee)) == 1 and reference[0] == trainee[0]:
        assert ours is None
        return
    theirs = cohen_kappa_score(reference, trainee, labels=list(range(categories)), weights="linear")
    assert ours is not None
    assert float(ours) == pytest.approx(theirs, abs=1e-12)


def test_linear_kappa_by_hand() -> None:
    # Ranks 0..2; reference (2,2,1,0), trainee (2,1,1,1).
    # Observed |i-j| sum = 0+1+0+1 = 2.
    # Reference marginals {2:2, 1:1, 0:1}, trainee {2:1, 1:3}.
    # Expected Σ|i-j| r_i o_j / n = (2·1·0 + 2·3·1 + 1·1·1 + 1·3·0 + 1·1·2 + 1·3·1) / 4 = 12/4 = 3.
    # kappa = 1 - 2/3 = 1/3.
    assert linear_weighted_kappa([(2, 2), (2, 1), (1, 1), (0, 1)], 3) == Fraction(1, 3)


def test_kappa_is_undefined_when_everything_sits_at_one_level() -> None:
    assert linear_weighted_kappa([(2, 2)] * 30, 3) is None


def test_kappa_of_perfect_agreement_over_several_levels_is_one() -> None:
    assert linear_weighted_kappa([(0, 0), (1, 1), (2, 2), (2, 2)], 3) == 1


def test_kappa_rejects_ranks_outside_the_categories() -> None:
    with pytest.raises(ValueError):
        linear_weighted_kappa([(0, 3)], 3)


def test_ac1_published_three_category_example() -> None:
    # Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed.: two abstractors classify 100
    # pregnancies as Ectopic / AIU / NIU (dataset `cont3x3abstractors` of Gwet's irrCAC);
    # the published AC1 is 0.84933.
    table = {
        ("E", "E"): 13, ("E", "A"): 0, ("E", "N"): 0,
        ("A", "E"): 0, ("A", "A"): 20, ("A", "N"): 7,
        ("N", "E"): 0, ("N", "A"): 4, ("N", "N"): 56,
    }  # fmt: skip
    pairs = [cell for cell, count in table.items() for _ in range(count)]
    ac1 = gwet_ac1(pairs, ("E", "A", "N"))
    # By hand: pa = (13 + 20 + 56) / 100 = 0.89; rows 13/27/60 and columns 13/24/63 give
    # π = 26/200, 51/200, 123/200 = 0.13, 0.255, 0.615;
    # pe = (0.13·0.87 + 0.255·0.745 + 0.615·0.385) / 2 = 0.269925;
    # AC1 = (0.89 - 0.269925) / (1 - 0.269925) = 0.620075 / 0.730075.
    assert ac1 == Fraction(620075, 730075)
    assert round(float(ac1), 5) == 0.84933


def test_ac1_two_categories_by_hand_where_kappa_collapses() -> None:
    # 16 basic indicators: both say met on 15, the trainee says met where the reference says
    # unmet on one. pa = 15/16. π_met = (15 + 16) / 32 = 31/32, π_unmet = 1/32.
    # pe = 2 · 31/32 · 1/32 = 62/1024. AC1 = (15/16 - 62/1024) / (1 - 62/1024) = 898/962.
    pairs = [("met", "met")] * 15 + [("unmet", "met")]
    assert gwet_ac1(pairs, ("met", "unmet")) == Fraction(898, 962)
    # Cohen's kappa on the same data is 0 (the trainee never says unmet): the paradox AC1 avoids.
    kappa = cohen_kappa_score([r for r, _ in pairs], [t for _, t in pairs])
    assert kappa == pytest.approx(0.0)


def test_ac1_all_met_on_both_sides_is_one() -> None:
    assert gwet_ac1([("met", "met")] * 16, ("met", "unmet")) == 1


ranks = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=60)


@given(ranks)
def test_kappa_is_symmetric_bounded_and_one_for_identical_varied_ratings(pairs) -> None:
    kappa = linear_weighted_kappa(pairs, 3)
    swapped = linear_weighted_kappa([(b, a) for a, b in pairs], 3)
    assert kappa == swapped
    if kappa is not None:
        assert -1 <= kappa <= 1
    same = [(a, a) for a, _ in pairs]
    assert linear_weighted_kappa(same, 3) == (1 if len({a for a, _ in pairs}) > 1 else None)


@given(
    st.lists(
        st.tuples(st.sampled_from(["met", "unmet"]), st.sampled_from(["met", "unmet"])),
        min_size=1,
        max_size=40,
    )
)
def test_ac1_is_symmetric_and_at_most_one(pairs) -> None:
    ac1 = gwet_ac1(pairs, ("met", "unmet"))
    assert ac1 is not None and ac1 <= 1
    assert ac1 == gwet_ac1([(b, a) for a, b in pairs], ("met", "unmet"))
    assert (ac1 == 1) == all(a == b for a, b in pairs)
