"""The visit plan: the document a commission signs, and what each planned visit holds."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from assessor.core.cycle.roster_model import RosterCentre
from assessor.core.cycle.teams import Team
from assessor.core.signing.json_envelope import SignatureBlock

PLAN_FORMAT = "assessor-plan/1"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SampleRule(Strict):
    """How the visits were chosen, so anyone can draw the same sample again."""

    fraction: str = Field(description="抽样比例，分数形式，如 1/10")
    by: Literal["district"] = "district"
    seed: int
    always: list[str] = Field(
        default_factory=list, description="必查类别：never_assessed、low_grade、open_flags"
    )
    low_grades: list[str] = Field(default_factory=list, description="视为低等级的等级")


class PlannedVisit(Strict):
    centre: RosterCentre
    team_id: str
    reason: str = Field(description="sampled、listed 或必查类别")


class PlannedFollowUp(Strict):
    """A follow-up visit (复查) to a centre with open rectification items: its plan package
    carries the commission's follow-up task with the open items as they stand then."""

    uscc: str
    name: str
    district: str = Field(description="区县（行政区划代码前 6 位）")
    assessment_id: str = Field(pattern=r"^[0-9a-f]{32}$", description="待整改事项所属的评估")
    open_items: int = Field(ge=1, description="制定计划时的待整改事项数")
    team_id: str


class Plan(Strict):
    format: Literal["assessor-plan/1"] = PLAN_FORMAT
    plan_id: str = Field(pattern=r"^[A-Za-z0-9-]{1,40}$")
    cycle: str = Field(pattern=r"^\d{4}$")
    commission: str = Field(min_length=1, max_length=100, description="卫生健康委名称")
    created_at: AwareDatetime
    due_on: dt.date = Field(description="计划完成日期：此后仍未完成的访视为逾期")
    sample: SampleRule | None = Field(description="null：按指定名单")
    teams: list[Team]
    visits: list[PlannedVisit]
    followups: list[PlannedFollowUp] = Field(
        default_factory=list, description="计划复查的机构（有待整改事项）"
    )
    signature: SignatureBlock | None = None

    def team(self, team_id: str) -> Team:
        return next(t for t in self.teams if t.team_id == team_id)
