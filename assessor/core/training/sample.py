"""Pydantic models of a sample centre: the single definition of the training sample format.

A sample is a fictional centre with an evidence dossier (what an assessor finds on the day,
indicator by indicator) and a reference scoring. Rules that need the rubric (coverage, allowed
levels, the declared grade) live in `validate.py`.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, ValidationError, model_validator

from assessor.core.assessment.model import Centre, RubricRef
from assessor.core.paths import samples_dir
from assessor.core.problems import ProblemsError, problems_from_validation
from assessor.core.safe_input import parse_json_object, read_regular_file

SAMPLE_FORMAT = "assessor.sample/1"
# A sample with long dossier texts is about 50 KB; anything far larger is not a sample.
MAX_SAMPLE_BYTES = 4 * 1024 * 1024


def _json_number(value: Decimal) -> int | float:
    """Points have at most two decimals, which a JSON number holds exactly; a number reads
    better than a string in a file trainers edit."""
    return int(value) if value == value.to_integral_value() else float(value)


Points = Annotated[
    Decimal,
    Field(ge=0, max_digits=7, decimal_places=2),
    PlainSerializer(_json_number, return_type=int | float, when_used="json"),
]


class Strict(BaseModel):
    """Unknown keys are errors, so typos in sample files surface."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ReferenceScore(Strict):
    score: Points | None = None
    na: bool = False
    rationale: str = Field(min_length=1, description="为什么是这一档，引用档案中的发现")

    @model_validator(mode="after")
    def _score_or_na(self) -> ReferenceScore:
        if self.na == (self.score is not None):
            raise ValueError("参考评分必须二选一：给出分值，或标记为不适用")
        return self


class DossierEntry(Strict):
    indicator: str = Field(min_length=1, description="条款号，如 9.4.3")
    found: str = Field(
        min_length=1, description="评估当天的发现：查阅的资料、现场观察、工作人员与家长的说法"
    )
    reference: ReferenceScore


class SampleCentre(Strict):
    format: Literal["assessor.sample/1"] = SAMPLE_FORMAT
    id: str = Field(pattern=r"^[a-z0-9-]+$", max_length=60, description="样例编号")
    title: str = Field(min_length=1, max_length=100)
    mode: Literal["practice", "test"] = Field(
        description="practice：提交后显示参考评分与理由；test：只显示一致性指标"
    )
    difficulty: Literal["easy", "medium", "hard"]
    summary: str = Field(min_length=1, description="样例简介（给培训者和学员看的概况）")
    rubric: RubricRef
    centre: Centre
    visit_date: date
    expected_grade: str = Field(min_length=1, max_length=4)
    expected_total: Points
    dossier: list[DossierEntry] = Field(min_length=1)


def parse_sample(raw: bytes | str, where: str) -> SampleCentre:
    """Parse and validate sample JSON; raise ProblemsError listing every problem."""
    data = parse_json_object(raw, where)
    try:
        return SampleCentre.model_validate(data)
    except ValidationError as exc:
        raise ProblemsError(problems_from_validation(where, exc)) from exc


def load_sample(path: str | Path) -> SampleCentre:
    return parse_sample(read_regular_file(Path(path), MAX_SAMPLE_BYTES), str(path))


def sample_json(sample: SampleCentre) -> bytes:
    """The canonical file form: key order of the model, two-space indent, UTF-8, final newline."""
    data = sample.model_dump(mode="json")
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def bundled_sample_paths() -> list[Path]:
    """The sample centre files shipped with the app, in file name order."""
    return sorted(samples_dir().glob("*.json"))
