"""Pydantic models of a rubric file: the single definition of the rubric format.

Structural rules that need the whole tree (sums, unique ids, basic count) live in
`validate.py` so that every problem can be reported at once with its path.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RUBRIC_FORMAT = "assessor.rubric/1"

CLAUSE_PATTERN = r"^\d+(\.\d+)*$"


class Strict(BaseModel):
    """Base for format models: unknown keys are errors, so typos in data files surface."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(StrEnum):
    """Where a text comes from; anything not taken from a public source is `drafted`."""

    standard = "standard"  # wording from the national press release or national rules
    secondary = "secondary"  # wording reported by one public secondary source
    drafted = "drafted"  # written for this rubric file; to be replaced by the official text


class Method(StrEnum):
    documents = "documents"
    site_inspection = "site_inspection"
    interview = "interview"
    observation = "observation"
    demonstration = "demonstration"


METHOD_LABELS: dict[Method, str] = {
    Method.documents: "查阅资料",
    Method.site_inspection: "现场查看",
    Method.interview: "访谈",
    Method.observation: "观察",
    Method.demonstration: "操作演示",
}

SOURCE_LABELS: dict[Source, str] = {
    Source.standard: "标准原文",
    Source.secondary: "公开资料",
    Source.drafted: "拟定",
}


class CheckId(StrEnum):
    """Computed checks from the national rules; indicators list the ones that inform them."""

    class_size = "class_size"
    carer_ratio = "carer_ratio"
    health_staff = "health_staff"
    indoor_area = "indoor_area"
    outdoor_area = "outdoor_area"
    home_care = "home_care"


CHECK_LABELS: dict[CheckId, str] = {
    CheckId.class_size: "班级规模",
    CheckId.carer_ratio: "保育人员配比",
    CheckId.health_staff: "卫生保健人员",
    CheckId.indoor_area: "室内生均面积",
    CheckId.outdoor_area: "户外生均面积",
    CheckId.home_care: "家庭托育点规模与配比",
}


class ScoreLevel(Strict):
    points: float = Field(ge=0)
    label: str = Field(min_length=1, description="短名称，如 符合 / 部分符合 / 不符合")
    criterion: str = Field(min_length=1, description="评分标准：得到该分值需要满足什么")


class BasicFlag(Strict):
    """Marks a basic (veto) indicator; `verified` is false while the list is a draft."""

    verified: bool
    note: str = ""


class Indicator(Strict):
    id: str = Field(pattern=CLAUSE_PATTERN, description="条款号，如 9.4.3")
    text: str = Field(min_length=1)
    short: str = Field(min_length=1, max_length=40, description="报告与列表中使用的短名称")
    max: float = Field(gt=0)
    levels: list[ScoreLevel] = Field(min_length=2)
    methods: list[Method] = Field(min_length=1)
    basic: BasicFlag | None = None
    na_allowed: bool = False
    na_condition: str = ""
    evidence_hints: list[str] = Field(default_factory=list)
    checks: list[CheckId] = Field(default_factory=list)
    source: Source


class Item(Strict):
    id: str = Field(pattern=CLAUSE_PATTERN)
    name: str = Field(min_length=1)
    max: float = Field(gt=0)
    indicators: list[Indicator] = Field(min_length=1)


class Dimension(Strict):
    id: str = Field(pattern=r"^\d+$", description="章号，如 4")
    name: str = Field(min_length=1)
    max: float = Field(gt=0)
    items: list[Item] = Field(min_length=1)


class GradeBand(Strict):
    grade: str = Field(min_length=1, max_length=4)
    label: str = Field(min_length=1)
    min_total: float = Field(ge=0, description="达到该等级所需的最低总分（含）")


class GradeRule(Strict):
    """A/B/C/D bands by total, plus the veto cap. Bands are listed best first."""

    verified: bool
    notice: str = Field(description="等级规则未经核实时随等级一起显示的提示")
    bands: list[GradeBand] = Field(min_length=1)
    fallback: GradeBand = Field(description="总分低于所有分档时的等级")
    veto_grade: str = Field(description="任一基础指标未达标时等级最高为此")
    veto_unmet_below: Literal["max"] = Field(
        default="max", description="基础指标得分低于满分即视为未达标"
    )
    text: str = Field(min_length=1, description="规则的中文表述")


class NaRule(Strict):
    """How scores are converted when some indicators are not applicable (合理缺项).

    At every level (item, dimension, total) the result states the points earned on applicable
    indicators and the applicable maximum; both add up level by level. The conversion to the
    full scale is applied once: `rescale_total` converts only the total
    (earned ÷ applicable × total), `rescale_dimension` converts each dimension
    (earned ÷ applicable × dimension maximum) and adds the converted dimensions.
    """

    method: Literal["rescale_dimension", "rescale_total"] = "rescale_dimension"
    text: str = Field(min_length=1)


class ClassLimit(Strict):
    label: str
    max_children: int = Field(gt=0)
    children_per_carer: float | None = Field(default=None, gt=0)
    verified: bool


class CheckParameters(Strict):
    """Numbers from the national rules the computed checks use; each group says if verified."""

    class_limits: dict[Literal["infant", "toddler_small", "toddler_large", "mixed"], ClassLimit]
    health_fulltime_from_children: int = Field(gt=0)
    health_verified: bool
    indoor_m2_per_child: float = Field(gt=0)
    outdoor_m2_per_child: float = Field(gt=0)
    area_verified: bool
    home_care_max_children: int = Field(gt=0)
    home_care_children_per_carer: float = Field(gt=0)
    home_care_verified: bool


class Rubric(Strict):
    format: Literal["assessor.rubric/1"] = RUBRIC_FORMAT
    code: str = Field(min_length=1)
    title: str = Field(min_length=1)
    version: str = Field(min_length=1, description="本数据文件的版本")
    issuer: str
    published: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    effective: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    notes: str = ""
    total: float = Field(gt=0)
    basic_count: int = Field(ge=0)
    grade_rule: GradeRule
    na_rule: NaRule
    check_parameters: CheckParameters
    dimensions: list[Dimension] = Field(min_length=1)
