"""The cycle's tables in the register database, as literal SQL.

Written out rather than derived from models, so that editing a model can never silently change
what an existing register holds. `apply` is idempotent and runs whenever the register opens
(`register.db.connect`); it is meant to become one numbered migration step of the register.
"""

from __future__ import annotations

import sqlite3

STATEMENTS: tuple[str, ...] = (
    # One run of `register roster import`.
    """CREATE TABLE IF NOT EXISTS roster_imports (
  id INTEGER PRIMARY KEY,
  imported_at TEXT NOT NULL,
  who TEXT NOT NULL,
  source TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  rows INTEGER NOT NULL,
  added INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  unchanged INTEGER NOT NULL
)""",
    # The roster as the latest import left it: one row per centre, keyed by its USCC.
    """CREATE TABLE IF NOT EXISTS roster_centres (
  uscc TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  division_code TEXT NOT NULL,
  address TEXT NOT NULL,
  operator TEXT,
  places INTEGER,
  filed_on TEXT,
  first_import_id INTEGER NOT NULL REFERENCES roster_imports(id),
  last_import_id INTEGER NOT NULL REFERENCES roster_imports(id)
)""",
    # Every version of every centre's entry: a re-import that changes a centre adds a row.
    """CREATE TABLE IF NOT EXISTS roster_history (
  uscc TEXT NOT NULL,
  import_id INTEGER NOT NULL REFERENCES roster_imports(id),
  entry TEXT NOT NULL,
  PRIMARY KEY (uscc, import_id)
)""",
    # A signed visit plan, kept byte for byte.
    """CREATE TABLE IF NOT EXISTS plans (
  plan_id TEXT PRIMARY KEY,
  cycle TEXT NOT NULL,
  due_on TEXT NOT NULL,
  created_at TEXT NOT NULL,
  signer_name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  document TEXT NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS plan_visits (
  plan_id TEXT NOT NULL REFERENCES plans(plan_id),
  uscc TEXT NOT NULL,
  team_id TEXT NOT NULL,
  district TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (plan_id, uscc)
)""",
    "CREATE INDEX IF NOT EXISTS plan_visits_team ON plan_visits (plan_id, team_id)",
    "CREATE INDEX IF NOT EXISTS roster_centres_division ON roster_centres (division_code)",
)


def apply(conn: sqlite3.Connection) -> None:
    """Create the cycle's tables and indexes that are missing (a no-op when all exist)."""
    for statement in STATEMENTS:
        conn.execute(statement)
