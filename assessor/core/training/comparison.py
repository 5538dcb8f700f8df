"""A trainee's scoring of a sample compared with the sample's reference scoring.

Everything a comparison screen, the CLI report and the practice PDF show is computed here once;
`figures.py` turns it into the rows those three display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from assessor.core.assessment.model import Assessment, IndicatorScore, RubricRef
from assessor.core.problems import UserError
from assessor.core.rubric.model import Indicator
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.engine import compute_result, score_problems, veto_status
from assessor.core.scoring.result import Result
from assessor.core.training.agreement import (
    NA,
    Rank,
    exact_agreement,
    gwet_ac1,
    linear_weighted_kappa,
    within_one_agreement,
)
from assessor.core.training.reference import reference_assessment
from assessor.core.training.rule import ReliabilityRule
from assessor.core.training.sample import SampleCentre

BasicStatus = Literal["met", "unmet", "na"]
BASIC_STATUSES: tuple[BasicStatus, BasicStatus] = ("met", "unmet")


def points(value: float | Decimal) -> Decimal:
    """Points as an exact decimal; the engine's floats carry at most two decimals."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def rank_of(indicator: Indicator, entry: IndicatorScore) -> Rank:
    """The entry's ordinal rank among the indicator's levels ordered by points (0 = lowest)."""
    if entry.na:
        return NA
    assert entry.score is not None  # scores are complete before a comparison is made
    ordered = sorted(points(level.points) for level in indicator.levels)
    return ordered.index(points(entry.score))


def basic_status(indicator: Indicator, entry: IndicatorScore) -> BasicStatus:
    """Met or unmet as the grade engine decides a veto (at or above the veto line), so the
    comparison and `assessor score` never call one score differently."""
    status = veto_status(indicator, entry)
    assert status != "unscored"  # scores are complete before a comparison is made
    return status


@dataclass(frozen=True)
class IndicatorComparison:
    indicator: Indicator
    dimension: str
    reference: IndicatorScore
    trainee: IndicatorScore
    rationale: str

    @property
    def reference_rank(self) -> Rank:
        return rank_of(self.indicator, self.reference)

    @property
    def trainee_rank(self) -> Rank:
        return rank_of(self.indicator, self.trainee)

    @property
    def agrees(self) -> bool:
        return self.reference_rank == self.trainee_rank

    @property
    def na_mismatch(self) -> bool:
        return self.reference.na != self.trainee.na

    @property
    def pair(self) -> tuple[Rank, Rank]:
        return (self.reference_rank, self.trainee_rank)

    @property
    def difference(self) -> Decimal:
        """Trainee's points minus the reference's; N/A counts as 0 (a mismatch is also flagged)."""
        return points(self.trainee.score or 0) - points(self.reference.score or 0)

    @property
    def size(self) -> Decimal:
        """How far apart the two are, for ranking disagreements: a disputed N/A weighs the
        whole indicator."""
        return points(self.indicator.max) if self.na_mismatch else abs(self.difference)


@dataclass(frozen=True)
class DimensionBias:
    id: str
    name: str
    reference: Decimal
    trainee: Decimal

    @property
    def bias(self) -> Decimal:
        """Positive: the trainee gave more points than the reference (lenient)."""
        return self.trainee - self.reference


