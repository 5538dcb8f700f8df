"""Starting a new assessment against a rubric: one empty score entry per indicator."""

from __future__ import annotations

from assessor.core.assessment.model import Assessment, IndicatorScore, RubricRef
from assessor.core.rubric.validate import LoadedRubric


def rubric_ref(rubric: LoadedRubric) -> RubricRef:
    r = rubric.rubric
    return RubricRef(code=r.code, version=r.version, sha256=rubric.sha256)


def new_assessment(rubric: LoadedRubric, *, training: bool = False) -> Assessment:
    """A draft with one empty score entry per indicator, in rubric order."""
    return Assessment(
        rubric=rubric_ref(rubric),
        training=training,
        scores=[IndicatorScore(indicator=ind.id) for ind in rubric.indicators],
    )
