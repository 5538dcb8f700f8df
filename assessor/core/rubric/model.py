"""Pydantic models of a rubric file: the single definition of the rubric format.

Structural rules that need the whole tree (sums, unique ids, basic count) live in
`validate.py` so that every problem can be reported at once with its path.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

RUBRIC_FORMAT_V1 = "assessor.rubric/1"
# Format 2 adds the documents, every indicator's and check parameter group's basis and the
# change log, and requires them; format 1 files load as they always did.
RUBRIC_FORMAT = "assessor.rubric/2"

CLAUSE_PATTERN = r"^\d+(\.\d+)*$"


class Strict(BaseModel):
    """Base for format models: unknown keys are errors, so typos in data files surface."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def later(default: Any = None, **kwargs: Any) -> Any:
    """A field added after format 1. Left out of the dumped data while at its default, so a
    model read from an older file dumps to that file's data and keeps its content hash."""
    if isinstance(default, list):
        return Field(default_factory=list, exclude_if=lambda value: value == [], **kwargs)
    return Field(default=default, exclude_if=lambda value: value == default, **kwargs)


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
    CheckId.indoor_area: "班级活动用房面积",
    CheckId.outdoor_area: "户外面积（按托位）",
    CheckId.home_care: "家庭托育点规模与配比",
}


class DocumentKind(StrEnum):
    """What a basis document is to this rubric; the provenance counts group by it."""

    standard = "standard"  # the standard this rubric encodes, or reports of its text
    national = "national"  # a national law, rule or standard it builds on
    local = "local"  # a province's or city's rule


DOCUMENT_KIND_LABELS: dict[DocumentKind, str] = {
    DocumentKind.standard: "本标准",
    DocumentKind.national: "国家规定",
    DocumentKind.local: "地方规定",
}

PROJECT_BASIS_LABEL = "本项目拟定"


class Document(Strict):
    """A document indicators and check parameters rest on, listed once in the rubric header."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=40, description="引用用的编号")
    title: str = Field(min_length=1, description="文件全称")
    issuer: str = Field(default="", description="发布机关")
    number: str = Field(default="", description="文号或标准号")
    year: int = Field(ge=1949, le=2100)
    kind: DocumentKind
    verified: bool = Field(description="条文是否已与原文核对；仅据报道或转述时为否")


class BasisRef(Strict):
    document: str = Field(min_length=1, description="documents 中的编号")
    section: str = Field(default="", description="条、款、章节，已知时填写")


class Basis(Strict):
    """What an indicator or a check parameter group rests on: documents and/or the project's
    own drafting (`project`, shown as 本项目拟定), with a note saying which part is which."""

    refs: list[BasisRef] = Field(default_factory=list)
    project: bool = Field(default=False, description="含本项目拟定的内容（如分档数字）")
    note: str = ""


class ChangeEntry(Strict):
    target: str = Field(min_length=1, description="指标编号、核查参数名或 rubric")
    what: str = Field(min_length=1)
    why: str = Field(min_length=1)
    basis: Basis


class Change(Strict):
    version: str = Field(min_length=1)
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    entries: list[ChangeEntry] = Field(min_length=1)


class FactKind(StrEnum):
    """What kind of situation an indicator's text distinguishes."""

    count = "count"  # how many fall short (days without a record, files with gaps)
    frequency = "frequency"  # how often something was done in a period
    yes_no = "yes_no"


FACT_KIND_LABELS: dict[FactKind, str] = {
    FactKind.count: "计数",
    FactKind.frequency: "频次",
    FactKind.yes_no: "是否",
}


