"""A plan package: one team's share of a plan, with everything its laptops need offline."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import AwareDatetime, Field

from assessor.core.cycle.plan_model import PlannedVisit, Strict
from assessor.core.cycle.teams import Team
from assessor.core.signing.json_envelope import SignatureBlock

PACKAGE_FORMAT = "assessor-plan-package/1"
PACKAGE_SUFFIX = ".assessor-plan"


class PlanPackage(Strict):
    format: Literal["assessor-plan-package/1"] = PACKAGE_FORMAT
    plan_id: str = Field(pattern=r"^[A-Za-z0-9-]{1,40}$")
    plan_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="签名计划文件的 SHA-256")
    cycle: str = Field(pattern=r"^\d{4}$")
    commission: str
    due_on: dt.date
    created_at: AwareDatetime
    team: Team
    visits: list[PlannedVisit]
    followups: list[str] = Field(
        default_factory=list,
        description="计划复查的复查任务：每项为卫生健康委签名的复查任务文件（.assessor-followup）",
    )
    rubric: dict[str, Any] = Field(description="现行评估标准（JSON）")
    trust_roots: list[str] = Field(min_length=1, description="卫生健康委的根证书（PEM）")
    crl: str | None = Field(default=None, description="当前证书吊销列表（PEM）")
    signature: SignatureBlock | None = None

    def visit(self, uscc: str) -> PlannedVisit:
        return next(v for v in self.visits if v.centre.uscc == uscc)
