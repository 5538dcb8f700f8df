"""Issuing a plan: drawn, signed by the commission's key, stored in the register."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import NameOID

from assessor.core.cycle.plan_build import PlanRequest, draw_plan
from assessor.core.cycle.plan_model import Plan
from assessor.core.cycle.plan_store import save_plan
from assessor.core.cycle.signed_json import read_signed, sign_document
from assessor.core.safe_input import read_regular_file
from assessor.core.signing.keys import SigningKey

# A plan of 10,000 visits with its roster data is about 5 MB.
MAX_PLAN_BYTES = 20 * 1024 * 1024


def commission_name(signer: SigningKey) -> str:
    """The commission the key belongs to: its certificate's organisation (the CA's name)."""
    names = signer.chain[0].subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return str(names[0].value) if names else signer.info.issuer


def issue_plan(
    conn: sqlite3.Connection, request: PlanRequest, signer: SigningKey
) -> tuple[Plan, bytes]:
    """The signed plan and its file's bytes, stored in the register."""
    plan = draw_plan(conn, request, commission_name(signer))
    signed = sign_document(plan, signer, request.created_at)
    plan = Plan.model_validate_json(signed)
    save_plan(conn, plan, signed)
    return plan, signed


def read_plan_file(path: Path, trust_roots: Sequence[x509.Certificate]) -> Plan:
    raw = read_regular_file(path, MAX_PLAN_BYTES, f"评估计划 {path.name}")
    return read_signed(raw, Plan, trust_roots, what=f"评估计划 {path.name} ")
