"""Pydantic models of an assessment: the single definition of the stored and exported record.

A draft may have an incomplete profile (the assessor fills it in during the visit); what is
entered must still be well-formed. `profile_gaps` says what finalising still needs.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, Field, field_validator, model_validator

from assessor.core.assessment.base import Evidence, Strict, new_id
from assessor.core.assessment.status import Status
from assessor.core.assessment.team import Acknowledgement, Team
from assessor.core.assessment.uscc import uscc_problem
from assessor.core.clock import now_utc
from assessor.core.vocabulary import ClassKind

# Format 2 adds the team, the centre's acknowledgement, the expected number of signatures, the
# author (`by`) of audit entries and the commission's plan a visit was made for; format 1 files
# (single assessor, no plan) are still read.
ASSESSMENT_FORMAT_1 = "assessor.assessment/1"
ASSESSMENT_FORMAT = "assessor.assessment/2"
ASSESSMENT_FORMATS = (ASSESSMENT_FORMAT_1, ASSESSMENT_FORMAT)


class CareType(StrEnum):
    full_day = "full_day"
    half_day = "half_day"
    hourly = "hourly"
    temporary = "temporary"


CARE_TYPE_LABELS = {
    CareType.full_day: "全日托",
    CareType.half_day: "半日托",
    CareType.hourly: "计时托",
    CareType.temporary: "临时托",
}


class CentreKind(StrEnum):
    institution = "institution"
    home = "home"


CENTRE_KIND_LABELS = {CentreKind.institution: "托育机构", CentreKind.home: "家庭托育点"}


class Operator(StrEnum):
    public = "public"
    private_nonprofit = "private_nonprofit"
    private_forprofit = "private_forprofit"
    employer = "employer"
    kindergarten = "kindergarten"


OPERATOR_LABELS = {
    Operator.public: "公办",
    Operator.private_nonprofit: "民办非营利",
    Operator.private_forprofit: "民办营利",
    Operator.employer: "用人单位办",
    Operator.kindergarten: "幼儿园托班",
}


class ClassGroup(Strict):
    name: str = Field(default="", max_length=40)
    kind: ClassKind
    children: int = Field(ge=0, le=200)
    carers: int = Field(ge=0, le=50)
    room_m2: float | None = Field(
        default=None, ge=0, le=10000, description="本班活动用房（乳儿班为活动区）使用面积，平方米"
    )


class StaffCounts(Strict):
    """Head counts of the five staff roles (WS/T 821 §3.2)."""

    principal: int = Field(default=0, ge=0, le=20)
    carers: int = Field(default=0, ge=0, le=500)
    health_fulltime: int = Field(default=0, ge=0, le=50)
    health_parttime: int = Field(default=0, ge=0, le=50)
    security: int = Field(default=0, ge=0, le=100)
    cooks: int = Field(default=0, ge=0, le=100)


STAFF_LABELS = {
    "principal": "负责人",
    "carers": "保育人员",
    "health_fulltime": "卫生保健人员（专职）",
    "health_parttime": "卫生保健人员（兼职）",
    "security": "保安人员",
    "cooks": "炊事人员",
}


class Centre(Strict):
    name: str = Field(default="", max_length=100)
    uscc: str = Field(default="", description="统一社会信用代码（GB 32100）")
    address: str = Field(default="", max_length=200)
    division_code: str = Field(default="", description="行政区划代码，6 位或 12 位数字")
    kind: CentreKind = CentreKind.institution
    operator: Operator | None = None
    care_types: list[CareType] = Field(default_factory=list)
    places: int = Field(default=0, ge=0, le=5000, description="登记托位数")
    meals_served: bool = True
    classes: list[ClassGroup] = Field(default_factory=list)
    staff: StaffCounts = Field(default_factory=StaffCounts)
    indoor_area_m2: float = Field(default=0, ge=0, le=100000)
    outdoor_area_m2: float = Field(default=0, ge=0, le=100000)
    outdoor_constrained: bool = Field(
        default=False,
        description="城市人口密集地区改、扩建，设置户外场地确有困难（户外面积按较低下限核查）",
    )

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, value: str) -> str:
        value = value.strip().upper()
        if value and (problem := uscc_problem(value)):
            raise ValueError(problem)
        return value

    @field_validator("division_code")
    @classmethod
    def _division(cls, value: str) -> str:
        value = value.strip()
        if value and not (value.isdigit() and len(value) in (6, 9, 12)):
            raise ValueError("行政区划代码应为 6 位、9 位或 12 位数字")
        return value

    @field_validator("care_types")
    @classmethod
    def _unique_care_types(cls, value: list[CareType]) -> list[CareType]:
        return list(dict.fromkeys(value))

    @property
    def children(self) -> int:
        return sum(c.children for c in self.classes)


class AssessorRef(Strict):
    name: str = Field(min_length=1, max_length=40)
    assessor_id: str = Field(min_length=1, max_length=40, description="评估员编号")


class Visit(Strict):
    date: dt.date | None = None
    assessors: list[AssessorRef] = Field(default_factory=list)


class IndicatorScore(Strict):
    indicator: str
    score: float | None = None
    na: bool = False
    note: str = ""
    evidence: list[Evidence] = Field(default_factory=list)

    @model_validator(mode="after")
    def _score_or_na(self) -> IndicatorScore:
        if self.na and self.score is not None:
            raise ValueError("同一指标不能既有得分又标记为不适用")
        return self

    @property
    def is_scored(self) -> bool:
        return self.na or self.score is not None


class RubricRef(Strict):
    code: str
    version: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Supersedes(Strict):
    version: int = Field(ge=1)
    sha256: str = Field(description="被替代版本签名文件的规范化内容哈希")


class PlanRef(Strict):
    """The commission's plan a visit was made for (格式 2)."""

    plan_id: str = Field(pattern=r"^[A-Za-z0-9-]{1,40}$", description="评估计划编号")
    team_id: str = Field(min_length=1, max_length=40, description="评估组")


