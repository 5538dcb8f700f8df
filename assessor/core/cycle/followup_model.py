"""Follow-up visits (复查): the task the register sends, and the signed record that comes back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, Field

from assessor.core.cycle.plan_model import Strict
from assessor.core.signing.json_envelope import SignatureBlock

TASK_FORMAT = "assessor-followup-task/1"
FOLLOWUP_FORMAT = "assessor-followup/1"
TASK_SUFFIX = ".assessor-followup"


class OpenItem(Strict):
    indicator_id: str
    kind: Literal["basic", "indicator"]
    score: Decimal
    max: Decimal
    finding: str
    evidence: list[str] = Field(description="原评估中的证据（说明或文件名）")
    due_on: dt.date


class FollowUpCentre(Strict):
    uscc: str
    name: str
    address: str
    division_code: str


class FollowUpTask(Strict):
    """What the laptop shows on a follow-up visit: only the open items, with the findings."""

    format: Literal["assessor-followup-task/1"] = TASK_FORMAT
    task_id: str = Field(pattern=r"^[A-Za-z0-9-]{1,60}$")
    commission: str
    assessment_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    version: int = Field(ge=1)
    original_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="原评估签名文件的哈希")
    centre: FollowUpCentre
    items: list[OpenItem] = Field(min_length=1)
    created_at: AwareDatetime
    trust_roots: list[str] = Field(min_length=1)
    crl: str | None = None
    signature: SignatureBlock | None = None


class EvidenceFile(Strict):
    file: str = Field(min_length=1, description="复查文件夹中的文件名")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    caption: str = ""


class Outcome(Strict):
    indicator_id: str
    outcome: Literal["rectified", "partly", "not_rectified"]
    note: str = Field(default="", max_length=2000)
    evidence: list[EvidenceFile] = Field(default_factory=list)


class FollowUp(Strict):
    """The assessor's signed record of a follow-up visit, linked to the original assessment."""

    format: Literal["assessor-followup/1"] = FOLLOWUP_FORMAT
    task_id: str
    assessment_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    version: int = Field(ge=1)
    original_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    centre: FollowUpCentre
    visited_on: dt.date
    assessor_name: str = Field(min_length=1, max_length=40)
    assessor_id: str = Field(min_length=1, max_length=40)
    outcomes: list[Outcome]
    signature: SignatureBlock | None = None
