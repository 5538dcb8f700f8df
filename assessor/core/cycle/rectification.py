"""Rectification (整改): the findings of registered assessments as items with deadlines.

Every indicator of a current official assessment that scored below full marks becomes an item;
an unmet basic indicator is an item of kind `basic` (shorter deadline), any other an item of
kind `indicator`. The finding is the assessor's note on the indicator, with the captions of its
evidence. Items are opened once per assessment and indicator; follow-up visits close them.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from assessor.core.problems import UserError
from assessor.core.sql_transaction import transaction

BASIC = "basic"
INDICATOR = "indicator"
KIND_LABELS = {BASIC: "基础指标未达标", INDICATOR: "未得满分的指标"}
DEFAULT_DAYS = {BASIC: 30, INDICATOR: 90}
OPEN = "open"
CLOSED = "closed"
RECTIFIED = "rectified"
PARTLY = "partly"
NOT_RECTIFIED = "not_rectified"
OUTCOME_LABELS = {RECTIFIED: "已整改", PARTLY: "部分整改", NOT_RECTIFIED: "未整改"}


def set_deadlines(conn: sqlite3.Connection, days: Mapping[str, int]) -> None:
    """The commission's days to rectify per item kind; items already open keep their date."""
    for kind, count in days.items():
        if kind not in KIND_LABELS:
            raise UserError(f"不认识的整改事项类别：{kind}")
        if not 1 <= count <= 3650:
            raise UserError(f"{KIND_LABELS[kind]}的整改期限应为 1—3650 天，实际为 {count}")
    with transaction(conn):
        conn.executemany(
            "INSERT INTO rect_deadlines (kind, days) VALUES (?, ?) "
            "ON CONFLICT (kind) DO UPDATE SET days = excluded.days",
            list(days.items()),
        )


def deadlines(conn: sqlite3.Connection) -> dict[str, int]:
    stored = dict(conn.execute("SELECT kind, days FROM rect_deadlines").fetchall())
    return {kind: int(stored.get(kind, days)) for kind, days in DEFAULT_DAYS.items()}


@dataclass(frozen=True)
class Item:
    id: int
    assessment_id: str
    uscc: str
    centre_name: str
    district: str
    indicator_id: str
    kind: str
    score: Decimal
    max: Decimal
    finding: str
    evidence: list[str]
    opened_on: dt.date
    due_on: dt.date
    state: str
    outcome: str | None

    def overdue(self, today: dt.date) -> bool:
        return self.state == OPEN and today > self.due_on


def _findings(content: bytes) -> tuple[dict[str, tuple[str, list[str]]], set[str]]:
    """Indicator → (note, evidence captions or file names), and the basic indicators not met,
    from a registered (verified) signed file."""
    data = json.loads(content)
    notes = {
        s["indicator"]: (
            s.get("note", "").strip(),
            [e.get("caption") or e["file"] for e in s.get("evidence", [])],
        )
        for s in data["scores"]
    }
    unmet = {v["indicator"] for v in data["result"]["vetoes"] if v["status"] == "unmet"}
    return notes, unmet


def open_items(conn: sqlite3.Connection) -> int:
    """Open the items of every current official assessment that has none yet; how many."""
    days = deadlines(conn)
    documents = conn.execute(
        "SELECT d.sha256, d.assessment_id, d.centre_uscc, d.centre_name, d.division_code,"
        " d.visit_date, d.signed_at, f.content FROM current_documents d"
        " JOIN files f ON f.sha256 = d.sha256 WHERE d.training = 0 AND d.assessment_id NOT IN"
        " (SELECT assessment_id FROM rect_items) ORDER BY d.signed_at"
    ).fetchall()
    opened = 0
    with transaction(conn):
        for sha, assessment_id, uscc, name, division, visit_date, signed_at, content in documents:
            notes, unmet = _findings(content)
            start = dt.date.fromisoformat(visit_date or signed_at[:10])
            lost = conn.execute(
                "SELECT indicator_id, score, max FROM scores WHERE document_sha256 = ? AND na = 0"
                " AND CAST(score AS REAL) < CAST(max AS REAL) ORDER BY rowid",
                (sha,),
            ).fetchall()
            for indicator, score, maximum in lost:
                if Decimal(score) >= Decimal(maximum):
                    continue  # the REAL comparison is a filter; the decision is exact
                kind = BASIC if indicator in unmet else INDICATOR
                note, evidence = notes.get(indicator, ("", []))
                conn.execute(
                    "INSERT INTO rect_items (assessment_id, document_sha256, uscc, centre_name,"
                    " district, indicator_id, kind, score, max, finding, evidence, opened_on,"
                    " due_on, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        assessment_id,
                        sha,
                        uscc,
                        name,
                        division[:6],
                        indicator,
                        kind,
                        score,
                        maximum,
                        note,
                        json.dumps(evidence, ensure_ascii=False),
                        start.isoformat(),
                        (start + dt.timedelta(days=days[kind])).isoformat(),
                        OPEN,
                    ),
                )
                opened += 1
    return opened


def _item(row: sqlite3.Row) -> Item:
    return Item(
        id=row["id"],
        assessment_id=row["assessment_id"],
        uscc=row["uscc"],
        centre_name=row["centre_name"],
        district=row["district"],
        indicator_id=row["indicator_id"],
        kind=row["kind"],
        score=Decimal(row["score"]),
        max=Decimal(row["max"]),
        finding=row["finding"],
        evidence=json.loads(row["evidence"]),
        opened_on=dt.date.fromisoformat(row["opened_on"]),
        due_on=dt.date.fromisoformat(row["due_on"]),
        state=row["state"],
        outcome=row["outcome"],
    )


def items(
    conn: sqlite3.Connection, *, uscc: str = "", assessment_id: str = "", open_only: bool = False
) -> list[Item]:
    """Items in clause order per centre (indicator ids compared number by number)."""
    where, params = ["1 = 1"], []
    if uscc:
        where.append("uscc = ?")
        params.append(uscc)
    if assessment_id:
        where.append("assessment_id = ?")
        params.append(assessment_id)
    if open_only:
        where.append("state = 'open'")
    rows = conn.execute(f"SELECT * FROM rect_items WHERE {' AND '.join(where)}", params)
    found = [_item(r) for r in rows]
    return sorted(found, key=lambda i: (i.uscc, i.assessment_id, _clause(i.indicator_id)))


def _clause(indicator: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in indicator.split("."))


@dataclass(frozen=True)
class Rate:
    group: str
    items: int
    closed: int
    overdue: int

    @property
    def percent(self) -> Decimal:
        """Share closed, in percent to one decimal (exact arithmetic, half up)."""
        if not self.items:
            return Decimal(0)
        return (Decimal(100 * self.closed) / self.items).quantize(Decimal("0.1"))


def rates(conn: sqlite3.Connection, today: dt.date, by: str) -> list[Rate]:
    """Items, closed and overdue per district (`by="district"`) or per kind (`by="kind"`)."""
    if by not in ("district", "kind"):
        raise ValueError(by)
    found: dict[str, list[int]] = {}
    for item in items(conn):
        counts = found.setdefault(getattr(item, by), [0, 0, 0])
        counts[0] += 1
        counts[1] += item.state == CLOSED
        counts[2] += item.overdue(today)
    return [Rate(group, *counts) for group, counts in sorted(found.items())]
