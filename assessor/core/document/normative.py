"""What a document's result means, as opposed to how it is worded, and recomputing it by the
scoring engine the document names.

Verification compares only the normative fields: the numbers, statuses and the grade that
scores decide. Names, labels and the explanation are wording; a later release may reword them
and every file signed before must still verify.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assessor.core.assessment.model import Assessment
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring import engine, engine_v1
from assessor.core.scoring.result import Result

Engine = Callable[[LoadedRubric, Assessment], Result]

ENGINES: dict[str, Engine] = {
    engine_v1.ENGINE: engine_v1.compute_result,
    engine.ENGINE: engine.compute_result,
}
CURRENT_ENGINE = engine.ENGINE


def normative(result: Result) -> dict[str, Any]:
    """The fields of a result that scores decide, in a form two results can be compared by."""
    return {
        "total": result.total,
        "max": result.max,
        "earned": result.earned,
        "applicable_max": result.applicable_max,
        "grade": result.grade,
        "dimensions": [
            {
                "id": d.id,
                "max": d.max,
                "earned": d.earned,
                "applicable_max": d.applicable_max,
                "score": d.score,
                "scored": d.scored,
                "indicators": d.indicators,
                "items": [(i.id, i.max, i.earned, i.applicable_max, i.score) for i in d.items],
            }
            for d in result.dimensions
        ],
        "vetoes": [(v.indicator, v.status, v.score) for v in result.vetoes],
        "completeness": (
            result.completeness.scored,
            result.completeness.total,
            result.completeness.missing,
        ),
    }


def differences(stored: Result, recomputed: Result) -> list[str]:
    """Names of the normative fields that differ, in Chinese, for the reason shown."""
    a, b = normative(stored), normative(recomputed)
    labels = {
        "total": "总分",
        "max": "满分",
        "earned": "实得分",
        "applicable_max": "应得分",
        "grade": "等级",
        "dimensions": "维度与项目得分",
        "vetoes": "基础指标判定",
        "completeness": "完成情况",
    }
    return [labels[key] for key in a if a[key] != b[key]]
