"""Writing one signed plan package per team, on the commission's side."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from assessor.core.canonical import sha256_hex
from assessor.core.cycle.followup_register import followup_task
from assessor.core.cycle.package_model import PlanPackage
from assessor.core.cycle.plan_store import load_plan
from assessor.core.cycle.rectification import items
from assessor.core.cycle.signed_json import sign_document
from assessor.core.problems import UserError
from assessor.core.rubric.validate import MAX_RUBRIC_BYTES, parse_rubric
from assessor.core.safe_input import parse_json_object, read_regular_file
from assessor.core.signing.keys import SigningKey
from assessor.core.signing.revocation import MAX_CRL_BYTES, load_crls


def _rubric_data(path: Path) -> dict[str, Any]:
    """The rubric file's JSON, checked as a rubric: laptops install it as it is, so it keeps
    its hash (the canonical form of this JSON)."""
    raw = read_regular_file(path, MAX_RUBRIC_BYTES, f"评估标准 {path.name}")
    parse_rubric(raw, str(path))
    return parse_json_object(raw, str(path))


def build_package(
    conn: sqlite3.Connection,
    plan_id: str,
    team_id: str,
    *,
    rubric: Path,
    trust_roots: Sequence[x509.Certificate],
    crl: Path | None,
    signer: SigningKey,
    at: datetime,
) -> bytes:
    """The signed package file of `team_id`'s visits in plan `plan_id`, with a signed follow-up
    task for each of its follow-up visits whose centre still has open items (a centre that
    rectified everything since the plan was made needs no visit)."""
    plan, signed_plan = load_plan(conn, plan_id)
    teams = [t.team_id for t in plan.teams]
    if team_id not in teams:
        raise UserError(f"评估计划 {plan_id} 中没有评估组「{team_id}」（有：{'、'.join(teams)}）")
    if not trust_roots:
        raise UserError("请用 --trust 指定卫生健康委的根证书，评估员电脑据此核验签名")
    crl_pem = None
    if crl is not None:
        load_crls([crl], trust_roots)  # refuses a CRL that none of the roots signed
        crl_pem = read_regular_file(crl, MAX_CRL_BYTES).decode("ascii", errors="replace")
    roots_pem = [c.public_bytes(Encoding.PEM).decode("ascii") for c in trust_roots]
    package = PlanPackage(
        plan_id=plan.plan_id,
        plan_sha256=sha256_hex(signed_plan),
        cycle=plan.cycle,
        commission=plan.commission,
        due_on=plan.due_on,
        created_at=at,
        team=plan.team(team_id),
        visits=[v for v in plan.visits if v.team_id == team_id],
        rubric=_rubric_data(rubric),
        followups=[
            followup_task(
                conn,
                f.uscc,
                commission=plan.commission,
                trust_roots=trust_roots,
                crl=crl,
                signer=signer,
                at=at,
                task_id=plan_task_id(plan.plan_id, f.uscc),
            ).decode("utf-8")
            for f in plan.followups
            if f.team_id == team_id and items(conn, uscc=f.uscc, open_only=True)
        ],
        trust_roots=roots_pem,
        crl=crl_pem,
    )
    return sign_document(package, signer, at)


def plan_task_id(plan_id: str, uscc: str) -> str:
    """The follow-up task id of a plan's follow-up visit to `uscc`: the same on every package."""
    return f"FU-{plan_id}-{sha256_hex(uscc.encode('ascii'))[:8]}"
