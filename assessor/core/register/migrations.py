"""The register's schema as a numbered list of migration steps, each literal SQL.

Step n (counting from 0) brings `PRAGMA user_version` n to n+1 and runs inside one write
transaction (`db._migrate`). A released step is never edited: a register created by an earlier
release has run it already, so a change is a new step appended at the end. The steps are written
out as SQL rather than built from the row models (`rows.py`): building them would silently
rewrite a released step whenever a model changed. `tests/core/register/test_migrations.py`
checks that the migrated schema is exactly what the row models describe.
"""

from __future__ import annotations

Step = tuple[str, ...]

_V1_TABLES: Step = (
    """CREATE TABLE batches (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  who TEXT NOT NULL,
  inputs TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  options TEXT NOT NULL,
  counts TEXT
)""",
    """CREATE TABLE batch_inputs (
  batch_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  source TEXT NOT NULL,
  sha256 TEXT,
  outcome TEXT NOT NULL,
  reason_code TEXT,
  reason TEXT NOT NULL,
  PRIMARY KEY (batch_id, seq),
  FOREIGN KEY (batch_id) REFERENCES batches(id)
)""",
    """CREATE TABLE files (
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (sha256)
)""",
    """CREATE TABLE documents (
  sha256 TEXT NOT NULL,
  assessment_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  supersedes_sha256 TEXT,
  centre_uscc TEXT NOT NULL,
  centre_name TEXT NOT NULL,
  centre_address TEXT NOT NULL,
  division_code TEXT NOT NULL,
  operator TEXT,
  care_types TEXT NOT NULL,
  centre_kind TEXT NOT NULL,
  places INTEGER NOT NULL,
  visit_date TEXT,
  cycle TEXT NOT NULL,
  assessor_ids TEXT NOT NULL,
  assessor_names TEXT NOT NULL,
  total TEXT NOT NULL,
  max_total TEXT NOT NULL,
  grade TEXT NOT NULL,
  vetoes_fired TEXT NOT NULL,
  rubric_sha256 TEXT NOT NULL,
  rubric_code TEXT NOT NULL,
  signer_name TEXT NOT NULL,
  signer_id TEXT NOT NULL,
  cert_serial TEXT NOT NULL,
  cert_issuer TEXT NOT NULL,
  signed_at TEXT NOT NULL,
  training INTEGER NOT NULL,
  batch_id INTEGER NOT NULL,
  current INTEGER NOT NULL,
  PRIMARY KEY (sha256),
  FOREIGN KEY (sha256) REFERENCES files(sha256),
  FOREIGN KEY (batch_id) REFERENCES batches(id)
)""",
    """CREATE TABLE dimensions (
  document_sha256 TEXT NOT NULL,
  dimension_id TEXT NOT NULL,
  name TEXT NOT NULL,
  score TEXT NOT NULL,
  max TEXT NOT NULL,
  PRIMARY KEY (document_sha256, dimension_id),
  FOREIGN KEY (document_sha256) REFERENCES documents(sha256)
)""",
    """CREATE TABLE scores (
  document_sha256 TEXT NOT NULL,
  indicator_id TEXT NOT NULL,
  dimension_id TEXT NOT NULL,
  score TEXT,
  max TEXT NOT NULL,
  na INTEGER NOT NULL,
  PRIMARY KEY (document_sha256, indicator_id),
  FOREIGN KEY (document_sha256) REFERENCES documents(sha256)
)""",
    """CREATE TABLE quarantine (
  batch_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  original_path TEXT NOT NULL,
  stored_copy TEXT,
  reason_code TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (batch_id, seq),
  FOREIGN KEY (batch_id) REFERENCES batches(id)
)""",
    """CREATE TABLE reviews (
  assessment_id TEXT NOT NULL,
  state TEXT NOT NULL,
  comment TEXT NOT NULL,
  changed_at TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  PRIMARY KEY (assessment_id)
)""",
    """CREATE TABLE review_log (
  id INTEGER PRIMARY KEY,
  assessment_id TEXT NOT NULL,
  at TEXT NOT NULL,
  who TEXT NOT NULL,
  old_state TEXT NOT NULL,
  new_state TEXT NOT NULL,
  comment TEXT NOT NULL
)""",
    """CREATE TABLE conflicts (
  assessment_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  current_sha256 TEXT NOT NULL,
  other_sha256 TEXT NOT NULL,
  batch_id INTEGER NOT NULL,
  resolved INTEGER NOT NULL,
  PRIMARY KEY (other_sha256),
  FOREIGN KEY (current_sha256) REFERENCES documents(sha256),
  FOREIGN KEY (other_sha256) REFERENCES documents(sha256),
  FOREIGN KEY (batch_id) REFERENCES batches(id)
)""",
    """CREATE TABLE flags (
  document_sha256 TEXT NOT NULL,
  kind TEXT NOT NULL,
  other TEXT NOT NULL,
  detail TEXT NOT NULL,
  batch_id INTEGER NOT NULL,
  PRIMARY KEY (document_sha256, kind, other),
  FOREIGN KEY (document_sha256) REFERENCES documents(sha256),
  FOREIGN KEY (batch_id) REFERENCES batches(id)
)""",
    """CREATE TABLE revocations (
  issuer TEXT NOT NULL,
  serial TEXT NOT NULL,
  revoked_at TEXT NOT NULL,
  reason TEXT NOT NULL,
  learnt_batch_id INTEGER NOT NULL,
  PRIMARY KEY (issuer, serial)
)""",
    "CREATE INDEX documents_assessment ON documents (assessment_id, version)",
    "CREATE INDEX documents_current ON documents (current, cycle)",
    "CREATE INDEX documents_uscc ON documents (centre_uscc, cycle)",
    "CREATE INDEX documents_division ON documents (division_code)",
    "CREATE INDEX documents_supersedes ON documents (supersedes_sha256)",
    "CREATE INDEX documents_cert ON documents (cert_issuer, cert_serial)",
    "CREATE INDEX scores_indicator ON scores (indicator_id)",
    "CREATE INDEX dimensions_dimension ON dimensions (dimension_id)",
    "CREATE INDEX batch_inputs_sha ON batch_inputs (sha256)",
    "CREATE INDEX review_log_assessment ON review_log (assessment_id, id)",
    "CREATE INDEX flags_kind ON flags (kind)",
    # The versions that count: newest amendment, or the first of a conflict.
    "CREATE VIEW current_documents AS SELECT * FROM documents WHERE current = 1",
    # Current versions with their review state (待审核 when never reviewed).
    "CREATE VIEW current_reviewed AS SELECT d.*, COALESCE(r.state, 'pending') AS review_state "
    "FROM documents d LEFT JOIN reviews r ON r.assessment_id = d.assessment_id "
    "WHERE d.current = 1",
)
"""Release 1: the register as issue 10 made it."""

