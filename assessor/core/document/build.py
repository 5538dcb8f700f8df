"""Building the exported document from a stored assessment and its audit chain."""

from __future__ import annotations

from assessor.core.assessment.model import Assessment
from assessor.core.audit import AuditEntry, head
from assessor.core.document.model import AssessmentDocument
from assessor.core.problems import ProblemsError
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.checks import run_checks
from assessor.core.scoring.engine import ENGINE, compute_result, score_problems


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
            "training": assessment.training or training,
            "engine": ENGINE,
            "result": compute_result(rubric, assessment),
            "findings": run_checks(rubric, assessment.centre),
            "audit_head": head(audit),
            "audit_length": len(audit),
        }
    )
