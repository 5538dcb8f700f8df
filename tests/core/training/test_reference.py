"""A sample as assessments: the reference scoring, and the blank draft a trainee scores."""

from __future__ import annotations

from assessor.core.paths import samples_dir
from assessor.core.rubric.registry import default_rubric
from assessor.core.training.reference import practice_assessment, reference_assessment
from assessor.core.training.sample import load_sample

SAMPLE = load_sample(samples_dir() / "xiaoshumiao-home-na.json")


def test_the_reference_assessment_carries_the_reference_scores_and_profile() -> None:
    assessment = reference_assessment(SAMPLE)
    assert assessment.training
    assert assessment.rubric == SAMPLE.rubric
    assert assessment.centre == SAMPLE.centre
    assert assessment.visit.date == SAMPLE.visit_date
    by_id = {s.indicator: s for s in assessment.scores}
    assert by_id["4.1.1"].score == 6 and not by_id["4.1.1"].na
    assert by_id["4.1.5"].na and by_id["4.1.5"].score is None
    assert by_id["5.1.7"].score == 0
    # The dossier is the assessor's evidence, not the assessor's note: nothing leaks into it.
    assert all(s.note == "" for s in assessment.scores)


def test_the_practice_draft_has_the_profile_and_nothing_scored() -> None:
    draft = practice_assessment(SAMPLE, default_rubric())
    assert draft.training and draft.centre == SAMPLE.centre
    assert draft.visit.date == SAMPLE.visit_date
    assert [s.indicator for s in draft.scores] == [i.id for i in default_rubric().indicators]
    assert not any(s.is_scored for s in draft.scores)
