"""One attempt counts: a test result is recorded once per trainee and sample.

The first submission of a test sample is the one that counts; a later one is refused, unless a
trainer granted a retake with the trainer key (kept in the results file and logged). Without
this rule, agreement figures on repeated submissions would rebuild the reference indicator by
indicator. A sealed test sample cannot be judged on the trainee's laptop: its submission waits
in the results file until a trainer opens it with the trainer key (`judge_pending`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from assessor.core.assessment.model import Assessment, IndicatorScore
from assessor.core.clock import beijing_text
from assessor.core.problems import UserError
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.trainer_key import TrainerKey
from assessor.core.training.comparison import Comparison, compare
from assessor.core.training.results import (
    ResultStore,
    RetakeGrant,
    SealedSubmission,
    Trainee,
    TraineeResult,
    result_of,
)
from assessor.core.training.rule import ReliabilityRule
from assessor.core.training.sample import SampleCentre
from assessor.core.training.sealed import SealedSample, unseal

log = logging.getLogger(__name__)


def _attempt_times(store: ResultStore, trainee_id: str, sample_id: str) -> list[datetime]:
    """When the trainee's attempts on the sample were submitted, judged or still waiting."""
    results = [
        r
        for r in store.all()
        if r.mode == "test" and r.trainee.trainee_id == trainee_id and r.sample_id == sample_id
    ]
    judged = {r.submission for r in results}
    waiting = [
        s
        for s in store.submissions()
        if s.trainee.trainee_id == trainee_id and s.sample_id == sample_id and s.id not in judged
    ]
    return sorted([r.submitted_at for r in results] + [s.submitted_at for s in waiting])


def check_attempt_allowed(store: ResultStore, trainee: Trainee, sample_id: str) -> None:
    """A UserError when the trainee already used every attempt on this test sample."""
    times = _attempt_times(store, trainee.trainee_id, sample_id)
    grants = [
        g
        for g in store.retakes()
        if g.trainee_id == trainee.trainee_id and g.sample_id == sample_id
    ]
    if len(times) > len(grants):
        raise UserError(
            f"学员 {trainee.name}（{trainee.trainee_id}）已于 {beijing_text(times[0])} 提交过"
            f"测试样例 {sample_id}：测试只算第一次提交，本次未记录。"
            "如需重考，请培训师用培训师密钥批准（assessor train retake）。"
        )


def record_test_result(
    root: Path,
    trainee: Trainee,
    comparison: Comparison,
    *,
    vouched: bool,
    at: datetime | None = None,
    draft: str | None = None,
) -> TraineeResult:
    """Keep the result of a test sample that could be compared at once (an open test sample,
    or a sealed one opened with the trainer key), if the trainee still has an attempt. Only a
    sealed sample's reference is vouched for by a trainer's signature: an open test sample
    (anyone can write one) is recorded but never counts towards certification."""
    store = ResultStore(root)
    check_attempt_allowed(store, trainee, comparison.sample_id)
    result = result_of(trainee, comparison, at, draft)
    if not vouched:
        result = result.model_copy(update={"unvouched": True})
    store.add(result)
    return result


def submit_sealed(
    root: Path,
    trainee: Trainee,
    sample: SealedSample,
    scores: Sequence[IndicatorScore],
    draft: str | None = None,
) -> SealedSubmission:
    """Keep a scoring of a sealed test sample until a trainer judges it."""
    store = ResultStore(root)
    check_attempt_allowed(store, trainee, sample.id)
    submission = SealedSubmission(
        trainee=trainee,
        sample_id=sample.id,
        # Levels only: notes and evidence stay in the practice draft.
        scores=[IndicatorScore(indicator=s.indicator, score=s.score, na=s.na) for s in scores],
        draft=draft,
    )
    store.add_submission(submission)
    return submission


def waiting_submissions(store: ResultStore) -> list[SealedSubmission]:
    judged = {r.submission for r in store.all()}
    return [s for s in store.submissions() if s.id not in judged]


def judge_submission(
    root: Path,
    rubric: LoadedRubric,
    sample: SealedSample,
    submission: SealedSubmission,
    key: TrainerKey,
    rule: ReliabilityRule,
) -> tuple[TraineeResult, Comparison]:
    """Open the sealed reference with the trainer key, compare, and record the result at the
    time the trainee submitted (the time certification counts from)."""
    plain = unseal(sample, key)
    comparison = compare(rubric, plain, submission_assessment(plain, submission), rule)
    result = result_of(
        submission.trainee, comparison, submission.submitted_at, submission.draft
    ).model_copy(update={"submission": submission.id})
    ResultStore(root).add(result)
    log.info(
        "test submission %s of %s on %s judged by trainer %s",
        submission.id,
        submission.trainee.trainee_id,
        sample.id,
        key.fingerprint[:16],
    )
    return result, comparison


def submission_assessment(
    sample: SampleCentre, submission: SealedSubmission | TraineeResult
) -> Assessment:
    """A kept scoring (levels only) as an assessment the comparison takes."""
    return Assessment(training=True, rubric=sample.rubric, scores=list(submission.scores))


def grant_retake(
    root: Path, key: TrainerKey, trainee_id: str, sample_id: str, reason: str
) -> RetakeGrant:
    """One more attempt for the trainee on the sample, granted by the trainer holding `key`."""
    reason = reason.strip()
    if not reason:
        raise UserError("请写明批准重考的原因")
    grant = RetakeGrant(
        trainee_id=trainee_id.strip(),
        sample_id=sample_id.strip(),
        trainer=key.name,
        trainer_fingerprint=key.fingerprint,
        reason=reason[:200],
    )
    ResultStore(root).add_retake(grant)
    log.info(
        "retake of %s for %s granted by trainer %s: %s",
        grant.sample_id,
        grant.trainee_id,
        key.fingerprint[:16],
        grant.reason,
    )
    return grant
