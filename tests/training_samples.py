"""Sample centres and trainee scorings built in code for the small test rubric."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal

from assessor.core.assessment.model import Assessment, AssessorRef, Centre, IndicatorScore, Visit
from assessor.core.document.new import rubric_ref
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.training.sample import SampleCentre, bundled_sample_paths

# Reference of the small rubric: 4.1.1 6/6, 4.1.2 2.5/4, 4.2.1 5/5, 5.1.1 (basic) 5/5,
# 5.1.2 N/A. Dimension 4: 13.5 of 15; dimension 5: 5 of 5 applicable → 10 of 10; total 23.5, A.
SMALL_REFERENCE: dict[str, float | None] = {
    "4.1.1": 6,
    "4.1.2": 2.5,
    "4.2.1": 5,
    "5.1.1": 5,
    "5.1.2": None,
}


def small_sample(
    rubric: LoadedRubric,
    mode: Literal["practice", "test"] = "practice",
    reference: dict[str, float | None] | None = None,
    sample_id: str = "small-one",
) -> SampleCentre:
    reference = reference or SMALL_REFERENCE
    dossier = [
        {
            "indicator": ind,
            "found": f"档案 {ind}：现场看到的情况与访谈记录。",
            "reference": (
                {"na": True, "rationale": f"理由 {ind}：不供餐。"}
                if score is None
                else {"score": Decimal(str(score)), "rationale": f"理由 {ind}：依据档案。"}
            ),
        }
        for ind, score in reference.items()
    ]
    return SampleCentre.model_validate(
        {
            "id": sample_id,
            "title": "小测试托育园",
            "mode": mode,
            "difficulty": "easy",
            "summary": "测试用样例。",
            "rubric": rubric_ref(rubric),
            "centre": Centre(name="小测试托育园", meals_served=False),
            "visit_date": "2026-03-12",
            "expected_grade": "A",
            "expected_total": Decimal("23.5"),
            "dossier": dossier,
        }
    )


def scoring(
    rubric: LoadedRubric, scores: dict[str, float | None], trainee: str = "T001"
) -> Assessment:
    """A trainee's scoring, with the trainee as its assessor; `None` marks N/A."""
    return Assessment(
        training=True,
        rubric=rubric_ref(rubric),
        visit=Visit(assessors=[AssessorRef(name="李静", assessor_id=trainee)]),
        scores=[
            IndicatorScore(indicator=ind, score=score, na=score is None)
            for ind, score in scores.items()
        ],
    )


PLAIN_TEST_SAMPLES = Path(__file__).parent / "data" / "samples-plain"


def plain_sample_paths() -> list[Path]:
    """Every bundled sample as a plain file: the practice samples as shipped, the test samples'
    plain originals (shipped only sealed), in name order."""
    plain = {p.name: p for p in PLAIN_TEST_SAMPLES.glob("*.json")}
    shipped = {p.name: p for p in bundled_sample_paths() if p.name not in plain}
    return [p for _, p in sorted({**shipped, **plain}.items())]
