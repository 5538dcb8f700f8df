"""Signed plans in the register, and where each planned visit stands."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from dataclasses import dataclass

from assessor.core.clock import in_beijing
from assessor.core.cycle.plan_model import Plan
from assessor.core.problems import UserError
from assessor.core.sql_transaction import transaction

PENDING = "pending"
DONE = "done"
OVERDUE = "overdue"
STATE_LABELS = {PENDING: "待访视", DONE: "已完成", OVERDUE: "逾期"}


def save_plan(conn: sqlite3.Connection, plan: Plan, signed: bytes) -> None:
    """Store a signed plan and its visits in one transaction; a plan id is never reused."""
    assert plan.signature is not None
    with transaction(conn):
        if conn.execute("SELECT 1 FROM plans WHERE plan_id = ?", (plan.plan_id,)).fetchone():
            raise UserError(f"登记库中已有编号为 {plan.plan_id} 的评估计划")
        conn.execute(
            "INSERT INTO plans (plan_id, cycle, due_on, created_at, signer_name, sha256, document)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                plan.plan_id,
                plan.cycle,
                plan.due_on.isoformat(),
                plan.created_at.isoformat(),
                plan.signature.signer.name,
                hashlib.sha256(signed).hexdigest(),
                signed.decode("utf-8"),
            ),
        )
        conn.executemany(
            "INSERT INTO plan_visits (plan_id, uscc, team_id, district, reason) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (plan.plan_id, v.centre.uscc, v.team_id, v.centre.district, v.reason)
                for v in plan.visits
            ],
        )


def load_plan(conn: sqlite3.Connection, plan_id: str) -> tuple[Plan, bytes]:
    row = conn.execute("SELECT document FROM plans WHERE plan_id = ?", (plan_id,)).fetchone()
    if row is None:
        known = [r[0] for r in conn.execute("SELECT plan_id FROM plans ORDER BY created_at")]
        hint = f"（已有：{'、'.join(known)}）" if known else "（登记库中还没有评估计划）"
        raise UserError(f"没有编号为 {plan_id} 的评估计划{hint}")
    signed = row[0].encode("utf-8")
    return Plan.model_validate_json(signed), signed


def plan_ids(conn: sqlite3.Connection) -> list[tuple[str, str, str, int]]:
    """(plan id, cycle, due date, visits) of every plan, oldest first."""
    rows = conn.execute(
        "SELECT p.plan_id, p.cycle, p.due_on, COUNT(v.uscc) FROM plans p "
        "LEFT JOIN plan_visits v ON v.plan_id = p.plan_id GROUP BY p.plan_id ORDER BY p.created_at"
    )
    return [tuple(r) for r in rows]


@dataclass(frozen=True)
class VisitState:
    uscc: str
    name: str
    district: str
    team_id: str
    state: str
    assessment_id: str | None


def _done_by(conn: sqlite3.Connection, plan: Plan, uscc: str) -> str | None:
    """The assessment that carries out the planned visit to `uscc`, if one is registered: a
    current official assessment of the plan's cycle that names this plan, or names no plan and
    was made on or after the day the plan was issued (an earlier visit was not planned)."""
    issued = in_beijing(plan.created_at).date().isoformat()  # visit dates are Beijing dates
    rows = conn.execute(
        "SELECT d.assessment_id, d.visit_date, f.content FROM current_documents d"
        " JOIN files f ON f.sha256 = d.sha256 WHERE d.centre_uscc = ? AND d.cycle = ?"
        " AND d.training = 0 ORDER BY d.signed_at",
        (uscc, plan.cycle),
    )
    for assessment_id, visit_date, content in rows:
        named = (json.loads(content).get("plan") or {}).get("plan_id")
        if named == plan.plan_id or (named is None and (visit_date or "") >= issued):
            return assessment_id
    return None


def visit_states(conn: sqlite3.Connection, plan_id: str, today: dt.date) -> list[VisitState]:
    """Each planned visit: done when its assessment is registered (see `_done_by`), overdue
    when not and the due date has passed, pending otherwise."""
    plan, _ = load_plan(conn, plan_id)
    overdue = today > plan.due_on
    names = {v.centre.uscc: v.centre.name for v in plan.visits}
    states = []
    for uscc, district, team in conn.execute(
        "SELECT uscc, district, team_id FROM plan_visits WHERE plan_id = ? ORDER BY uscc",
        (plan_id,),
    ).fetchall():
        done = _done_by(conn, plan, uscc)
        state = DONE if done else (OVERDUE if overdue else PENDING)
        states.append(VisitState(uscc, names[uscc], district, team, state, done))
    return states


def followup_states(conn: sqlite3.Connection, plan_id: str, today: dt.date) -> list[VisitState]:
    """Each planned follow-up visit: done when a signed follow-up record of the centre, visited
    on or after the day the plan was issued, is in the register; overdue or pending otherwise.
    `assessment_id` is the assessment whose items the visit checks."""
    plan, _ = load_plan(conn, plan_id)
    issued = in_beijing(plan.created_at).date().isoformat()
    states = []
    for planned in sorted(plan.followups, key=lambda f: f.uscc):
        done = conn.execute(
            "SELECT 1 FROM followups WHERE visited_on >= ? AND assessment_id IN"
            " (SELECT assessment_id FROM documents WHERE centre_uscc = ?)",
            (issued, planned.uscc),
        ).fetchone()
        state = DONE if done else (OVERDUE if today > plan.due_on else PENDING)
        states.append(
            VisitState(
                planned.uscc,
                planned.name,
                planned.district,
                planned.team_id,
                state,
                planned.assessment_id,
            )
        )
    return states
