"""One practice session: a trainee scores a sample blind in a draft of its own, then submits.

Practice drafts live in `<data folder>/training/` (a store of their own beside the results),
so they never mix with real assessments on the home screen. A draft left before submitting is
kept and can be taken up again (`unfinished_practices`, `resume_practice`); a submitted one
stays where it is, named by its result (`TraineeResult.draft`), and is no longer offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from assessor.core.assessment.model import AssessorRef, Visit
from assessor.core.assessment.status import Status
from assessor.core.problems import UserError
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.session import EditingSession
from assessor.core.storage.atomic import StorageError
from assessor.core.storage.store import Store
from assessor.core.training.attempts import (
    check_attempt_allowed,
    record_test_result,
    submit_sealed,
)
from assessor.core.training.comparison import Comparison, compare
from assessor.core.training.results import (
    ResultStore,
    SealedSubmission,
    Trainee,
    TraineeResult,
    result_of,
)
from assessor.core.training.rule import ReliabilityRule
from assessor.core.training.sealed import AnySample, SealedSample


def training_folder(root: Path) -> Path:
    return root / "training"


@dataclass
class Practice:
    sample: AnySample
    trainee: Trainee
    session: EditingSession
    submitted: TraineeResult | SealedSubmission | None = None


def start_practice(
    root: Path, rubric: LoadedRubric, sample: AnySample, trainee: Trainee
) -> Practice:
    """A stored draft with the sample's profile and visit date, the trainee as assessor."""
    if sample.rubric.sha256 != rubric.sha256:
        raise UserError(f"样例 {sample.id} 所用的评估标准与当前评估标准不是同一版本")
    if sample.mode == "test":
        # Refused before any scoring, not after a day's work.
        check_attempt_allowed(ResultStore(root), trainee, sample.id)
    session = EditingSession.create(
        Store(training_folder(root)),
        rubric,
        training=True,
        centre=sample.centre.model_copy(deep=True),
        visit=Visit(
            date=sample.visit_date,
            assessors=[AssessorRef(name=trainee.name, assessor_id=trainee.trainee_id)],
        ),
    )
    return Practice(sample, trainee, session)


@dataclass(frozen=True)
class Submitted:
    """What one submission produced. A practice sample gives its comparison (the trainee sees
    it all); a test sample gives only the recorded result, or, sealed, the submission that
    waits for a trainer."""

    result: TraineeResult | None = None
    comparison: Comparison | None = None
    waiting: SealedSubmission | None = None


def submit(practice: Practice, root: Path, rule: ReliabilityRule) -> Submitted:
    """Keep the trainee's complete scoring once: compared at once where the reference is open,
    waiting for the trainer where it is sealed. A second attempt on a test sample is refused."""
    if practice.submitted is not None:
        raise UserError("本次练习已经提交过")
    sample, session = practice.sample, practice.session
    unscored = session.unscored()
    if unscored:
        raise UserError(f"尚有 {len(unscored)} 项指标未评分，评完后才能提交")
    if isinstance(sample, SealedSample):
        waiting = submit_sealed(
            root, practice.trainee, sample, session.assessment.scores, draft=session.key
        )
        practice.submitted = waiting
        return Submitted(waiting=waiting)
    comparison = compare(session.rubric, sample, session.assessment, rule)
    if sample.mode == "test":
        result = record_test_result(
            root, practice.trainee, comparison, vouched=False, draft=session.key
        )
        practice.submitted = result
        return Submitted(result=result)
    result = result_of(practice.trainee, comparison, draft=session.key)
    ResultStore(root).add(result)
    practice.submitted = result
    return Submitted(result=result, comparison=comparison)


@dataclass(frozen=True)
class Unfinished:
    """A practice draft left before it was submitted."""

    key: str
    sample: AnySample
    trainee: Trainee
    scored: int
    updated_at: datetime | None


def unfinished_practices(
    root: Path, rubric: LoadedRubric, samples: list[AnySample]
) -> list[Unfinished]:
    """Drafts of the given samples scored against `rubric`, the most recently changed first.

    A draft is matched to its sample by the centre's credit code (a practice starts from the
    sample's profile); drafts whose sample or rubric is gone, or which cannot be read, are
    left out rather than offered and then refused.
    """
    store = Store(training_folder(root))
    results = ResultStore(root)
    submitted = {r.draft for r in results.all()} | {s.draft for s in results.submissions()}
    by_uscc = {s.centre.uscc: s for s in samples}
    found: list[Unfinished] = []
    for summary in store.list():
        sample = by_uscc.get(summary.uscc)
        if summary.status is not Status.draft or summary.problem or sample is None:
            continue
        if summary.key in submitted:
            continue
        try:
            assessment = store.load(summary.key)
        except StorageError:
            continue
        assessors = assessment.visit.assessors
        if assessment.rubric.sha256 != rubric.sha256 or not assessors:
            continue
        trainee = Trainee(name=assessors[0].name, trainee_id=assessors[0].assessor_id)
        scored = sum(1 for s in assessment.scores if s.score is not None or s.na)
        found.append(Unfinished(summary.key, sample, trainee, scored, summary.updated_at))
    return sorted(
        found, key=lambda u: u.updated_at.timestamp() if u.updated_at else 0.0, reverse=True
    )


def resume_practice(root: Path, rubric: LoadedRubric, unfinished: Unfinished) -> Practice:
    """The draft opened again where it was left."""
    session = EditingSession.open(Store(training_folder(root)), unfinished.key, [rubric])
    return Practice(unfinished.sample, unfinished.trainee, session)
