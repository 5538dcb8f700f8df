"""Team members checked against the certificates the commission's CA issued.

A member signs their assessment files with a key the commission issued; one who holds no such
key (none issued under their assessor id, or every one revoked or expired by the plan's due
date) cannot. The plan is still issued, since keys are often handed out after the plan, but the
clerk is shown who still needs one (see README, 「评估计划」).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assessor.core.clock import BEIJING
from assessor.core.cycle.teams import Team
from assessor.core.problems import UserError
from assessor.core.signing.issued import IssuedCertificate, read_issued
from assessor.core.signing.revocation import read_revocations


@dataclass(frozen=True)
class Uncertified:
    team_id: str
    name: str
    assessor_id: str
    why: str


def uncertified_members(
    teams: Sequence[Team], ca_dir: Path, at: dt.datetime, due_on: dt.date
) -> list[Uncertified]:
    """Members without a certificate that is unrevoked and valid from `at` to the end of
    `due_on`; UserError when the CA folder keeps no record of what it issued."""
    issued = read_issued(ca_dir)
    if issued is None:
        raise UserError(
            f"CA 目录 {ca_dir} 中没有证书签发记录（issued.json）：该记录由本版本的 keys issue "
            "写入，此前签发的证书无从核对。请去掉 --ca，或为评估员重新签发证书"
        )
    revoked = {r.serial for r in read_revocations(ca_dir).revoked}
    end = dt.datetime.combine(due_on, dt.time.max, tzinfo=BEIJING)
    found = []
    for team in teams:
        for member in team.members:
            why = _problem(member.assessor_id, issued.issued, revoked, at, end)
            if why:
                found.append(Uncertified(team.team_id, member.name, member.assessor_id, why))
    return found


def _problem(
    assessor_id: str,
    issued: Sequence[IssuedCertificate],
    revoked: set[str],
    at: dt.datetime,
    end: dt.datetime,
) -> str:
    if not assessor_id:
        return "名单中未填写评估员编号"
    theirs = [c for c in issued if c.assessor_id == assessor_id]
    if not theirs:
        return "卫生健康委未签发该编号的评估员证书"
    unrevoked = [c for c in theirs if c.serial not in revoked]
    if not unrevoked:
        return "该编号的评估员证书均已吊销"
    if not any(c.not_before <= at and c.not_after >= end for c in unrevoked):
        latest = max(c.not_after for c in unrevoked)
        return f"该编号的评估员证书在计划完成日期前失效（有效期至 {latest.astimezone(BEIJING).date()}）"
    return ""
