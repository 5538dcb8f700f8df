"""Pydantic models of the register's statistics: what `register stats --json` prints and
what the XLSX, the PDF report and the GUI screen show.

Every figure carries the number of assessments behind it; figures on fewer than
`MIN_SAMPLE` assessments are marked 「样本不足」 wherever they are shown. Shares and means are
exact decimals rounded once, half-up, to two places.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

MIN_SAMPLE = 5
INSUFFICIENT = "样本不足"
HUNDREDTH = Decimal("0.01")


def rounded(value: Fraction | Decimal | int) -> Decimal:
    """An exact value rounded once, half-up, to two decimals."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def percent(part: Fraction | int, whole: Fraction | int) -> Decimal | None:
    return rounded(Fraction(part) * 100 / Fraction(whole)) if whole else None


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Counted(Frozen):
    count: int = Field(ge=0, description="参与统计的评估份数")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def insufficient(self) -> bool:
        """Fewer than MIN_SAMPLE assessments: shown, but marked 「样本不足」."""
        return self.count < MIN_SAMPLE


class GroupBy(StrEnum):
    district = "district"
    operator = "operator"
    care_type = "care-type"
    assessor = "assessor"


GROUP_BY_LABELS = {
    GroupBy.district: "行政区划",
    GroupBy.operator: "机构性质",
    GroupBy.care_type: "托育服务类型",
    GroupBy.assessor: "评估人员",
}


class StatsFilter(Frozen):
    year: int | None = Field(default=None, ge=2000, le=2999, description="评估年份（评估日期）")
    by: GroupBy | None = None
    confirmed_only: bool = Field(
        default=False, description="只统计审核状态为「已确认」且无待核实事项的评估"
    )

    def describe(self) -> str:
        parts = [f"{self.year} 年" if self.year else "全部年份"]
        parts.append("仅已确认" if self.confirmed_only else "全部审核状态")
        if self.by:
            parts.append(f"按{GROUP_BY_LABELS[self.by]}分组")
        return "，".join(parts)


class GradeCount(Frozen):
    grade: str
    count: int
    percent: Decimal | None


class GradeDistribution(Counted):
    grades: list[GradeCount]


class DimensionStat(Counted):
    dimension: str
    name: str
    mean_percent: Decimal | None = Field(description="平均得分率（%）")
    median_percent: Decimal | None = Field(description="得分率中位数（%）")
    min_percent: Decimal | None = Field(description="最低得分率（%）")


class IndicatorStat(Counted):
    indicator: str
    short: str
    dimension: str
    mean_percent: Decimal = Field(description="平均得分率（%），不适用的不计")


class VetoStat(Counted):
    indicator: str
    short: str
    fired: int = Field(description="未达标的评估份数")
    percent: Decimal | None = Field(description="未达标占比（%）")


class CentreEntry(Frozen):
    """One current assessment named in a list (示范候选, 红榜 / 黑榜)."""

    assessment_id: str
    version: int
    name: str
    uscc: str
    division_code: str
    visit_date: dt.date | None
    total: Decimal
    grade: str
    vetoes: list[str] = Field(description="未达标的基础指标编号")


class Reassessment(Frozen):
    """A centre (same 统一社会信用代码) with more than one assessment, first and latest."""

    uscc: str
    name: str
    assessments: int
    first_date: dt.date | None
    first_total: Decimal
    first_grade: str
    latest_date: dt.date | None
    latest_total: Decimal
    latest_grade: str
    delta: Decimal = Field(description="最近一次总分减首次总分")


class Calibration(Counted):
    """An assessor's mean signed difference from comparable assessments by others.

    `count` is the number of the assessor's assessments that had at least one comparable
    assessment (same district and centre kind, another assessor) to compare with.
    """

    assessor_id: str
    name: str
    assessments: int
    mean_difference: Decimal | None = Field(description="与可比评估均值之差的平均（分）")


class GroupStats(Counted):
    key: str
    label: str
    mean_total: Decimal | None
    grades: GradeDistribution
    dimensions: list[DimensionStat]


class HeldBack(Frozen):
    """Assessments that would be in a published list but are held back, and why."""

    flagged: int = Field(ge=0, description="有待核实事项（未处理的标记）的评估份数")
    unconfirmed: int = Field(ge=0, description="无待核实事项但审核状态不是「已确认」的评估份数")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> int:
        return self.flagged + self.unconfirmed


class FlagCount(Frozen):
    """Open flags of one kind, counted as the assessments and centres they are about."""

    kind: str
    label: str
    assessments: int = Field(ge=0, description="涉及的评估份数")
    centres: int = Field(ge=0, description="涉及的机构家数")


class OpenFlags(Frozen):
    """The 待核实 work still open in the whole register (not only the filtered selection)."""

    assessments: int = Field(ge=0, description="至少有一项待核实事项的当前评估份数")
    centres: int = Field(ge=0, description="这些评估涉及的机构家数")
    by_kind: list[FlagCount]


STATISTICS_FORMAT = "assessor.statistics/1"


class Statistics(Counted):
    format: Literal["assessor.statistics/1"] = STATISTICS_FORMAT
    filter: StatsFilter
    generated_at: dt.datetime
    cycle: str = Field(description="评估周期：示范候选须在此周期内评估")
    training: int = Field(ge=0, description="其中以培训密钥签名的样例评估份数")
    mean_total: Decimal | None
    grades: GradeDistribution
    dimensions: list[DimensionStat]
    weakest: list[IndicatorStat]
    vetoes: list[VetoStat]
    candidates_count: int = Field(ge=0, description="示范候选家数")
    candidates: list[CentreEntry] = Field(description="按总分从高到低；可只含前若干家")
    candidates_held: HeldBack = Field(
        description="够示范条件但暂不列入的评估：只列已确认且无待核实事项的评估"
    )
    red_list_count: int = Field(ge=0, description="警示名单家数")
    red_list: list[CentreEntry] = Field(description="按总分从高到低；可只含前若干家")
    reassessments: list[Reassessment]
    calibration: list[Calibration]
    groups: list[GroupStats]
    held_back: HeldBack = Field(
        description="所选年份中未纳入「仅已确认」统计与公示的非培训评估（待核实 / 未确认）"
    )
    open_flags: OpenFlags
