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
    # Days a centre has to rectify, per item kind (basic indicators get less time).
    """CREATE TABLE IF NOT EXISTS rect_deadlines (
  kind TEXT PRIMARY KEY,
  days INTEGER NOT NULL
)""",
    # One finding to rectify: an indicator below full marks (or an unmet basic indicator) in
    # the current version of a registered assessment. `state` is open or closed; `outcome`
    # what the last follow-up visit found (rectified, partly, not_rectified).
    """CREATE TABLE IF NOT EXISTS rect_items (
  id INTEGER PRIMARY KEY,
  assessment_id TEXT NOT NULL,
  document_sha256 TEXT NOT NULL,
  uscc TEXT NOT NULL,
  centre_name TEXT NOT NULL,
  district TEXT NOT NULL,
  indicator_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  score TEXT NOT NULL,
  max TEXT NOT NULL,
  finding TEXT NOT NULL,
  evidence TEXT NOT NULL,
  opened_on TEXT NOT NULL,
  due_on TEXT NOT NULL,
  state TEXT NOT NULL,
  outcome TEXT,
  closed_at TEXT,
  followup_sha256 TEXT,
  UNIQUE (assessment_id, indicator_id)
)""",
    # A signed follow-up visit file, kept byte for byte.
    """CREATE TABLE IF NOT EXISTS followups (
  sha256 TEXT PRIMARY KEY,
  assessment_id TEXT NOT NULL,
  visited_on TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  content BLOB NOT NULL
)""",
    "CREATE INDEX IF NOT EXISTS rect_items_centre ON rect_items (uscc, state)",
    "CREATE INDEX IF NOT EXISTS plan_visits_team ON plan_visits (plan_id, team_id)",
    "CREATE INDEX IF NOT EXISTS roster_centres_division ON roster_centres (division_code)",
)


def apply(conn: sqlite3.Connection) -> None:
    """Create the cycle's tables and indexes that are missing (a no-op when all exist)."""
    for statement in STATEMENTS:
        conn.execute(statement)
