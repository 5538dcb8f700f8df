"""Who made a registered assessment, for its detail view: every signer, and the team with the
dimensions each member answered for."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from assessor.core.register import db
from assessor.core.register.rows import SignerRow


@dataclass(frozen=True)
class TeamMemberDetail:
    name: str
    assessor_id: str
    body: str
    leader: bool
    dimensions: tuple[str, ...]
    """Dimension ids (with names where the register has them) the member answered for."""


def document_signers(conn: sqlite3.Connection, document: dict[str, Any]) -> list[SignerRow]:
    """The stored signers; a document registered before signers were stored shows its one
    signer from its own columns."""
    sha = document["sha256"]
    found = db.select(conn, SignerRow, "document_sha256 = ? ORDER BY position", (sha,))
    if found:
        return found
    return [
        SignerRow(
            document_sha256=sha,
            position=0,
            name=document["signer_name"],
            assessor_id=document["signer_id"],
            fingerprint="",
            cert_issuer=document["cert_issuer"],
            cert_serial=document["cert_serial"],
            signed_at=document["signed_at"],
        )
    ]


def team_members(conn: sqlite3.Connection, sha256: str) -> list[TeamMemberDetail]:
    """The team in its own order, leader first; empty for a document without a team."""
    rows = conn.execute(
        "SELECT r.member_id, r.name, r.assessor_id, r.body, r.leader,"
        " r.dimension_id || COALESCE(' ' || m.name, '')"
        " FROM responsibilities r LEFT JOIN dimensions m"
        " ON m.document_sha256 = r.document_sha256 AND m.dimension_id = r.dimension_id"
        " WHERE r.document_sha256 = ? ORDER BY r.leader DESC, r.position,"
        " CAST(r.dimension_id AS INTEGER), r.dimension_id",
        (sha256,),
    ).fetchall()
    members: dict[str, TeamMemberDetail] = {}
    for member_id, name, assessor_id, body, leader, dimension in rows:
        known = members.get(member_id)
        dims = (*known.dimensions, dimension) if known else (dimension,)
        members[member_id] = TeamMemberDetail(name, assessor_id, body, bool(leader), dims)
    return list(members.values())