_V2_FLAG_ITEMS: Step = (
    # Flags become work items (issue 18): one row per item, a same-centre pair one row naming
    # both assessments, opened and closed with who decided what.
    """CREATE TABLE flag_items (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  assessment_id TEXT NOT NULL,
  document_sha256 TEXT NOT NULL,
  other TEXT NOT NULL,
  other_assessment_id TEXT,
  detail TEXT NOT NULL,
  batch_id INTEGER NOT NULL,
  opened_at TEXT NOT NULL,
  closed_at TEXT,
  closed_by TEXT,
  decision TEXT,
  comment TEXT NOT NULL,
  FOREIGN KEY (document_sha256) REFERENCES documents(sha256),
  FOREIGN KEY (batch_id) REFERENCES batches(id),
  UNIQUE (document_sha256, kind, other)
)""",
    # Release 1 wrote a same-centre pair twice (once from each side): keep one of the two.
    "INSERT INTO flag_items (kind, assessment_id, document_sha256, other, other_assessment_id,"
    " detail, batch_id, opened_at, comment) "
    "SELECT f.kind, d.assessment_id, f.document_sha256, f.other,"
    " (SELECT o.assessment_id FROM documents o WHERE o.sha256 = f.other"
    "  AND f.kind = 'same_centre_in_cycle'),"
    " f.detail, f.batch_id, b.started_at, '' "
    "FROM flags f JOIN documents d ON d.sha256 = f.document_sha256"
    " JOIN batches b ON b.id = f.batch_id "
    "WHERE NOT (f.kind = 'same_centre_in_cycle' AND f.other < f.document_sha256"
    " AND EXISTS (SELECT 1 FROM flags g WHERE g.kind = f.kind"
    "  AND g.document_sha256 = f.other AND g.other = f.document_sha256)) "
    "ORDER BY f.batch_id, f.rowid",
    # Release 1 kept unresolved conflicts only in `conflicts`: each is an item too.
    "INSERT INTO flag_items (kind, assessment_id, document_sha256, other, detail, batch_id,"
    " opened_at, comment) "
    "SELECT 'conflict', c.assessment_id, c.current_sha256, c.other_sha256,"
    " '同一评估同一版本另有内容不同的文件（哈希 ' || substr(c.other_sha256, 1, 12) || '…）',"
    " c.batch_id, b.started_at, '' "
    "FROM conflicts c JOIN batches b ON b.id = c.batch_id WHERE c.resolved = 0",
    # Items on versions that are no longer current close themselves, as they do from now on.
    "UPDATE flag_items SET closed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
    " closed_by = '登记库升级', decision = 'superseded' "
    "WHERE document_sha256 IN (SELECT sha256 FROM documents WHERE current = 0)"
    " OR (kind = 'same_centre_in_cycle'"
    "  AND other IN (SELECT sha256 FROM documents WHERE current = 0))",
    "DROP INDEX flags_kind",
    "DROP TABLE flags",
    "ALTER TABLE flag_items RENAME TO flags",
    "CREATE INDEX flags_open_assessment ON flags (closed_at, assessment_id)",
    "CREATE INDEX flags_open_other ON flags (closed_at, other_assessment_id)",
    "CREATE INDEX flags_other ON flags (other)",
    "CREATE INDEX flags_batch ON flags (batch_id, kind)",
)

