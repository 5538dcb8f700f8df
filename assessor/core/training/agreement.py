"""Agreement statistics between a trainee's ratings and a reference scoring, in exact arithmetic.

Every function takes the ratings of the two raters as pairs `(reference, trainee)`, one pair
per indicator, and returns a `Fraction`, or `None` when the statistic is undefined for the
data (no pairs, or a chance-agreement term of 1). Undefined is a value the caller reports as
such, never NaN.

Ratings are ordinal ranks: within an indicator the levels are ordered by their points, the
lowest (0 points) being rank 0; not applicable is `NA`. The definitions are in the README
(section "Training statistics").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from fractions import Fraction
from typing import Final

NA: Final = "na"

Rank = int | str  # an ordinal rank, or NA
Pair = tuple[Rank, Rank]


def exact_agreement(pairs: Sequence[Pair]) -> Fraction | None:
    """Share of pairs with the same rank; both N/A agrees, N/A against a level does not."""
    if not pairs:
        return None
    return Fraction(sum(1 for ref, own in pairs if ref == own), len(pairs))


def within_one_agreement(pairs: Sequence[Pair]) -> Fraction | None:
    """Share of pairs at most one rank apart; N/A agrees only with N/A."""
    if not pairs:
        return None
    return Fraction(sum(1 for ref, own in pairs if _within_one(ref, own)), len(pairs))


def _within_one(ref: Rank, own: Rank) -> bool:
    if ref == NA or own == NA:
        return ref == own
    return abs(int(ref) - int(own)) <= 1


def linear_weighted_kappa(pairs: Sequence[tuple[int, int]], categories: int) -> Fraction | None:
    """Cohen's kappa with linear weights over ranks `0 … categories-1` (Cohen 1968).

    kappa_w = 1 - Σ |i-j|·O_ij / Σ |i-j|·E_ij, with O the observed and E the expected
    (product of the two raters' marginals) proportions. Undefined when the expected
    disagreement is zero: both raters used a single, identical rank throughout.
    """
    if not pairs:
        return None
    if any(not 0 <= rank < categories for pair in pairs for rank in pair):
        raise ValueError("rank outside the categories")
    n = len(pairs)
    observed = sum(abs(ref - own) for ref, own in pairs)
    ref_counts = Counter(ref for ref, _ in pairs)
    own_counts = Counter(own for _, own in pairs)
    # Expected disagreement, scaled by n: Σ_ij |i-j|·r_i·o_j / n.
    expected = Fraction(
        sum(abs(i - j) * ref_counts[i] * own_counts[j] for i in ref_counts for j in own_counts),
        n,
    )
    if expected == 0:
        return None
    return 1 - observed / expected


def gwet_ac1(
    pairs: Sequence[tuple[Hashable, Hashable]], categories: Sequence[Hashable]
) -> Fraction | None:
    """Gwet's AC1 for two raters over nominal `categories` (Gwet 2008, eq. for two raters).

    AC1 = (pa - pe) / (1 - pe), with pa the observed agreement and
    pe = Σ_k π_k (1 - π_k) / (q - 1), π_k the mean of the two raters' shares of category k.
    Chosen for basic indicators because failures are rare there, where kappa collapses
    (the kappa paradox) while AC1 stays close to the observed agreement.
    """
    q = len(categories)
    if not pairs or q < 2:
        return None
    if any(rank not in categories for pair in pairs for rank in pair):
        raise ValueError("rating outside the categories")
    n = len(pairs)
    pa = Fraction(sum(1 for ref, own in pairs if ref == own), n)
    counts = Counter(rating for pair in pairs for rating in pair)
    pe = sum(
        (Fraction(counts[k], 2 * n) * (1 - Fraction(counts[k], 2 * n)) for k in categories),
        Fraction(0),
    ) / (q - 1)
    # pe ≤ 1/q < 1 for any data, so AC1 is defined whenever there is a pair.
    return (pa - pe) / (1 - pe)
