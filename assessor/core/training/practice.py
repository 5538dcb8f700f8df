"""One practice session: a trainee scores a sample blind in a draft of its own, then submits.

Practice drafts live in `<data folder>/training/` (a store of their own beside the results),
so they never mix with real assessments on the home screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assessor.core.assessment.model import AssessorRef, Visit
from assessor.core.problems import UserError
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.session import EditingSession
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
    result = result_of(practice.trainee, comparison)
    ResultStore(root).add(result)
    practice.submitted = result
    return comparison
