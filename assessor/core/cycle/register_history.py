"""What the register already knows about roster centres, for choosing whom to visit.

Training-signed files never count: they are not assessments of the centre.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

NEVER_ASSESSED = "never_assessed"
LOW_GRADE = "low_grade"
OPEN_FLAGS = "open_flags"


def never_assessed(conn: sqlite3.Connection) -> set[str]:
    """Roster centres without any registered official assessment."""
    rows = conn.execute(
        "SELECT uscc FROM roster_centres WHERE uscc NOT IN "
        "(SELECT centre_uscc FROM current_documents WHERE training = 0)"
    )
    return {row[0] for row in rows}


def graded(conn: sqlite3.Connection, cycle: str, grades: Iterable[str]) -> set[str]:
    """Roster centres whose current assessment of `cycle` has one of `grades`."""
    wanted = sorted(set(grades))
    marks = ", ".join("?" for _ in wanted)
    rows = conn.execute(
        "SELECT DISTINCT centre_uscc FROM current_documents WHERE training = 0 AND cycle = ? "
        f"AND grade IN ({marks}) AND centre_uscc IN (SELECT uscc FROM roster_centres)",
        (cycle, *wanted),
    )
    return {row[0] for row in rows}


def flagged(conn: sqlite3.Connection) -> set[str]:
    """Roster centres whose current assessments carry an open flag someone must look at."""
    rows = conn.execute(
        "SELECT DISTINCT d.centre_uscc FROM flags f JOIN current_documents d "
        "ON d.sha256 = f.document_sha256 WHERE f.closed_at IS NULL AND d.training = 0 "
        "AND d.centre_uscc IN (SELECT uscc FROM roster_centres)"
    )
    return {row[0] for row in rows}
