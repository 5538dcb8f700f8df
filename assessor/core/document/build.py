"""Building the exported document from a stored assessment and its audit chain."""

from __future__ import annotations

from assessor.core.assessment.model import ASSESSMENT_FORMAT, Assessment
from assessor.core.audit import AuditEntry, head
from assessor.core.document.model import AssessmentDocument
from assessor.core.problems import ProblemsError
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.checks import run_checks
from assessor.core.scoring.engine import ENGINE, compute_result, score_problems


def expected_signatures(assessment: Assessment) -> int:
    """Every team member with a key signs; a record without a team has its one signer."""
    team = assessment.team
    return max(1, len(team.signers)) if team is not None else 1


def build_document(
    rubric: LoadedRubric, assessment: Assessment, audit: list[AuditEntry], *, training: bool
) -> AssessmentDocument:
    """The unsigned document; `training` marks it 培训/样例 (a training record or key)."""
    problems = score_problems(rubric, assessment)
    if problems:
        raise ProblemsError(problems)
    return AssessmentDocument.model_validate(
        {
            **assessment.model_dump(),
            "format": ASSESSMENT_FORMAT,
            "training": assessment.training or training,
            "engine": ENGINE,
            "result": compute_result(rubric, assessment),
            "findings": run_checks(rubric, assessment.centre),
            "audit_head": head(audit),
            "audit_length": len(audit),
            "signatures_expected": expected_signatures(assessment),
        }
    )
