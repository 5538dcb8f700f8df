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
from assessor.core.training.comparison import Comparison, compare
from assessor.core.training.results import ResultStore, Trainee, TraineeResult, result_of
from assessor.core.training.rule import ReliabilityRule
from assessor.core.training.sample import SampleCentre


def training_folder(root: Path) -> Path:
    return root / "training"


@dataclass
class Practice:
    sample: SampleCentre
    trainee: Trainee
    session: EditingSession
    submitted: TraineeResult | None = None


def start_practice(
    root: Path, rubric: LoadedRubric, sample: SampleCentre, trainee: Trainee
) -> Practice:
    """A stored draft with the sample's profile and visit date, the trainee as assessor."""
    if sample.rubric.sha256 != rubric.sha256:
        raise UserError(f"样例 {sample.id} 所用的评估标准与当前评估标准不是同一版本")
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


def submit(practice: Practice, root: Path, rule: ReliabilityRule) -> Comparison:
    """Compare the complete scoring with the reference and keep the trainee's result once."""
    if practice.submitted is not None:
        raise UserError("本次练习已经提交过")
    comparison = compare(
        practice.session.rubric, practice.sample, practice.session.assessment, rule
    )
    result = result_of(practice.trainee, comparison, draft=practice.session.key)
    ResultStore(root).add(result)
    practice.submitted = result
    return comparison


@dataclass(frozen=True)
class Unfinished:
    """A practice draft left before it was submitted."""

    key: str
    sample: SampleCentre
    trainee: Trainee
    scored: int
    updated_at: datetime | None


def unfinished_practices(
    root: Path, rubric: LoadedRubric, samples: list[SampleCentre]
) -> list[Unfinished]:
    """Drafts of the given samples scored against `rubric`, the most recently changed first.

    A draft is matched to its sample by the centre's credit code (a practice starts from the
    sample's profile); drafts whose sample or rubric is gone, or which cannot be read, are
    left out rather than offered and then refused.
    """
    store = Store(training_folder(root))
    submitted = {r.draft for r in ResultStore(root).all()}
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
