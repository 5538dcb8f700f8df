"""Review states of registered assessments: 待审核 / 已确认 / 有疑问 / 退回.

A state belongs to an assessment (all its versions), is changed one at a time or in bulk over a
filter, and every change is a `review_log` entry (who, when in UTC, old and new state, comment).
Undoing a change is itself a change: `undo_last` sets each assessment back to the state before
its last change and logs that. Confirming skips assessments held by an open flag (`flags.py`)
unless asked to include them with a comment.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from assessor.core.clock import now_utc
from assessor.core.problems import UserError
from assessor.core.register import db, flags
from assessor.core.register.filters import FROM, AssessmentFilter
from assessor.core.register.rows import (
    FLAG_KINDS,
    REVIEW_LABELS,
    FlagKind,
    ReviewLogRow,
    ReviewRow,
    ReviewState,
)

Selection = AssessmentFilter
"""Which current assessments a change applies to (the register's one filter)."""


def selected_ids(conn: sqlite3.Connection, selection: Selection) -> list[str]:
    where, params = selection.where()
    ids = [
        r[0]
        for r in conn.execute(
            f"SELECT d.assessment_id {FROM} WHERE {where} ORDER BY d.assessment_id", params
        )
    ]
    unknown = set(selection.assessment_ids) - set(ids)
    if unknown and selection == Selection(assessment_ids=selection.assessment_ids):
        raise UserError(f"登记库中没有这些评估（或不是当前版本）：{'、'.join(sorted(unknown))}")
    return ids


@dataclass(frozen=True)
class ReviewResult:
    """What a change did: how many changed, and the flagged assessments it left alone."""

    changed: int
    skipped_flagged: dict[FlagKind, int] = field(default_factory=dict)
    """Assessments skipped per kind of their open flags (one may count under two kinds)."""
    skipped_total: int = 0

    def skipped_text(self) -> str:
        if not self.skipped_total:
            return ""
        kinds = "；".join(f"{FLAG_KINDS[k].label} {n} 份" for k, n in self.skipped_flagged.items())
        return f"另有 {self.skipped_total} 份评估有待核实事项，未改为「已确认」（{kinds}）。"


def _flag_kinds(conn: sqlite3.Connection, ids: list[str]) -> dict[str, set[FlagKind]]:
    held: dict[str, set[FlagKind]] = {}
    for kind, first, second in conn.execute(
        "SELECT kind, assessment_id, other_assessment_id FROM flags WHERE closed_at IS NULL"
    ):
        for ident in (first, second):
            if ident is not None:
                held.setdefault(ident, set()).add(FlagKind(kind))
    wanted = set(ids)
    return {ident: kinds for ident, kinds in held.items() if ident in wanted}


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
    include_flagged: bool = False,
) -> ReviewResult:
    """Set the state of every selected assessment in one transaction.

    Confirming skips assessments with an open flag unless `include_flagged`: nothing doubtful
    is confirmed by a bulk change. Confirming them anyway needs a comment, which the log keeps.
    """
    with db.transaction(conn):
        ids = selected_ids(conn, selection)
        skipped: dict[FlagKind, int] = {}
        held = _flag_kinds(conn, ids) if state == ReviewState.confirmed else {}
        if held and include_flagged and not comment.strip():
            raise UserError("确认有待核实事项的评估需要填写审核意见（--comment），说明核实结论")
        if held and not include_flagged:
            for kinds in held.values():
                for kind in kinds:
                    skipped[kind] = skipped.get(kind, 0) + 1
            ids = [i for i in ids if i not in held]
        elif held:
            # Confirming a flagged assessment is a decision on its flags.
            for item in flags.items(conn, open_only=True, assessment_ids=tuple(held)):
                flags.accept(conn, item, who=who, comment=comment.strip())
        changed = sum(_set(conn, ident, state, who, comment) for ident in ids)
        order = {kind: n for n, kind in enumerate(FlagKind)}
        return ReviewResult(
            changed,
            dict(sorted(skipped.items(), key=lambda kv: order[kv[0]])),
            len(held) if not include_flagged else 0,
        )


def undo_last(conn: sqlite3.Connection, selection: Selection, *, who: str) -> int:
    """Set each selected assessment back to its state before its last change."""
    with db.transaction(conn):
        changed = 0
        for ident in selected_ids(conn, selection):
            last = conn.execute(
                "SELECT old_state, new_state FROM review_log WHERE assessment_id = ? "
                "AND old_state <> new_state ORDER BY id DESC LIMIT 1",
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
