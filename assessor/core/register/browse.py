"""Reading the register a page at a time for a person: the current assessments an
`AssessmentFilter` selects (search text, district, grade, operator, review state, flags), and one
assessment with its history, its flag items and its scores in clause order with names.

Pages are fetched by `LIMIT`/`OFFSET` over a stable order, so a table on screen holds only the
rows it has shown; counts are one aggregate query.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from assessor.core.register.filters import FROM, OPEN_KINDS, STATE, AssessmentFilter
from assessor.core.register.flags import FlagItem, items
from assessor.core.register.rows import FLAG_KINDS, REVIEW_LABELS, FlagKind, ReviewState, SignerRow
from assessor.core.register.stats_rubrics import rubric_facts
from assessor.core.register.team_detail import TeamMemberDetail, document_signers, team_members

PAGE_SIZE = 200

_ORDER = "d.division_code, d.centre_name, d.assessment_id"


def count(conn: sqlite3.Connection, query: AssessmentFilter) -> int:
    where, params = query.where()
    return int(conn.execute(f"SELECT COUNT(*) {FROM} WHERE {where}", params).fetchone()[0])


@dataclass(frozen=True)
class ListedAssessment:
    sha256: str
    assessment_id: str
    version: int
    centre_name: str
    centre_uscc: str
    division_code: str
    operator: str
    visit_date: str
    total: str
    grade: str
    review: str  # Chinese
    training: bool
    flags: str  # short Chinese names of the open flag kinds, 「」 when none


def page(
    conn: sqlite3.Connection, query: AssessmentFilter, offset: int, limit: int = PAGE_SIZE
) -> list[ListedAssessment]:
    where, params = query.where()
    rows = conn.execute(
        "SELECT d.sha256, d.assessment_id, d.version, d.centre_name, d.centre_uscc,"
        " d.division_code, COALESCE(d.operator, ''), COALESCE(d.visit_date, ''), d.total,"
        f" d.grade, {STATE}, d.training,"
        f" {OPEN_KINDS} {FROM} WHERE {where} ORDER BY {_ORDER} LIMIT :limit OFFSET :offset",
        {**params, "limit": limit, "offset": offset},
    )
    return [
        ListedAssessment(
            *row[:10], REVIEW_LABELS[ReviewState(row[10])], bool(row[11]), _flag_names(row[12])
        )
        for row in rows
    ]


def _flag_names(kinds: str | None) -> str:
    if not kinds:
        return ""
    return "、".join(FLAG_KINDS[FlagKind(k)].short for k in sorted(kinds.split(",")))


def choices(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """The districts, grades and operators that occur among current assessments."""
    out = {}
    for column in ("division_code", "grade", "operator"):
        out[column] = [
            v
            for (v,) in conn.execute(
                f"SELECT DISTINCT {column} FROM documents WHERE current = 1 ORDER BY {column}"
            )
            if v
        ]
    return out


@dataclass(frozen=True)
class Version:
    version: int
    sha256: str
    signed_at: str
    signer: str
    current: bool
    batch_id: int
    conflict: bool


@dataclass(frozen=True)
class AssessmentDetail:
    document: dict[str, Any]  # the columns of `documents` for the version shown
    dimensions: list[tuple[str, str, str, str]]  # id, name, score, max
    scores: list[tuple[str, str, str | None, str, bool]]  # indicator, name, score, max, na
    versions: list[Version]
    flags: list[FlagItem]  # open and closed items naming this assessment, open first
    review: str
    review_comment: str
    signers: list[SignerRow] = field(default_factory=list)
    """Every signer, in signing-time order."""
    team: list[TeamMemberDetail] = field(default_factory=list)
    """The team and who answered for which dimensions (empty without a team)."""


def detail(conn: sqlite3.Connection, sha256: str) -> AssessmentDetail:
    cursor = conn.execute("SELECT * FROM documents WHERE sha256 = ?", (sha256,))
    names = [c[0] for c in cursor.description]
    row = cursor.fetchone()
    if row is None:
        raise KeyError(sha256)
    document = dict(zip(names, row, strict=True))
    dims = conn.execute(
        "SELECT dimension_id, name, score, max FROM dimensions WHERE document_sha256 = ?"
        " ORDER BY CAST(dimension_id AS INTEGER)",
        (sha256,),
    ).fetchall()
    scores = sorted(
        conn.execute(
            "SELECT indicator_id, score, max, na FROM scores WHERE document_sha256 = ?", (sha256,)
        ),
        key=lambda r: clause_key(r[0]),
    )
    names = rubric_facts([document["rubric_sha256"]])
    conflicts = {
        other for (other,) in conn.execute(
            "SELECT other_sha256 FROM conflicts WHERE assessment_id = ?",
            (document["assessment_id"],),
        )
    }  # fmt: skip
    versions = [
        Version(v, sha, signed, f"{name}（{signer_id}）", bool(current), batch, sha in conflicts)
        for v, sha, signed, name, signer_id, current, batch in conn.execute(
            "SELECT version, sha256, signed_at, signer_name, signer_id, current, batch_id"
            " FROM documents WHERE assessment_id = ? ORDER BY version, signed_at",
            (document["assessment_id"],),
        )
    ]
    flags = items(conn, assessment_ids=(document["assessment_id"],))
    review = conn.execute(
        "SELECT state, comment FROM reviews WHERE assessment_id = ?", (document["assessment_id"],)
    ).fetchone()
    state, comment = review if review else ("pending", "")
    return AssessmentDetail(
        document,
        [tuple(d) for d in dims],
        [(i, names.shorts.get(i, ""), s, m, bool(na)) for i, s, m, na in scores],
        versions,
        flags,
        REVIEW_LABELS[ReviewState(state)],
        comment,
        document_signers(conn, document),
        team_members(conn, sha256),
    )


def clause_key(clause: str) -> tuple[int, ...]:
    """「4.1.1」 before 「10.2」: clause numbers compared as numbers, part by part."""
    return tuple(int(part) if part.isdigit() else 0 for part in clause.split("."))


def stored_file(conn: sqlite3.Connection, sha256: str) -> bytes:
    row = conn.execute("SELECT content FROM files WHERE sha256 = ?", (sha256,)).fetchone()
    if row is None:
        raise KeyError(sha256)
    return bytes(row[0])


def quarantined(conn: sqlite3.Connection, batch_id: int) -> list[tuple[str, str | None, str, str]]:
    """(original path, stored copy relative to the register, reason code, Chinese) of a batch."""
    return [
        tuple(r)
        for r in conn.execute(
            "SELECT original_path, stored_copy, reason_code, reason FROM quarantine"
            " WHERE batch_id = ? ORDER BY seq",
            (batch_id,),
        )
    ]
