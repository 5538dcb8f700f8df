"""What a verified document says about its team, as the register stores it: every signer with
their certificate, who answered for each dimension, and the centre's objections.

Built in the worker process beside the other columns (`check.py`), as plain tuples in the
column order of `SignerRow` and `ResponsibilityRow` (`row_values.insert_rows` writes them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from cryptography import x509

from assessor.core.document.model import AssessmentDocument
from assessor.core.document.team_info import dimension_members
from assessor.core.register.row_values import column_value
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.cosign import CoSignatureBlock
from assessor.core.signing.json_envelope import certificate
from assessor.core.signing.training import fingerprint


@dataclass(frozen=True)
class StoredSigner:
    """One signer of a document with the certificate the revocation checks look up."""

    name: str
    assessor_id: str
    fingerprint: str
    issuer: str
    serial: str
    signed_at: datetime


@lru_cache(maxsize=256)
def _by_fingerprint(pem: str) -> tuple[str, x509.Certificate]:
    cert = certificate(pem)
    return fingerprint(cert), cert


def _described(cert: x509.Certificate) -> tuple[str, str]:
    return cert.issuer.rfc4514_string(), str(cert.serial_number)


def stored_signers(document: AssessmentDocument) -> list[StoredSigner]:
    """Every signer, in the block's (signing-time) order; the file is verified already, so the
    block's list is the CMS's."""
    block = document.signature
    if block is None:
        return []
    if isinstance(block, CoSignatureBlock):
        certs = dict(_by_fingerprint(pem) for pem in block.certificates)
        return [
            StoredSigner(
                c.signer.name,
                c.signer.assessor_id,
                c.fingerprint,
                *_described(certs[c.fingerprint]),
                c.signed_at,
            )
            for c in block.cosigners
        ]
    print_, cert = _by_fingerprint(block.chain[0])
    return [
        StoredSigner(
            block.signer.name, block.signer.assessor_id, print_, *_described(cert), block.signed_at
        )
    ]


def signer_values(sha: str, signers: list[StoredSigner]) -> list[tuple[Any, ...]]:
    """SignerRow column values."""
    return [
        (
            sha,
            position,
            s.name,
            s.assessor_id,
            s.fingerprint,
            s.issuer,
            s.serial,
            column_value(s.signed_at),
        )
        for position, s in enumerate(signers)
    ]


def responsibility_values(
    sha: str, document: AssessmentDocument, rubric: LoadedRubric
) -> list[tuple[Any, ...]]:
    """ResponsibilityRow column values: per dimension, each member responsible for any of its
    indicators (none for a document without a team)."""
    team = document.team
    if team is None:
        return []
    order = [m.id for m in team.members]
    return [
        (sha, dim, m.id, order.index(m.id), m.name, m.assessor_id, m.body, m.id == team.leader)
        for dim, members in dimension_members(document, rubric).items()
        for m in members
    ]


def objection_detail(document: AssessmentDocument) -> str:
    """The centre's objections and refusal in Chinese, or "" when it acknowledged without any."""
    ack = document.acknowledgement
    if ack is None or (not ack.objections and not ack.refused):
        return ""
    parts = []
    if ack.refused:
        note = f"（组长说明：{ack.leader_note}）" if ack.leader_note else ""
        parts.append(f"{ack.role}{ack.director}拒绝签字确认{note}")
    if ack.objections:
        named = "、".join(o.indicator for o in ack.objections)
        parts.append(f"对 {len(ack.objections)} 项指标有异议：{named}")
    return "；".join(parts)
