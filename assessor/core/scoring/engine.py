"""Totals, vetoes and grade, always derived from the indicator scores of an assessment.

This is scoring engine 2 (`ENGINE`): exact arithmetic throughout, the rubric's N/A rule applied
the same way at every level, one rounding (see `exact.py`) when a value is stored. Engine 1,
which signed files made before it name implicitly, stays runnable in `engine_v1.py`.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from assessor.core.assessment.model import Assessment, IndicatorScore
from assessor.core.problems import Problem
from assessor.core.rubric.model import Dimension, Indicator, Item, NaRule
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.exact import exact
from assessor.core.scoring.grade import apply_grade_rule
from assessor.core.scoring.result import (
    Completeness,
    DimensionResult,
    ItemResult,
    Result,
    VetoResult,
    VetoStatus,
)
from assessor.core.scoring.units import Grid, grid_for

ENGINE = "2"


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
    if entry.score is not None and exact(entry.score) not in _allowed(ind):
        allowed = "、".join(f"{lv.points:g}" for lv in ind.levels)
        return f"指标 {ind.id} 的得分 {entry.score:g} 不是允许的分值（{allowed}）"
    return None


# Allowed points by indicator object, kept with the object so a reused id never finds
# another indicator's ladder: an import checks some 130 scores of every file against them.
_ladders: dict[int, tuple[Indicator, frozenset[Fraction]]] = {}
_LADDERS = 4096


def _allowed(ind: Indicator) -> frozenset[Fraction]:
    known = _ladders.get(id(ind))
    if known is None or known[0] is not ind:
        if len(_ladders) >= _LADDERS:
            _ladders.clear()
        known = (ind, _allowed_points(tuple(lv.points for lv in ind.levels)))
        _ladders[id(ind)] = known
    return known[1]


@lru_cache(maxsize=256)
def _allowed_points(points: tuple[float, ...]) -> frozenset[Fraction]:
    """A rubric has a handful of distinct level ladders; a register import checks every score
    of thousands of files against them."""
    return frozenset(exact(p) for p in points)


class _Part:
    """Points earned on applicable indicators and the applicable maximum of one part, as
    integer counts of 1/scale point (see `units.py`): adding them is exact and cheap."""

    __slots__ = ("applicable", "earned")

    def __init__(self) -> None:
        self.earned = 0
        self.applicable = 0

    def add(self, earned: int, applicable: int) -> None:
        self.earned += earned
        self.applicable += applicable

    def converted(self, maximum: int) -> Fraction:
        """Earned ÷ applicable × maximum (in units); a part with nothing applicable has
        nothing to lose. The one place the N/A rule divides, so the one Fraction."""
        if self.applicable == 0:
            return Fraction(maximum)
        return Fraction(self.earned * maximum, self.applicable)


def compute_result(rubric: LoadedRubric, assessment: Assessment) -> Result:
    entries = {s.indicator: s for s in assessment.scores}
    grid = grid_for(rubric, assessment.scores)
    rule = rubric.rubric.na_rule
    dimensions: list[DimensionResult] = []
    vetoes: list[VetoResult] = []
    missing: list[str] = []
    whole = _Part()
    total: Fraction | int = 0
    for dim in rubric.rubric.dimensions:
        part, items, scored = _dimension(dim, entries, grid, vetoes, missing)
        whole.add(part.earned, part.applicable)
        dim_score = _dimension_score(rule, part, grid.units(dim.max))
        total += dim_score
        dimensions.append(
            DimensionResult(
                id=dim.id,
                name=dim.name,
                max=dim.max,
                earned=grid.cut(part.earned),
                applicable_max=grid.cut(part.applicable),
                score=grid.cut(dim_score),
                scored=scored,
                indicators=sum(len(item.indicators) for item in dim.items),
                items=items,
            )
        )
    if rule.method == "rescale_total":
        total = whole.converted(grid.units(rubric.rubric.total))
    completeness = Completeness(
        scored=len(rubric.indicators) - len(missing), total=len(rubric.indicators), missing=missing
    )
    explanation = apply_grade_rule(
        rubric.rubric.grade_rule,
        grid.points(total),
        exact(rubric.rubric.total),
        vetoes,
        len(missing),
    )
    return Result(
        total=grid.cut(total),
        max=rubric.rubric.total,
        earned=grid.cut(whole.earned),
        applicable_max=grid.cut(whole.applicable),
        dimensions=dimensions,
        vetoes=vetoes,
        grade=explanation.grade,
        explanation=explanation,
        completeness=completeness,
    )


def _dimension_score(rule: NaRule, part: _Part, maximum: int) -> Fraction | int:
    if rule.method == "rescale_dimension":
        return part.converted(maximum)
    return part.earned


def _dimension(
    dim: Dimension,
    entries: dict[str, IndicatorScore],
    grid: Grid,
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
            if entry is None or not entry.na:  # unscored counts as 0 of its maximum
                earned = 0 if entry is None or entry.score is None else grid.units(entry.score)
                item_part.add(earned, grid.units(ind.max))
            if ind.basic is not None:
                vetoes.append(_veto(ind, entry))
        part.add(item_part.earned, item_part.applicable)
        items.append(_item_result(item, item_part, grid))
    return part, items, scored


def _item_result(item: Item, part: _Part, grid: Grid) -> ItemResult:
    # Items are never converted: they show what was earned of what applied, and add up to
    # their dimension's earned points under either N/A method.
    earned = grid.cut(part.earned)
    return ItemResult(
        id=item.id,
        name=item.name,
        max=item.max,
        earned=earned,
        applicable_max=grid.cut(part.applicable),
        score=earned,
    )


def veto_status(ind: Indicator, entry: IndicatorScore | None) -> VetoStatus:
    """The one definition of a basic indicator met or unmet: met at or above its veto line
    (`Indicator.veto_threshold`), unmet below it. The training comparison uses it too."""
    if entry is None or not entry.is_scored:
        return "unscored"
    if entry.na:
        return "na"  # allowed only where the rubric says so (rubric validation, level_problem)
    if entry.score is not None and exact(entry.score) >= exact(ind.veto_threshold()):
        return "met"
    return "unmet"


def _veto(ind: Indicator, entry: IndicatorScore | None) -> VetoResult:
    status = veto_status(ind, entry)
    return VetoResult(
        indicator=ind.id, short=ind.short, status=status, score=entry.score if entry else None
    )
