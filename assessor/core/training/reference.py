"""A sample centre as assessments: its reference scoring, and the blank one a trainee fills."""

from __future__ import annotations

from assessor.core.assessment.model import Assessment, IndicatorScore, Visit
from assessor.core.document.new import new_assessment
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.training.sample import SampleCentre


def reference_assessment(sample: SampleCentre) -> Assessment:
    """The reference scoring in the assessment contract, so the scoring engine grades it on the
    same path as `assessor score`. Entries keep the dossier's order; the engine looks them up
    by indicator."""
    return Assessment(
        training=True,
        rubric=sample.rubric,
        centre=sample.centre,
        visit=Visit(date=sample.visit_date),
        scores=[
            IndicatorScore(
                indicator=entry.indicator,
                # The assessment contract stores points as JSON numbers; reference points have
                # at most two decimals, which a float holds exactly enough to match a level.
                score=None if entry.reference.score is None else float(entry.reference.score),
                na=entry.reference.na,
            )
            for entry in sample.dossier
        ],
    )


def practice_assessment(sample: SampleCentre, rubric: LoadedRubric) -> Assessment:
    """A training draft for the trainee: the sample's profile and visit date, nothing scored."""
    draft = new_assessment(rubric, training=True)
    draft.centre = sample.centre
    draft.visit = Visit(date=sample.visit_date)
    return draft
