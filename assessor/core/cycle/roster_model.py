"""A centre on the city's 备案 roster, and the roster file's columns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from assessor.core.assessment.model import OPERATOR_LABELS, Operator


class RosterCentre(BaseModel):
    """One row of the roster, checked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    uscc: str = Field(description="统一社会信用代码，带校验位")
    name: str = Field(min_length=1, max_length=100)
    division_code: str = Field(description="行政区划代码，6 位、9 位或 12 位数字")
    address: str = Field(default="", max_length=200)
    operator: Operator | None = None
    places: int | None = Field(default=None, ge=0, le=5000)
    filed_on: dt.date | None = Field(default=None, description="备案日期")

    @property
    def district(self) -> str:
        """The county-level division (first six digits): the unit of sampling and of
        cross-inspection."""
        return self.division_code[:6]


@dataclass(frozen=True)
class Column:
    field: str
    title: str
    required: bool
    aliases: tuple[str, ...] = ()
    example: str = ""


# Titles as the template writes them; aliases are the names the national 托育机构备案信息
# system and common city spreadsheets use for the same column.
COLUMNS: tuple[Column, ...] = (
    Column("name", "机构名称", True, ("托育机构名称", "单位名称"), "示例市阳光托育中心有限公司"),
    Column(
        "uscc",
        "统一社会信用代码",
        True,
        ("社会信用代码", "统一社会信用代码（机构）"),
        "91110105MA01A2B3XQ",
    ),
    Column("division_code", "行政区划代码", True, ("所在地区划代码", "区划代码"), "110105"),
    Column(
        "address", "地址", False, ("机构地址", "详细地址", "注册地址"), "示例市示例区幸福路 1 号"
    ),
    Column("operator", "机构性质", False, ("举办性质", "机构类型（性质）"), "民办营利"),
    Column("places", "托位数", False, ("备案托位数", "收托规模（托位数）"), "80"),
    Column("filed_on", "备案日期", False, ("备案时间",), "2025-03-18"),
)

OPERATOR_BY_LABEL: dict[str, Operator] = {label: op for op, label in OPERATOR_LABELS.items()}
