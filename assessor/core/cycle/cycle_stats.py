"""Figures of the cycle for the commission: plan completion, overdue visits and items."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from assessor.core.cycle.plan_store import DONE, OVERDUE, VisitState, plan_ids, visit_states
from assessor.core.cycle.rectification import Item, items


@dataclass(frozen=True)
class Completion:
    plan_id: str
    group: str
    planned: int
    done: int
    overdue: int

    @property
    def pending(self) -> int:
        return self.planned - self.done - self.overdue


def completion(conn: sqlite3.Connection, today: dt.date, by: str) -> list[Completion]:
    """Planned, done and overdue visits of every plan, per district (`by="district"`) or per
    team (`by="team"`)."""
    attribute = {"district": "district", "team": "team_id"}[by]
    rows: list[Completion] = []
    for plan_id, *_ in plan_ids(conn):
        groups: dict[str, list[VisitState]] = {}
        for state in visit_states(conn, plan_id, today):
            groups.setdefault(getattr(state, attribute), []).append(state)
        rows.extend(
            Completion(
                plan_id,
                group,
                len(states),
                sum(s.state == DONE for s in states),
                sum(s.state == OVERDUE for s in states),
            )
            for group, states in sorted(groups.items())
        )
    return rows


def overdue_visits(conn: sqlite3.Connection, today: dt.date) -> list[tuple[str, VisitState]]:
    """(plan id, visit) of every planned visit past its plan's due date without a result."""
    return [
        (plan_id, state)
        for plan_id, *_ in plan_ids(conn)
        for state in visit_states(conn, plan_id, today)
        if state.state == OVERDUE
    ]


def overdue_items(conn: sqlite3.Connection, today: dt.date) -> list[Item]:
    return [i for i in items(conn, open_only=True) if i.overdue(today)]
