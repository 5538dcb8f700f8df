"""Reading the register a page at a time for a person: the current assessments filtered by
search text, district, grade and operator, and one assessment with its history.

Pages are fetched by `LIMIT`/`OFFSET` over a stable order, so a table on screen holds only the
rows it has shown; counts are one aggregate query.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from assessor.core.register.rows import REVIEW_LABELS, ReviewState

PAGE_SIZE = 200

_ORDER = "d.division_code, d.centre_name, d.assessment_id"
_FROM = (
    "FROM documents d LEFT JOIN reviews r ON r.assessment_id = d.assessment_id WHERE d.current = 1"
)


@dataclass(frozen=True)
class RegisterQuery:
    search: str = ""  # part of the name, or the start of the 统一社会信用代码
    district: str = ""
    grade: str = ""
    operator: str = ""

    def where(self) -> tuple[str, dict[str, Any]]:
        parts: list[str] = []
        params: dict[str, Any] = {}
        text = self.search.strip()
        if text:
            # LIKE patterns: the user's % and _ are taken literally.
            escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            parts.append(
                "(d.centre_name LIKE :contains ESCAPE '\\' OR d.centre_uscc LIKE :prefix ESCAPE '\\')"
            )
            params.update(contains=f"%{escaped}%", prefix=f"{escaped.upper()}%")
        for column, value in (
            ("division_code", self.district),
            ("grade", self.grade),
            ("operator", self.operator),
        ):
            if value:
                parts.append(f"d.{column} = :{column}")
                params[column] = value
        return "".join(f" AND {p}" for p in parts), params


def count(conn: sqlite3.Connection, query: RegisterQuery) -> int:
    where, params = query.where()
    return int(conn.execute(f"SELECT COUNT(*) {_FROM}{where}", params).fetchone()[0])


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


def page(
    conn: sqlite3.Connection, query: RegisterQuery, offset: int, limit: int = PAGE_SIZE
) -> list[ListedAssessment]:
    where, params = query.where()
    rows = conn.execute(
        "SELECT d.sha256, d.assessment_id, d.version, d.centre_name, d.centre_uscc,"
        " d.division_code, COALESCE(d.operator, ''), COALESCE(d.visit_date, ''), d.total,"
        f" d.grade, COALESCE(r.state, 'pending'), d.training {_FROM}{where}"
        f" ORDER BY {_ORDER} LIMIT :limit OFFSET :offset",
        {**params, "limit": limit, "offset": offset},
    )
    return [
        ListedAssessment(*row[:10], REVIEW_LABELS[ReviewState(row[10])], bool(row[11]))
        for row in rows
    ]


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
    scores: list[tuple[str, str | None, str, bool]]  # indicator, score, max, na
    versions: list[Version]
    flags: list[str]  # Chinese
    review: str
    review_comment: str


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
    scores = conn.execute(
        "SELECT indicator_id, score, max, na FROM scores WHERE document_sha256 = ?", (sha256,)
    ).fetchall()
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
    flags = [d for (d,) in conn.execute(
        "SELECT detail FROM flags WHERE document_sha256 = ?", (sha256,)
    )]  # fmt: skip
    review = conn.execute(
        "SELECT state, comment FROM reviews WHERE assessment_id = ?", (document["assessment_id"],)
    ).fetchone()
    state, comment = review if review else ("pending", "")
    return AssessmentDetail(
        document,
        [tuple(d) for d in dims],
        [(i, s, m, bool(na)) for i, s, m, na in scores],
        versions,
        flags,
        REVIEW_LABELS[ReviewState(state)],
        comment,
    )


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
