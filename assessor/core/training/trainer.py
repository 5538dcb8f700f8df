"""What the trainer sees: every trainee with trend and certification, and for a group that
scored the same sample, the indicators most often mis-scored and in which direction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from assessor.core.assessment.model import IndicatorScore
from assessor.core.rubric.model import Indicator
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.training.certification import Certification, certification
from assessor.core.training.comparison import points, rank_of, reference_scores
from assessor.core.training.results import Trainee, TraineeResult
from assessor.core.training.rule import ReliabilityRule
from assessor.core.training.sample import SampleCentre


@dataclass(frozen=True)
class TraineeSummary:
    trainee: Trainee
    results: int
    trend: list[Fraction]  # exact agreement of every result, oldest first
    certification: Certification


def trainee_summaries(
    results: Sequence[TraineeResult], rule: ReliabilityRule, now: datetime
) -> list[TraineeSummary]:
    """One row per trainee id (the latest name wins), in name order."""
    by_id: dict[str, list[TraineeResult]] = {}
    for result in sorted(results, key=lambda r: r.submitted_at):
        by_id.setdefault(result.trainee.trainee_id, []).append(result)
    rows = [
        TraineeSummary(
            trainee=own[-1].trainee,
            results=len(own),
            trend=[r.exact for r in own],
            certification=certification(own, rule, now),
        )
        for own in by_id.values()
    ]
    return sorted(rows, key=lambda row: (row.trainee.name, row.trainee.trainee_id))


@dataclass(frozen=True)
class MisScore:
    """How a group scored one indicator against the reference."""

    indicator: Indicator
    trainees: int
    lenient: int  # more points than the reference
    severe: int  # fewer points than the reference
    na_disputed: int  # N/A on one side only

    @property
    def wrong(self) -> int:
        return self.lenient + self.severe + self.na_disputed

    @property
    def direction(self) -> str:
        if self.lenient > self.severe:
            return "偏宽"
        if self.severe > self.lenient:
            return "偏严"
        return "宽严不一" if self.lenient else "不适用判断不一"


def most_mis_scored(
    rubric: LoadedRubric,
    sample: SampleCentre,
    results: Sequence[TraineeResult],
    limit: int = 10,
) -> list[MisScore]:
    """Indicators of `sample` that the most trainees scored differently from the reference;
    each trainee counts once, with their latest result on the sample."""
    latest: dict[str, TraineeResult] = {}
    for result in sorted(results, key=lambda r: r.submitted_at):
        if result.sample_id == sample.id:
            latest[result.trainee.trainee_id] = result
    reference = reference_scores(sample)
    rows = []
    for ind in rubric.indicators:
        own = [_score_in(r, ind.id) for r in latest.values()]
        rows.append(_mis_score(ind, reference[ind.id], [s for s in own if s is not None]))
    wrong = [row for row in rows if row.wrong]
    return sorted(wrong, key=lambda row: -row.wrong)[:limit]


def _score_in(result: TraineeResult, indicator_id: str) -> IndicatorScore | None:
    return next((s for s in result.scores if s.indicator == indicator_id), None)


def _mis_score(ind: Indicator, reference: IndicatorScore, scores: list[IndicatorScore]) -> MisScore:
    lenient = severe = disputed = 0
    for own in scores:
        if own.na != reference.na:
            disputed += 1
        elif rank_of(ind, own) != rank_of(ind, reference):
            if points(own.score or 0) > points(reference.score or 0):
                lenient += 1
            else:
                severe += 1
    return MisScore(ind, len(scores), lenient, severe, disputed)