class Assessment(Strict):
    format: Literal["assessor.assessment/1", "assessor.assessment/2"] = ASSESSMENT_FORMAT
    id: str = Field(default_factory=new_id, pattern=r"^[0-9a-f]{32}$", description="评估编号")
    version: int = Field(default=1, ge=1)
    supersedes: Supersedes | None = None
    amendment_reason: str = ""
    status: Status = Status.draft
    training: bool = False
    rubric: RubricRef
    centre: Centre = Field(default_factory=Centre)
    visit: Visit = Field(default_factory=Visit)
    scores: list[IndicatorScore]
    team: Team | None = Field(default=None, description="评估组（格式 2 起）")
    acknowledgement: Acknowledgement | None = Field(
        default=None, description="现场反馈确认：机构负责人签字或拒签（格式 2 起）"
    )
    created_at: AwareDatetime = Field(default_factory=now_utc)
    updated_at: AwareDatetime = Field(default_factory=now_utc)
    finalised_at: AwareDatetime | None = None
    plan: PlanRef | None = Field(
        default=None,
        exclude_if=lambda plan: plan is None,
        description="按卫生健康委评估计划进行的评估所属的计划（仅格式 2；无计划时不写出）",
    )

    @model_validator(mode="after")
    def _plan_needs_format_2(self) -> Assessment:
        if self.plan is not None and self.format == ASSESSMENT_FORMAT_1:
            raise ValueError("注明评估计划的评估格式应为 assessor.assessment/2")
        return self

    @model_validator(mode="after")
    def _versions(self) -> Assessment:
        if (self.version > 1) != (self.supersedes is not None):
            raise ValueError("第 2 版及以后必须注明所替代的版本，第 1 版不能注明")
        if self.supersedes is not None and self.supersedes.version != self.version - 1:
            raise ValueError("所替代的版本号应为当前版本号减 1")
        if self.version > 1 and not self.amendment_reason.strip():
            raise ValueError("修订版本必须写明修订原因")
        if self.format == ASSESSMENT_FORMAT_1 and (self.team or self.acknowledgement):
            raise ValueError("格式 1 的评估不能含评估组或现场反馈确认")
        return self

    def score_of(self, indicator_id: str) -> IndicatorScore:
        for entry in self.scores:
            if entry.indicator == indicator_id:
                return entry
        raise KeyError(indicator_id)


def profile_gaps(assessment: Assessment) -> list[str]:
    """What the profile and visit still lack before the assessment can be finalised."""
    centre, visit = assessment.centre, assessment.visit
    gaps = [
        label
        for label, missing in (
            ("机构名称", not centre.name.strip()),
            ("统一社会信用代码", not centre.uscc),
            ("机构地址", not centre.address.strip()),
            ("行政区划代码", not centre.division_code),
            ("托育服务类型", not centre.care_types),
            ("评估日期", visit.date is None),
            ("评估人员", not visit.assessors),
        )
        if missing
    ]
    if centre.kind is CentreKind.institution and not centre.classes:
        gaps.append("班级设置")
    return gaps
