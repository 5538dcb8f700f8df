"""Exact points and the one rounding rule.

Points in rubric and assessment files are JSON numbers (binary floats once parsed). Each is read
as the shortest decimal that round-trips to it (`repr`), so 0.3 is 3/10 and not the binary
approximation; every sum, conversion and comparison with a grade cut-off is then exact
(`Fraction`).

The one rounding rule, applied once wherever a computed value is stored or shown: cut to two
decimals towards zero (ROUND_DOWN). Cutting rather than rounding half-up means a stored or shown
total reaches a cut-off exactly when the exact total does (cut-offs have at most two decimals),
so 899.998 is shown as 899.99 next to grade B and never as 900.00.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache


def exact(points: float | int | Decimal | Fraction) -> Fraction:
    if isinstance(points, Fraction):
        return points
    if isinstance(points, float):
        return _exact_float(points)
    return Fraction(points)


@lru_cache(maxsize=4096)
def _exact_float(points: float) -> Fraction:
    # A rubric has a few dozen distinct point values; an import reads them thousands of times.
    if not math.isfinite(points):
        raise ValueError(f"not a finite number of points: {points!r}")
    return Fraction(Decimal(repr(points)))


def cut(value: Fraction) -> Decimal:
    """The stored and shown form of a computed value: two decimals, cut towards zero."""
    return Decimal(math.trunc(value * 100)).scaleb(-2)


def cut_float(value: Fraction) -> float:
    """`cut` as the JSON number a document stores (two decimals survive the float exactly as
    text: `repr` of the float gives the same two decimals back)."""
    return float(cut(value))


def needed(value: Fraction) -> Decimal:
    """Points still needed to reach a cut-off, rounded up to 0.01 so that they are enough."""
    return Decimal(math.ceil(value * 100)).scaleb(-2)
