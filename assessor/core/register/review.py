"""Review states of registered assessments: 待审核 / 已确认 / 有疑问 / 退回.

A state belongs to an assessment (all its versions), is changed one at a time or in bulk over a
filter, and every change is a `review_log` entry (who, when in UTC, old and new state, comment).
Undoing a change is itself a change: `undo_last` sets each assessment back to the state before
its last change and logs that.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assessor.core.clock import now_utc
from assessor.core.problems import UserError
from assessor.core.register import db
from assessor.core.register.rows import REVIEW_LABELS, ReviewLogRow, ReviewRow, ReviewState


@dataclass(frozen=True)
class Selection:
    """Which current assessments a bulk change applies to; empty fields do not filter."""

    assessment_ids: Sequence[str] = ()
    grade: str = ""
    division_code: str = ""
    cycle: str = ""
    batch_id: int | None = None
    state: ReviewState | None = None

    def where(self) -> tuple[str, list[object]]:
        clauses, params = ["current = 1"], []
        if self.assessment_ids:
            clauses.append(f"assessment_id IN ({', '.join('?' * len(self.assessment_ids))})")
            params.extend(self.assessment_ids)
        for column, value in (
            ("grade", self.grade),
            ("division_code", self.division_code),
            ("cycle", self.cycle),
        ):
            if value:
                clauses.append(f"{column} = ?")
                params.append(value)
        if self.batch_id is not None:
            clauses.append("batch_id = ?")
            params.append(self.batch_id)
        if self.state is not None:
            clauses.append("review_state = ?")
            params.append(self.state.value)
        return " AND ".join(clauses), params


def selected_ids(conn: sqlite3.Connection, selection: Selection) -> list[str]:
    where, params = selection.where()
    ids = [
        r[0]
        for r in conn.execute(
            f"SELECT assessment_id FROM current_reviewed WHERE {where} ORDER BY assessment_id",
            params,
        )
    ]
    unknown = set(selection.assessment_ids) - set(ids)
    if unknown and selection == Selection(assessment_ids=selection.assessment_ids):
        raise UserError(f"登记库中没有这些评估（或不是当前版本）：{'、'.join(sorted(unknown))}")
    return ids


def state_of(conn: sqlite3.Connection, assessment_id: str) -> ReviewState:
    row = conn.execute(
        "SELECT state FROM reviews WHERE assessment_id = ?", (assessment_id,)
    ).fetchone()
    return ReviewState(row[0]) if row else ReviewState.pending


def _set(
    conn: sqlite3.Connection, assessment_id: str, state: ReviewState, who: str, comment: str
) -> bool:
    old = state_of(conn, assessment_id)
    if old == state and not comment:
        return False
    moment = now_utc()
    conn.execute(
        "INSERT INTO reviews (assessment_id, state, comment, changed_at, changed_by) "
        "VALUES (:assessment_id, :state, :comment, :changed_at, :changed_by) "
        "ON CONFLICT (assessment_id) DO UPDATE SET state = excluded.state, "
        "comment = excluded.comment, changed_at = excluded.changed_at, "
        "changed_by = excluded.changed_by",
        ReviewRow(
            assessment_id=assessment_id,
            state=state,
            comment=comment,
            changed_at=moment,
            changed_by=who,
        ).to_db(),
    )
    db.insert(
        conn,
        ReviewLogRow(
            assessment_id=assessment_id,
            at=moment,
            who=who,
            old_state=old,
            new_state=state,
            comment=comment,
        ),
    )
    return True


def set_state(
    conn: sqlite3.Connection,
    selection: Selection,
    state: ReviewState,
    *,
    who: str,
    comment: str = "",
) -> int:
    """Set the state of every selected assessment in one transaction; how many changed."""
    with db.transaction(conn):
        return sum(
            _set(conn, ident, state, who, comment) for ident in selected_ids(conn, selection)
        )


def undo_last(conn: sqlite3.Connection, selection: Selection, *, who: str) -> int:
    """Set each selected assessment back to its state before its last change."""
    with db.transaction(conn):
        changed = 0
        for ident in selected_ids(conn, selection):
            last = conn.execute(
                "SELECT old_state, new_state FROM review_log WHERE assessment_id = ? "
                "ORDER BY id DESC LIMIT 1",
                (ident,),
            ).fetchone()
            if last is not None:
                new, back = ReviewState(last[1]), ReviewState(last[0])
                comment = f"撤销上一次更改（{REVIEW_LABELS[new]} → {REVIEW_LABELS[back]}）"
                changed += _set(conn, ident, ReviewState(last[0]), who, comment)
        return changed


def review_log(conn: sqlite3.Connection, assessment_ids: Iterable[str] = ()) -> list[ReviewLogRow]:
    ids = list(assessment_ids)
    where = f"assessment_id IN ({', '.join('?' * len(ids))})" if ids else "1"
    return db.select(conn, ReviewLogRow, f"{where} ORDER BY id", ids)
