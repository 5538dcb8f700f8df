"""Flags as work items: opened by the import, closed by a person's decision or by the register
when what they were about went away.

An item is about one version (`document_sha256`) of one assessment; a same-centre pair is one
item naming both assessments. While it is open, both are held back from publication and a bulk
confirm skips them. Counts are of assessments (and centres), never of items: a centre assessed
three times in a cycle makes three pair items about three assessments at one centre.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass

from assessor.core.clock import now_utc
from assessor.core.problems import UserError
from assessor.core.register import db
from assessor.core.register.rows import (
    FLAG_KINDS,
    FlagDecision,
    FlagKind,
    FlagRow,
    ReviewLogRow,
    ReviewState,
)

SYSTEM = "登记库"
"""Who closes an item the register closes by itself."""

_PAIR_KINDS = tuple(kind.value for kind, info in FLAG_KINDS.items() if info.pair)


def open_item(
    conn: sqlite3.Connection,
    *,
    batch_id: int,
    kind: FlagKind,
    assessment_id: str,
    document_sha256: str,
    detail: str,
    other: str = "",
    other_assessment_id: str | None = None,
) -> None:
    """Open an item unless the same one (version, kind, other) exists already."""
    db.insert(
        conn,
        FlagRow(
            kind=kind,
            assessment_id=assessment_id,
            document_sha256=document_sha256,
            other=other,
            other_assessment_id=other_assessment_id,
            detail=detail,
            batch_id=batch_id,
            opened_at=now_utc(),
        ),
        or_ignore=True,
    )


def _close(conn: sqlite3.Connection, where: str, params: tuple, decision: FlagDecision,
           comment: str, who: str = SYSTEM) -> int:  # fmt: skip
    cursor = conn.execute(
        "UPDATE flags SET closed_at = ?, closed_by = ?, decision = ?, comment = ? "
        f"WHERE closed_at IS NULL AND ({where})",
        (_utc_text(), who, decision.value, comment, *params),
    )
    return cursor.rowcount


def close_superseded(conn: sqlite3.Connection, old_sha256: str, why: str) -> int:
    """Close the open items about a version that is no longer current (or, for a pair, about
    the other side being that version)."""
    marks = ", ".join("?" * len(_PAIR_KINDS)) or "NULL"
    return _close(
        conn,
        f"document_sha256 = ? OR (kind IN ({marks}) AND other = ?)",
        (old_sha256, *_PAIR_KINDS, old_sha256),
        FlagDecision.superseded,
        why,
    )


def clear_gap(conn: sqlite3.Connection, predecessor_sha256: str) -> int:
    """The missing predecessor has arrived: the gaps it left close."""
    return _close(
        conn,
        "kind = ? AND other = ?",
        (FlagKind.chain_gap.value, predecessor_sha256),
        FlagDecision.cleared,
        "所替代的版本已登记",
    )


@dataclass(frozen=True)
class FlagItem:
    """An item as lists show it."""

    id: int
    kind: FlagKind
    assessment_id: str
    centre_name: str
    centre_uscc: str
    other_assessment_id: str | None
    detail: str
    batch_id: int
    opened_at: str
    closed_at: str | None
    closed_by: str | None
    decision: FlagDecision | None
    comment: str

    @property
    def assessments(self) -> tuple[str, ...]:
        return (self.assessment_id,) + (
            (self.other_assessment_id,) if self.other_assessment_id else ()
        )

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "label": FLAG_KINDS[self.kind].label,
            "assessment_ids": list(self.assessments),
            "centre_name": self.centre_name,
            "centre_uscc": self.centre_uscc,
            "detail": self.detail,
            "batch": self.batch_id,
            "opened_at": self.opened_at,
            "closed_at": self.closed_at,
            "closed_by": self.closed_by,
            "decision": self.decision.value if self.decision else None,
            "comment": self.comment,
        }


def items(
    conn: sqlite3.Connection,
    *,
    kind: FlagKind | None = None,
    open_only: bool = False,
    assessment_ids: tuple[str, ...] = (),
    flag_id: int | None = None,
) -> list[FlagItem]:
    where: list[str] = ["1"]
    params: list[object] = []
    if flag_id is not None:
        where.append("f.id = ?")
        params.append(flag_id)
    if kind is not None:
        where.append("f.kind = ?")
        params.append(kind.value)
    if open_only:
        where.append("f.closed_at IS NULL")
    if assessment_ids:
        marks = ", ".join("?" * len(assessment_ids))
        where.append(f"(f.assessment_id IN ({marks}) OR f.other_assessment_id IN ({marks}))")
        params.extend([*assessment_ids, *assessment_ids])
    rows = conn.execute(
        "SELECT f.id, f.kind, f.assessment_id, d.centre_name, d.centre_uscc,"
        " f.other_assessment_id, f.detail, f.batch_id, f.opened_at, f.closed_at, f.closed_by,"
        " f.decision, f.comment FROM flags f JOIN documents d ON d.sha256 = f.document_sha256"
        f" WHERE {' AND '.join(where)} ORDER BY f.closed_at IS NOT NULL, f.id",
        params,
    )
    return [
        FlagItem(r[0], FlagKind(r[1]), *r[2:11], FlagDecision(r[11]) if r[11] else None, r[12])
        for r in rows
    ]


def resolve(conn: sqlite3.Connection, flag_id: int, *, who: str, comment: str) -> FlagItem:
    """A person's decision on one item: checked, the assessments it names may go through."""
    if not comment.strip():
        raise UserError("核实待核实事项需要填写核实意见（说明核实了什么、结论如何）")
    with db.transaction(conn):
        item = _item(conn, flag_id)
        if item is None:
            raise UserError(f"登记库中没有编号为 {flag_id} 的待核实事项")
        if item.closed_at is not None:
            raise UserError(f"待核实事项 {flag_id} 已于 {item.closed_at} 由 {item.closed_by} 处理")
        accept(conn, item, who=who, comment=comment.strip())
    found = _item(conn, flag_id)
    assert found is not None
    return found


