"""Pydantic models of a scoring result; part of the exported assessment contract."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ItemResult(Strict):
    id: str
    name: str
    max: float
    earned: float = Field(description="已评指标实得分之和")
    applicable_max: float = Field(description="适用指标满分之和（不适用的指标不计）")
    score: float = Field(description="该项目计入维度的得分（项目不折算，等于实得分）")


class DimensionResult(Strict):
    id: str
    name: str
    max: float
    earned: float
    applicable_max: float
    score: float
    scored: int
    indicators: int
    items: list[ItemResult]


VetoStatus = Literal["met", "unmet", "unscored", "na"]


class VetoResult(Strict):
    indicator: str
    short: str
    status: VetoStatus
    score: float | None


class GradeExplanation(Strict):
    grade: str
    label: str
    band_grade: str = Field(description="仅按总分应得的等级")
    capped_by_veto: bool
    provisional_rule: bool = Field(description="等级规则未经核实")
    predicted: bool = Field(description="尚有指标未评分，等级为预测")
    next_grade: str | None
    points_to_next: float | None
    reasons: list[str]


class Completeness(Strict):
    scored: int
    total: int
    missing: list[str] = Field(description="尚未评分的指标编号，按评估标准顺序")

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def percent(self) -> int:
        return round(100 * self.scored / self.total) if self.total else 100


class Result(Strict):
    total: float = Field(description="等级所依据的总分（按不适用规则折算，截取到 0.01 分）")
    max: float
    earned: float | None = Field(
        default=None, description="适用指标实得分之和（计分引擎 2 起记录）"
    )
    applicable_max: float | None = Field(
        default=None, description="适用指标满分之和，即应得分（计分引擎 2 起记录）"
    )
    dimensions: list[DimensionResult]
    vetoes: list[VetoResult]
    grade: str
    explanation: GradeExplanation
    completeness: Completeness
