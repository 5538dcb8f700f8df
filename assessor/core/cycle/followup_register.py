"""Follow-up visits on the register's side: the task sent to a laptop, and the signed record
brought back, which closes what was rectified and keeps the rest (and overdue items) open."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from assessor.core.canonical import sha256_hex
from assessor.core.cycle.followup_model import (
    FollowUp,
    FollowUpCentre,
    FollowUpTask,
    OpenItem,
)
from assessor.core.cycle.rectification import CLOSED, RECTIFIED, items
from assessor.core.cycle.signed_json import read_signed, sign_document
from assessor.core.problems import UserError
from assessor.core.safe_input import read_regular_file
from assessor.core.signing.keys import SigningKey
from assessor.core.signing.revocation import MAX_CRL_BYTES, Revoked, load_crls
from assessor.core.sql_transaction import transaction

MAX_FOLLOWUP_BYTES = 5 * 1024 * 1024


def followup_task(
    conn: sqlite3.Connection,
    uscc: str,
    *,
    commission: str,
    trust_roots: Sequence[x509.Certificate],
    crl: Path | None,
    signer: SigningKey,
    at: datetime,
    task_id: str = "",
) -> bytes:
    """The signed task of a follow-up visit to `uscc`: its open items of its latest assessment.

    `task_id` names the task when a plan carries it (the same plan and centre give the same id
    on every package, so installing a package again keeps the outcomes recorded so far)."""
    found = items(conn, uscc=uscc, open_only=True)
    if not found:
        raise UserError(f"机构 {uscc} 没有待整改事项，不需要复查")
    latest = max(found, key=lambda i: i.opened_on).assessment_id
    open_now = [i for i in found if i.assessment_id == latest]
    document = conn.execute(
        "SELECT sha256, version, centre_name, centre_address, division_code "
        "FROM current_documents WHERE assessment_id = ?",
        (latest,),
    ).fetchone()
    if not trust_roots:
        raise UserError("请用 --trust 指定卫生健康委的根证书，评估员电脑据此核验签名")
    crl_pem = None
    if crl is not None:
        load_crls([crl], trust_roots)
        crl_pem = read_regular_file(crl, MAX_CRL_BYTES).decode("ascii", errors="replace")
    task = FollowUpTask(
        task_id=task_id or f"FU-{latest[:8]}-{secrets.token_hex(3)}",
        commission=commission,
        assessment_id=latest,
        version=document["version"],
        original_sha256=document["sha256"],
        centre=FollowUpCentre(
            uscc=uscc,
            name=document["centre_name"],
            address=document["centre_address"],
            division_code=document["division_code"],
        ),
        items=[
            OpenItem(
                indicator_id=i.indicator_id,
                kind=i.kind,  # type: ignore[arg-type]
                score=i.score,
                max=i.max,
                finding=i.finding,
                evidence=i.evidence,
                due_on=i.due_on,
            )
            for i in open_now
        ],
        created_at=at,
        trust_roots=[c.public_bytes(Encoding.PEM).decode("ascii") for c in trust_roots],
        crl=crl_pem,
    )
    return sign_document(task, signer, at)


@dataclass(frozen=True)
class FollowUpImport:
    closed: int
    still_open: int
    already: bool


def import_followup(
    conn: sqlite3.Connection,
    path: Path,
    trust_roots: Sequence[x509.Certificate],
    at: datetime,
    revoked: Sequence[Revoked] = (),
) -> FollowUpImport:
    """Close the items the signed follow-up found rectified; record the others' outcome.

    An item stays open (and overdue when its date has passed) unless it was rectified. The same
    file imported again changes nothing. A file signed after its signer's certificate was
    revoked (`revoked`, from the commission's CRLs) is refused.
    """
    where = f"复查记录 {path.name} "
    raw = read_regular_file(path, MAX_FOLLOWUP_BYTES, where.strip())
    followup = read_signed(raw, FollowUp, trust_roots, what=where, revoked=revoked)
    sha = sha256_hex(raw)
    if conn.execute("SELECT 1 FROM followups WHERE sha256 = ?", (sha,)).fetchone():
        return FollowUpImport(0, 0, already=True)
    original = conn.execute(
        "SELECT 1 FROM documents WHERE sha256 = ? AND assessment_id = ?",
        (followup.original_sha256, followup.assessment_id),
    ).fetchone()
    if original is None:
        raise UserError(f"{where}所复查的评估（编号 {followup.assessment_id}）不在登记库中")
    known = {i.indicator_id: i for i in items(conn, assessment_id=followup.assessment_id)}
    unknown = [o.indicator_id for o in followup.outcomes if o.indicator_id not in known]
    if unknown:
        raise UserError(f"{where}中有登记库没有的整改事项：{'、'.join(unknown)}")
    closed = still_open = 0
    with transaction(conn):
        conn.execute(
            "INSERT INTO followups (sha256, assessment_id, visited_on, imported_at, content) "
            "VALUES (?, ?, ?, ?, ?)",
            (sha, followup.assessment_id, followup.visited_on.isoformat(), at.isoformat(), raw),
        )
        for outcome in followup.outcomes:
            item = known[outcome.indicator_id]
            if item.state == CLOSED:
                continue
            done = outcome.outcome == RECTIFIED
            conn.execute(
                "UPDATE rect_items SET outcome = ?, followup_sha256 = ?, state = ?, "
                "closed_at = ? WHERE id = ?",
                (
                    outcome.outcome,
                    sha,
                    CLOSED if done else item.state,
                    followup.visited_on.isoformat() if done else None,
                    item.id,
                ),
            )
            closed += done
            still_open += not done
    return FollowUpImport(closed, still_open, already=False)