@dataclass(frozen=True)
class Comparison:
    sample_id: str
    sample_title: str
    mode: Literal["practice", "test"]
    indicators: list[IndicatorComparison]
    reference_result: Result
    trainee_result: Result
    rule: ReliabilityRule
    categories: int

    @property
    def exact(self) -> Fraction | None:
        return exact_agreement(self._pairs())

    @property
    def agreed(self) -> int:
        return sum(1 for c in self.indicators if c.agrees)

    @property
    def within_one(self) -> Fraction | None:
        return within_one_agreement(self._pairs())

    @property
    def within_one_count(self) -> int:
        return sum(1 for c in self.indicators if within_one_agreement([c.pair]) == 1)

    @property
    def kappa(self) -> Fraction | None:
        ranked = [
            (int(c.reference_rank), int(c.trainee_rank))
            for c in self.indicators
            if c.reference_rank != NA and c.trainee_rank != NA
        ]
        return linear_weighted_kappa(ranked, self.categories)

    @property
    def basics(self) -> list[IndicatorComparison]:
        return [c for c in self.indicators if c.indicator.basic is not None]

    @property
    def basic_ac1(self) -> Fraction | None:
        pairs = [
            (basic_status(c.indicator, c.reference), basic_status(c.indicator, c.trainee))
            for c in self.basics
            if not c.reference.na and not c.trainee.na
        ]
        return gwet_ac1(pairs, BASIC_STATUSES)

    @property
    def basic_disagreements(self) -> list[IndicatorComparison]:
        return [
            c
            for c in self.basics
            if basic_status(c.indicator, c.reference) != basic_status(c.indicator, c.trainee)
        ]

    @property
    def same_grade(self) -> bool:
        return self.reference_result.grade == self.trainee_result.grade

    @property
    def total_difference(self) -> Decimal:
        return points(self.trainee_result.total) - points(self.reference_result.total)

    @property
    def biases(self) -> list[DimensionBias]:
        return [
            DimensionBias(ref.id, ref.name, points(ref.score), points(own.score))
            for ref, own in zip(
                self.reference_result.dimensions, self.trainee_result.dimensions, strict=True
            )
        ]

    def largest_disagreements(self, limit: int = 10) -> list[IndicatorComparison]:
        """Disagreements, largest first; ties keep the rubric's order."""
        disagreeing = [c for c in self.indicators if not c.agrees]
        return sorted(disagreeing, key=lambda c: -c.size)[:limit]

    @property
    def meets_agreement(self) -> bool:
        exact = self.exact
        return exact is not None and exact >= self.rule.threshold

    @property
    def passed(self) -> bool:
        return (
            self.meets_agreement
            and (not self.rule.require_basic_agreement or not self.basic_disagreements)
            and (not self.rule.require_same_grade or self.same_grade)
        )

    def _pairs(self) -> list[tuple[Rank, Rank]]:
        return [c.pair for c in self.indicators]


def reference_scores(sample: SampleCentre) -> dict[str, IndicatorScore]:
    return {entry.indicator: entry for entry in reference_assessment(sample).scores}


def compare(
    rubric: LoadedRubric, sample: SampleCentre, trainee: Assessment, rule: ReliabilityRule
) -> Comparison:
    """Compare a complete scoring with the sample's reference; a UserError says what is wrong."""
    _same_rubric(rubric, sample.rubric, trainee.rubric)
    problems = score_problems(rubric, trainee)
    if problems:
        raise UserError("评分与评估标准不符：\n" + "\n".join(p.message for p in problems))
    own: Mapping[str, IndicatorScore] = {s.indicator: s for s in trainee.scores}
    unscored = [ind.id for ind in rubric.indicators if not own[ind.id].is_scored]
    if unscored:
        shown = "、".join(unscored[:10]) + ("等" if len(unscored) > 10 else "")
        raise UserError(f"尚有 {len(unscored)} 项指标未评分（{shown}），评完后才能与参考评分比较")
    reference = reference_scores(sample)
    rationales = {e.indicator: e.reference.rationale for e in sample.dossier}
    indicators = [
        IndicatorComparison(ind, dim.id, reference[ind.id], own[ind.id], rationales[ind.id])
        for dim in rubric.rubric.dimensions
        for item in dim.items
        for ind in item.indicators
    ]
    return Comparison(
        sample_id=sample.id,
        sample_title=sample.title,
        mode=sample.mode,
        indicators=indicators,
        reference_result=compute_result(rubric, reference_assessment(sample)),
        trainee_result=compute_result(rubric, trainee),
        rule=rule,
        categories=max(len(ind.levels) for ind in rubric.indicators),
    )


def _same_rubric(rubric: LoadedRubric, *refs: RubricRef) -> None:
    for ref in refs:
        if ref.sha256 != rubric.sha256:
            raise UserError(
                f"评分所用的评估标准（{ref.code} {ref.version}）与样例的评估标准不是同一版本，无法比较"
            )