class LadderFact(Strict):
    """One fact the scoring levels tell apart, with the values it can take: 0 to `top`, where
    `top` stands for "top or more" (a yes/no fact is 0 = 否, 1 = 是). With the facts listed,
    the validator checks that every situation falls in exactly one level and that a better
    situation never scores lower (see `rubric/ladder.py`)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40, description="事实编号")
    text: str = Field(min_length=1, description="判定的事实，如 近1个月晨午检记录缺失的天数")
    kind: FactKind
    top: int = Field(default=1, ge=1, le=60, description="取值 0…top，top 表示“top 及以上”")
    better: Literal["higher", "lower"] = Field(description="取值越高越好（higher）或越低越好")


Span = tuple[int, int]


class ScoreLevel(Strict):
    points: float = Field(ge=0)
    label: str = Field(min_length=1, description="短名称，如 符合 / 部分符合 / 不符合")
    criterion: str = Field(min_length=1, description="评分标准：得到该分值需要满足什么")
    when: list[dict[str, Span]] = later(
        [],
        description="本档适用的情形：满足任一组条件即属本档；每组条件为 事实编号 → [最小值, 最大值]",
    )


class BasicFlag(Strict):
    """Marks a basic (veto) indicator; `verified` is false while the list is a draft."""

    verified: bool
    note: str = ""
    na_allowed: bool = later(
        False, description="该基础指标能否判定为不适用（需同时写明不适用条件）"
    )
    veto_below: float | None = later(
        None, gt=0, description="得分低于此值为未达标（否决）；缺省为满分"
    )


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
    basis: Basis | None = later()
    ladder: list[LadderFact] = later(
        [], description="评分档次区分的事实，列出时由校验检查档次全覆盖"
    )

    def veto_threshold(self) -> float:
        """A basic indicator scored below this is unmet (vetoes the grade)."""
        if self.basic is not None and self.basic.veto_below is not None:
            return self.basic.veto_below
        return self.max


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
        default="max", description="基础指标得分低于满分（或其 basic.veto_below）即视为未达标"
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
    verified: bool = Field(description="班额（及未单列时的配比）是否已核实")
    ratio_verified: bool | None = later(description="配比单独核实与否；缺省同 verified")
    min_room_m2: float | None = later(gt=0, description="班级活动用房使用面积下限（平方米）")
    basis: Basis | None = later()

    def ratio_is_verified(self) -> bool:
        return self.verified if self.ratio_verified is None else self.ratio_verified


class CheckParameters(Strict):
    """Numbers from the national rules the computed checks use; each group says if verified.

    Format 1 gave health staff as a threshold and areas per enrolled child; format 2 gives
    health staff per each N children, outdoor area per registered place (托位) and room minima
    per class (in `class_limits`). The format 1 fields stay so that older files load."""

    class_limits: dict[Literal["infant", "toddler_small", "toddler_large", "mixed"], ClassLimit]
    health_fulltime_from_children: int | None = later(gt=0, description="格式 1")
    health_children_per_fulltime: int | None = later(
        gt=0, description="每收托此数婴幼儿至少配备 1 名专职卫生保健人员"
    )
    health_verified: bool
    health_basis: Basis | None = later()
    indoor_m2_per_child: float | None = later(gt=0, description="格式 1")
    outdoor_m2_per_child: float | None = later(gt=0, description="格式 1")
    outdoor_m2_per_place: float | None = later(gt=0, description="每托位户外活动场地面积下限")
    outdoor_m2_per_place_constrained: float | None = later(
        gt=0, description="用地紧张的城市改扩建项目每托位户外面积下限"
    )
    area_verified: bool = Field(description="户外面积参数是否已核实")
    room_verified: bool | None = later(description="班级活动用房面积下限是否已核实")
    area_basis: Basis | None = later()
    home_care_max_children: int = Field(gt=0)
    home_care_children_per_carer: float = Field(gt=0)
    home_care_verified: bool
    home_care_basis: Basis | None = later()
    home_care_scope: str = later(
        "", description="家庭托育点是否适用本标准的说明（评估家庭托育点时显示）"
    )


class Rubric(Strict):
    format: Literal["assessor.rubric/1", "assessor.rubric/2"] = RUBRIC_FORMAT
    code: str = Field(min_length=1)
    title: str = Field(min_length=1)
    version: str = Field(min_length=1, description="本数据文件的版本")
    issuer: str
    published: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    effective: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    notes: str = ""
    documents: list[Document] = later([])
    changes: list[Change] = later([], description="修订记录，最新在后")
    total: float = Field(gt=0)
    basic_count: int = Field(ge=0)
    grade_rule: GradeRule
    na_rule: NaRule
    check_parameters: CheckParameters
    dimensions: list[Dimension] = Field(min_length=1)
