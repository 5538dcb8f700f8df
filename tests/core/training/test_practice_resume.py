"""A practice left before submitting is offered again, exactly as it was left, until it is
submitted; then it is no longer offered and its result names it."""

from __future__ import annotations

from pathlib import Path

from assessor.core.rubric.registry import default_rubric
from assessor.core.session import EditingSession
from assessor.core.storage.store import Store
from assessor.core.training.practice import (
    resume_practice,
    start_practice,
    submit,
    training_folder,
    unfinished_practices,
)
from assessor.core.training.results import ResultStore, Trainee
from assessor.core.training.rule import load_rule
from assessor.core.training.sample import load_sample

SAMPLES = Path(__file__).resolve().parents[3] / "assets" / "samples"


def _score(session: EditingSession, count: int | None = None) -> None:
    """Score the first `count` indicators (all of them when None) at their first level."""
    for ind in session.rubric.indicators[:count]:
        session.set_score(ind.id, ind.levels[0].points)


def test_left_then_resumed_then_submitted(tmp_path: Path) -> None:
    rubric = default_rubric()
    first = load_sample(SAMPLES / "gulou-public-a.json")
    second = load_sample(SAMPLES / "jinan-forprofit-d.json")
    samples = [first, second]
    li, wang = Trainee(name="李静", trainee_id="T-1"), Trainee(name="王芳", trainee_id="T-2")

    left = start_practice(tmp_path, rubric, first, li)
    _score(left.session, 3)
    left.session.set_note(rubric.indicators[0].id, "门口没有登记簿")
    other = start_practice(tmp_path, rubric, second, wang)
    _score(other.session, 1)
    key = left.session.key
    del left, other  # the app closed

    offered = {u.sample.id: u for u in unfinished_practices(tmp_path, rubric, samples)}
    assert {(u.sample.id, u.trainee, u.scored) for u in offered.values()} == {
        (second.id, wang, 1),
        (first.id, li, 3),
    }
    taken_up = resume_practice(tmp_path, rubric, offered[first.id])
    assert taken_up.session.key == key
    assert taken_up.sample == first and taken_up.trainee == li
    saved = Store(training_folder(tmp_path)).load(key)
    assert taken_up.session.assessment.scores == saved.scores
    assert saved.scores[0].note == "门口没有登记簿"

    _score(taken_up.session)
    submit(taken_up, tmp_path, load_rule(tmp_path))
    assert [u.sample.id for u in unfinished_practices(tmp_path, rubric, samples)] == [second.id]
    [result] = ResultStore(tmp_path).all()
    assert result.draft == key and result.trainee == li


def test_drafts_of_samples_no_longer_shipped_are_not_offered(tmp_path: Path) -> None:
    rubric = default_rubric()
    sample = load_sample(SAMPLES / "gulou-public-a.json")
    start_practice(tmp_path, rubric, sample, Trainee(name="李静", trainee_id="T-1"))
    assert unfinished_practices(tmp_path, rubric, []) == []
    assert len(unfinished_practices(tmp_path, rubric, [sample])) == 1