def _item(conn: sqlite3.Connection, flag_id: int) -> FlagItem | None:
    found = items(conn, flag_id=flag_id)
    return found[0] if found else None


def accept(conn: sqlite3.Connection, item: FlagItem, *, who: str, comment: str) -> None:
    """Close `item` as accepted, inside the caller's transaction, and log the decision with the
    review changes of each assessment it names."""
    _close(conn, "id = ?", (item.id,), FlagDecision.accepted, comment, who)
    moment = now_utc()
    for ident in item.assessments:
        state = conn.execute(
            "SELECT state FROM reviews WHERE assessment_id = ?", (ident,)
        ).fetchone()
        current = ReviewState(state[0]) if state else ReviewState.pending
        db.insert(
            conn,
            ReviewLogRow(
                assessment_id=ident,
                at=moment,
                who=who,
                old_state=current,
                new_state=current,
                comment=f"核实待核实事项 {item.id}（{FLAG_KINDS[item.kind].short}）：{comment}",
            ),
        )


@dataclass(frozen=True)
class KindCount:
    kind: FlagKind
    assessments: int
    centres: int

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "label": FLAG_KINDS[self.kind].label,
            "assessments": self.assessments,
            "centres": self.centres,
        }


def _affected(conn: sqlite3.Connection, where: str, params: tuple) -> list[KindCount]:
    """Per kind, the distinct assessments (and their centres) the chosen items name."""
    rows = conn.execute(
        "SELECT f.kind, a.assessment_id, d.centre_uscc FROM flags f"
        " JOIN (SELECT id, assessment_id FROM flags UNION ALL"
        "  SELECT id, other_assessment_id FROM flags WHERE other_assessment_id IS NOT NULL) a"
        "  ON a.id = f.id"
        " LEFT JOIN documents d ON d.assessment_id = a.assessment_id AND d.current = 1"
        f" WHERE {where}",
        params,
    )
    ids: dict[str, set[str]] = defaultdict(set)
    centres: dict[str, set[str]] = defaultdict(set)
    for kind, ident, uscc in rows:
        ids[kind].add(ident)
        centres[kind].add(uscc or ident)
    return [
        KindCount(kind, len(ids[kind]), len(centres[kind]))
        for kind in FlagKind
        if kind.value in ids
    ]


def open_counts(conn: sqlite3.Connection) -> list[KindCount]:
    """Open items now, per kind, as assessments and centres affected."""
    return _affected(conn, "f.closed_at IS NULL", ())


def held_total(conn: sqlite3.Connection) -> tuple[int, int]:
    """(assessments, centres) held by at least one open item."""
    row = conn.execute(
        # The few held assessments drive; each finds its current version through its index.
        "SELECT COUNT(*), COUNT(DISTINCT d.centre_uscc) FROM"
        " (SELECT assessment_id FROM flags WHERE closed_at IS NULL UNION"
        "  SELECT other_assessment_id FROM flags WHERE closed_at IS NULL) h"
        " CROSS JOIN documents d INDEXED BY documents_assessment"
        " ON d.assessment_id = h.assessment_id WHERE d.current = 1"
    ).fetchone()
    return int(row[0]), int(row[1])


def batch_counts(conn: sqlite3.Connection, batch_id: int) -> dict[str, int]:
    """Assessments a batch's items were about, per kind (items it opened and that were not
    superseded within it)."""
    found = _affected(
        conn,
        "f.batch_id = ? AND (f.decision IS NULL OR f.decision <> ?)",
        (batch_id, FlagDecision.superseded.value),
    )
    return {c.kind.value: c.assessments for c in found}


def _utc_text() -> str:
    return now_utc().isoformat().replace("+00:00", "Z")