_V3_CYCLE: Step = (
    # The assessment cycle (issue 21): the roster of registered centres, signed visit plans,
    # rectification items and follow-up visits. These tables have no row models: the cycle
    # package reads and writes them with literal SQL of its own (`core/cycle/`).
    # One run of `register roster import`.
    """CREATE TABLE roster_imports (
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
    """CREATE TABLE roster_centres (
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
    """CREATE TABLE roster_history (
  uscc TEXT NOT NULL,
  import_id INTEGER NOT NULL REFERENCES roster_imports(id),
  entry TEXT NOT NULL,
  PRIMARY KEY (uscc, import_id)
)""",
    # A signed visit plan, kept byte for byte.
    """CREATE TABLE plans (
  plan_id TEXT PRIMARY KEY,
  cycle TEXT NOT NULL,
  due_on TEXT NOT NULL,
  created_at TEXT NOT NULL,
  signer_name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  document TEXT NOT NULL
)""",
    """CREATE TABLE plan_visits (
  plan_id TEXT NOT NULL REFERENCES plans(plan_id),
  uscc TEXT NOT NULL,
  team_id TEXT NOT NULL,
  district TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (plan_id, uscc)
)""",
    # Days a centre has to rectify, per item kind (basic indicators get less time).
    """CREATE TABLE rect_deadlines (
  kind TEXT PRIMARY KEY,
  days INTEGER NOT NULL
)""",
    # One finding to rectify: an indicator below full marks (or an unmet basic indicator) in
    # the current version of a registered assessment. `state` is open or closed; `outcome`
    # what the last follow-up visit found (rectified, partly, not_rectified).
    """CREATE TABLE rect_items (
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
    """CREATE TABLE followups (
  sha256 TEXT PRIMARY KEY,
  assessment_id TEXT NOT NULL,
  visited_on TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  content BLOB NOT NULL
)""",
    "CREATE INDEX rect_items_centre ON rect_items (uscc, state)",
    "CREATE INDEX plan_visits_team ON plan_visits (plan_id, team_id)",
    "CREATE INDEX roster_centres_division ON roster_centres (division_code)",
)

_V4_TEAMS: Step = (
    # Team visits (issue 20): every signer of a document, who answered for which dimension,
    # and the commission's settings (the minimum team size). Documents registered before this
    # step have no signer rows; the detail view falls back to the document's one signer.
    """CREATE TABLE signers (
  document_sha256 TEXT NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  assessor_id TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  cert_issuer TEXT NOT NULL,
  cert_serial TEXT NOT NULL,
  signed_at TEXT NOT NULL,
  PRIMARY KEY (document_sha256, position),
  FOREIGN KEY (document_sha256) REFERENCES documents(sha256)
)""",
    """CREATE TABLE responsibilities (
  document_sha256 TEXT NOT NULL,
  dimension_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  assessor_id TEXT NOT NULL,
  body TEXT NOT NULL,
  leader INTEGER NOT NULL,
  PRIMARY KEY (document_sha256, dimension_id, member_id),
  FOREIGN KEY (document_sha256) REFERENCES documents(sha256)
)""",
    """CREATE TABLE settings (
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  changed_at TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  PRIMARY KEY (key)
)""",
    "CREATE INDEX signers_certificate ON signers (cert_issuer, cert_serial)",
)

_V5_SELECTIVE_INDEXES: Step = (
    # Indexes led by `current` or `closed_at` hold nearly every row under one value, yet
    # SQLite (which keeps no statistics here) chose them over an assessment's own index: each
    # lookup of one assessment's current version, or of the items open about it, walked every
    # current document or every open item, and an import's work per file grew with the
    # register. Partial indexes keep the scans that want all current documents or all open
    # items, and are never chosen for a lookup of one assessment; plain indexes on both
    # assessments an item names let "open items about X" use both at once.
    "DROP INDEX documents_current",
    "CREATE INDEX documents_current ON documents (cycle) WHERE current = 1",
    "DROP INDEX flags_open_assessment",
    "DROP INDEX flags_open_other",
    "CREATE INDEX flags_assessment ON flags (assessment_id)",
    "CREATE INDEX flags_other_assessment ON flags (other_assessment_id)",
    "CREATE INDEX flags_open ON flags (kind) WHERE closed_at IS NULL",
)

STEPS: tuple[Step, ...] = (
    _V1_TABLES,
    _V2_FLAG_ITEMS,
    _V3_CYCLE,
    _V4_TEAMS,
    _V5_SELECTIVE_INDEXES,
)
"""Append new steps here; never edit or reorder a released one."""
