"""The commission's settings of one register (table `settings`): today the minimum team size.

An import reads them once, at its start; a change applies to files imported afterwards (a flag
already opened or not opened stays as it was: the register never rewrites what it decided).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from assessor.core.clock import now_utc
from assessor.core.problems import UserError
from assessor.core.register import db
from assessor.core.register.rows import SettingRow

MIN_TEAM_SIZE = "min_team_size"
DEFAULT_MIN_TEAM_SIZE = 2
MAX_TEAM_SIZE = 20
"""A team has at most 20 members (`assessment.team.Team`)."""


@dataclass(frozen=True)
class Settings:
    min_team_size: int = DEFAULT_MIN_TEAM_SIZE
    """Assessments signed by fewer team members are flagged `team_too_small`. A one-signer
    file (format 1, or a team of one) is a team of one and is flagged when this is 2 or more."""


def read_settings(conn: sqlite3.Connection) -> Settings:
    stored = dict(conn.execute("SELECT key, value FROM settings").fetchall())
    return Settings(min_team_size=int(stored.get(MIN_TEAM_SIZE, DEFAULT_MIN_TEAM_SIZE)))


def set_min_team_size(conn: sqlite3.Connection, size: int, who: str) -> Settings:
    if not 1 <= size <= MAX_TEAM_SIZE:
        raise UserError(f"评估组最少人数应在 1 到 {MAX_TEAM_SIZE} 之间，收到 {size}")
    row = SettingRow(key=MIN_TEAM_SIZE, value=str(size), changed_at=now_utc(), changed_by=who)
    with db.transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO settings (key, value, changed_at, changed_by)"
            " VALUES (:key, :value, :changed_at, :changed_by)",
            row.to_db(),
        )
    return read_settings(conn)
