"""Points as integers: counts of 1/scale point, so that a result adds integers, not Fractions.

Every point value a rubric or an assessment holds is a decimal (`exact.py` reads a float as its
shortest decimal), usually with at most two places. A `Grid` picks one scale for a computation
(the least common multiple of the denominators of every value involved: 100 or less for real
rubrics) and counts every value in units of 1/scale point, exactly. Sums of units are exact
integers; the only division, the N/A rule's conversion, makes one Fraction of units; values
go back to points (`points`) or to their stored two-decimal form (`cut`) at the end.

The rubric's part of the scale is found once per rubric; a file's scores only widen it when one
of them is off the rubric's grid (which a valid score never is).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterable
from fractions import Fraction
from functools import lru_cache

from assessor.core.assessment.model import IndicatorScore
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.exact import cut_float, exact

_RUBRICS = 16


@lru_cache(maxsize=4096)
def _denominator(points: float) -> int:
    return exact(points).denominator


@lru_cache(maxsize=8192)
def _units(points: float, scale: int) -> int:
    value = exact(points) * scale
    assert value.denominator == 1, "scale must be a multiple of the value's denominator"
    return value.numerator


def _scale(values: Iterable[float], scale: int = 1) -> int:
    for value in values:
        denominator = _denominator(value)
        if scale % denominator:
            scale = math.lcm(scale, denominator)
    return scale


def _rubric_values(rubric: LoadedRubric) -> Iterable[float]:
    yield rubric.rubric.total
    for dim in rubric.rubric.dimensions:
        yield dim.max
    for ind in rubric.indicators:
        yield ind.max
        for level in ind.levels:
            yield level.points


# Rubric scales by the rubric object (kept alive with its entry, so its id is not reused).
_rubric_scales: OrderedDict[int, tuple[LoadedRubric, int]] = OrderedDict()
_lock = threading.Lock()


def _rubric_scale(rubric: LoadedRubric) -> int:
    with _lock:
        known = _rubric_scales.get(id(rubric))
    if known is not None and known[0] is rubric:
        return known[1]
    scale = _scale(_rubric_values(rubric))
    with _lock:
        _rubric_scales[id(rubric)] = (rubric, scale)
        while len(_rubric_scales) > _RUBRICS:
            _rubric_scales.popitem(last=False)
    return scale


class Grid:
    """One computation's scale: every value it meets is a whole number of units."""

    __slots__ = ("scale",)

    def __init__(self, scale: int) -> None:
        self.scale = scale

    def units(self, points: float) -> int:
        return _units(points, self.scale)

    def points(self, units: Fraction | int) -> Fraction:
        return Fraction(units, self.scale)

    def cut(self, units: Fraction | int) -> float:
        """`exact.cut_float` of the points `units` stands for."""
        if isinstance(units, int):
            # Two decimals cut towards zero by integer division; q / 100 is the double nearest
            # to q hundredths, as float(Decimal) of them is.
            hundredths = abs(units) * 100 // self.scale
            return (hundredths if units >= 0 else -hundredths) / 100
        return cut_float(units / self.scale)


def grid_for(rubric: LoadedRubric, scores: Iterable[IndicatorScore]) -> Grid:
    """The grid of the rubric, made finer only if a score is off it."""
    return Grid(_scale((s.score for s in scores if s.score is not None), _rubric_scale(rubric)))
