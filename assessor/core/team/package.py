"""The team package (`.assessor-team`): the leader's draft (profile, team and assignment) for
the members' laptops, one JSON file for a USB stick.

A member opens it on their laptop: the draft becomes a record there whose first audit entry
(`team_package`, by the member) says whose laptop it is. They score what is assigned to them
and export their part (see `part`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from assessor.core import audit
from assessor.core.assessment.model import Assessment, Status
from assessor.core.audit import AuditEntry
from assessor.core.canonical import canonical_bytes
from assessor.core.clock import now_utc
from assessor.core.problems import ProblemsError, UserError, problems_from_validation
from assessor.core.safe_input import parse_json_object, read_regular_file
from assessor.core.storage.atomic import atomic_write_bytes
from assessor.core.storage.store import Store, record_key

PACKAGE_FORMAT = "assessor.team-package/1"
PACKAGE_SUFFIX = ".assessor-team"
OPENED_ACTION = "team_package"
MAX_PACKAGE_BYTES = 20 * 1024 * 1024


class TeamPackage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["assessor.team-package/1"] = PACKAGE_FORMAT
    assessment: Assessment = Field(description="组长的草稿：机构信息、评估组与分工")
    leader_audit_head: str = Field(pattern=r"^[0-9a-f]{64}$")
    exported_at: AwareDatetime


def laptop_member(chain: list[AuditEntry]) -> str | None:
    """The member whose laptop holds this record (from the package it was opened from);
    None on the leader's laptop, where the record was made."""
    if chain and chain[0].action == OPENED_ACTION:
        return chain[0].by
    return None


def export_package(store: Store, key: str, path: Path) -> TeamPackage:
    """Write the leader's draft as a team package."""
    assessment, chain = store.load_with_audit(key)
    if assessment.team is None:
        raise UserError("该评估尚未设置评估组，不能导出评估组任务包")
    if assessment.status is not Status.draft:
        raise UserError("只有草稿才能分给评估组成员，已定稿的评估不能导出任务包")
    if laptop_member(chain) is not None:
        raise UserError("这是评估组成员电脑上的记录，只有组长能导出任务包；成员请导出自己的部分")
    package = TeamPackage(
        assessment=assessment, leader_audit_head=audit.head(chain), exported_at=now_utc()
    )
    atomic_write_bytes(path, canonical_bytes(package))
    return package


def read_package(path: Path) -> TeamPackage:
    raw = read_regular_file(path, MAX_PACKAGE_BYTES)
    data = parse_json_object(raw, str(path))
    if data.get("format") != PACKAGE_FORMAT:
        raise UserError(f"{path} 不是评估组任务包（.assessor-team）")
    try:
        return TeamPackage.model_validate(data)
    except ValidationError as exc:
        raise ProblemsError(problems_from_validation(str(path), exc)) from exc


def open_package(store: Store, path: Path, member: str) -> str:
    """Make the package's draft a record on this laptop for `member` (id or name); its key."""
    package = read_package(path)
    team = package.assessment.team
    assert team is not None
    chosen = next((m for m in team.members if member in (m.id, m.name)), None)
    if chosen is None:
        names = "、".join(m.name for m in team.members)
        raise UserError(f"评估组中没有成员“{member}”；成员有：{names}")
    key = record_key(package.assessment)
    if store.exists(key):
        _, chain = store.load_with_audit(key)
        if laptop_member(chain) == chosen.id:
            return key  # opened before on this laptop: carry on with it
        raise UserError(f"本电脑上已有该评估的记录（{key}），不能再以{chosen.name}的身份打开")
    store.create(package.assessment)
    entry = audit.append(
        [],
        OPENED_ACTION,
        new={"member": chosen.id, "leader_audit_head": package.leader_audit_head},
        by=chosen.id,
    )
    store.save(store.load(key), entry)
    return key
