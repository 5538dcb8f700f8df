"""A derived summary that lets statistics count 13 million indicator scores without reading them.

A register of 100,000 assessments holds 13.2 million indicator scores; reading them all takes
SQLite tens of seconds on a laptop. Scores take few distinct values (an indicator's levels; a
dimension's sums), so the summary keeps, per bucket (visit year, current version or not,
confirmed and held by no open flag or not), how many times each indicator and each dimension took each value, in
integers of hundredths. Means, medians and minima follow exactly from these counts.

Beside those counts (`stats_values`), `stats_sums` keeps per bucket the sums the
assessment-level figures need: totals and counts by grade, by district and centre kind (a
cell), by assessor and cell, unmet basic indicators, rubrics and training samples. The grade
distribution, the mean total, the vetoes and the assessor calibration are read from them.

The summary is a cache owned by the statistics: `catch_up` folds in documents registered since
the last run and moves documents whose bucket changed (an amendment made them history, a
review confirmed them); `stats_folded` remembers the bucket each document was counted in. It can
be dropped at any time (`drop_summary`) and is rebuilt from the register's own rows. An import
that calls `catch_up` after each batch keeps statistics instant; otherwise the next statistics
run pays for what came in since.
"""

from __future__ import annotations

import sqlite3

from assessor.core.register.db import transaction
from assessor.core.register.filters import PUBLISHABLE
from assessor.core.register.stats_selection import HUNDREDTHS, tuples

SUMMARY_VERSION = 4
"""Raise when the summary's tables or meaning change: an older summary is then rebuilt."""

INDICATOR = "i"
DIMENSION = "d"

_TABLES = (
    "CREATE TABLE IF NOT EXISTS stats_folded ("
    " document_sha256 TEXT PRIMARY KEY, year TEXT NOT NULL, current INTEGER NOT NULL,"
    " confirmed INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS stats_values ("
    " year TEXT NOT NULL, current INTEGER NOT NULL, confirmed INTEGER NOT NULL,"
    " kind TEXT NOT NULL, key TEXT NOT NULL, parent TEXT NOT NULL, max TEXT NOT NULL,"
    " value_h INTEGER NOT NULL, n INTEGER NOT NULL,"
    " PRIMARY KEY (year, current, confirmed, kind, key, parent, max, value_h)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS stats_sums ("
    " year TEXT NOT NULL, current INTEGER NOT NULL, confirmed INTEGER NOT NULL,"
    " kind TEXT NOT NULL, key TEXT NOT NULL, sub TEXT NOT NULL,"
    " total_h INTEGER NOT NULL, n INTEGER NOT NULL,"
    " PRIMARY KEY (year, current, confirmed, kind, key, sub)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS stats_assessor_names (assessor TEXT PRIMARY KEY, name TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS stats_state (id INTEGER PRIMARY KEY CHECK (id = 1),"
    " fingerprint TEXT NOT NULL)",
)

# What a bucket depends on, from indexes rather than the wide rows of `documents`: the documents
# (count), which of them are current (a sum with pseudo-random weights per row, so making one
# version history and another current changes it) and the review log (every review change,
# undo included, adds an entry). Equal fingerprints: nothing to fold, no join of 100,000 rows.
_FINGERPRINT = (
    "SELECT (SELECT COUNT(*) FROM documents)"
    " || ':' || (SELECT COALESCE(SUM((rowid * 2654435761) % 4294967291), 0) FROM documents"
    "   WHERE current = 1)"  # read from the index on `current`, not the wide rows
    " || ':' || (SELECT COALESCE(MAX(id), 0) FROM review_log)"
    " || ':' || (SELECT COUNT(*) FROM reviews)"
    # Opening an item adds an id; closing one lowers the open count.
    " || ':' || (SELECT COALESCE(MAX(id), 0) FROM flags)"
    " || ':' || (SELECT COUNT(*) FROM flags WHERE closed_at IS NULL)"
)

_BUCKET = (
    "COALESCE(substr(d.visit_date, 1, 4), '') AS year, d.current AS current, "
    f"COALESCE({PUBLISHABLE}, 0) AS confirmed"
)
_DOCUMENTS = "documents d LEFT JOIN reviews r ON r.assessment_id = d.assessment_id"

# What a set of documents (temp table `t` of sha256 and bucket) adds to the counts, times sign.
_ADD_INDICATORS = (
    "INSERT INTO stats_values SELECT t.year, t.current, t.confirmed, 'i', c.indicator_id,"
    f" c.dimension_id, c.max, {HUNDREDTHS.format('c.score')} AS v, :sign * COUNT(*)"
    " FROM {t} t CROSS JOIN scores c ON c.document_sha256 = t.sha256"
    " WHERE c.na = 0 AND c.score IS NOT NULL"
    " GROUP BY t.year, t.current, t.confirmed, c.indicator_id, c.dimension_id, c.max, v"
    " ON CONFLICT DO UPDATE SET n = n + excluded.n"
)
_ADD_DIMENSIONS = (
    "INSERT INTO stats_values SELECT t.year, t.current, t.confirmed, 'd', m.dimension_id,"
    f" m.name, m.max, {HUNDREDTHS.format('m.score')} AS v, :sign * COUNT(*)"
    " FROM {t} t CROSS JOIN dimensions m ON m.document_sha256 = t.sha256"
    " WHERE true"
    " GROUP BY t.year, t.current, t.confirmed, m.dimension_id, m.name, m.max, v"
    " ON CONFLICT DO UPDATE SET n = n + excluded.n"
)


GRADE = "grade"
CELL = "cell"
ASSESSOR = "assessor"
VETO = "veto"
RUBRIC = "rubric"
TRAINING = "training"
DIMENSION_CELL = "dcell"
MEMBER = "member"
_TOTAL_H = HUNDREDTHS.format("d.total")

# Who answered for each dimension of the documents of `t`: a team document's members as its
# assignment made them responsible (`responsibilities`); any other document's named assessors
# for every dimension. UNION: an assessor named twice for one dimension counts once.
_MEMBERS = (
    "SELECT r.document_sha256 AS sha256, r.dimension_id AS dimension_id,"
    " r.assessor_id AS assessor FROM responsibilities r"
    " WHERE r.assessor_id <> '' AND r.document_sha256 IN (SELECT sha256 FROM {t})"
    " UNION SELECT d2.sha256, m2.dimension_id, j.value"
    " FROM documents d2 JOIN dimensions m2 ON m2.document_sha256 = d2.sha256,"
    " json_each(d2.assessor_ids) j WHERE d2.sha256 IN (SELECT sha256 FROM {t})"
    " AND NOT EXISTS (SELECT 1 FROM responsibilities r2 WHERE r2.document_sha256 = d2.sha256)"
)


def _add_sums(kind: str, key: str, sub: str, source: str = "") -> str:
    """What documents of `t` add to `stats_sums` for one kind, grouped by key and sub."""
    return (
        f"INSERT INTO stats_sums SELECT t.year, t.current, t.confirmed, '{kind}', {key}, {sub},"
        f" :sign * SUM({_TOTAL_H}), :sign * COUNT(*)"
        " FROM {t} t CROSS JOIN documents d ON d.sha256 = t.sha256" + source + " WHERE true"
        " GROUP BY t.year, t.current, t.confirmed, 5, 6"
        " ON CONFLICT DO UPDATE SET total_h = total_h + excluded.total_h, n = n + excluded.n"
    )


def _add_dimension_sums(kind: str, key: str, sub: str, source: str = "") -> str:
    """Like `_add_sums`, over the documents' dimension scores rather than their totals."""
    return (
        f"INSERT INTO stats_sums SELECT t.year, t.current, t.confirmed, '{kind}', {key}, {sub},"
        f" :sign * SUM({HUNDREDTHS.format('m.score')}), :sign * COUNT(*)"
        " FROM {t} t CROSS JOIN documents d ON d.sha256 = t.sha256"
        " CROSS JOIN dimensions m ON m.document_sha256 = d.sha256" + source + " WHERE true"
        " GROUP BY t.year, t.current, t.confirmed, 5, 6"
        " ON CONFLICT DO UPDATE SET total_h = total_h + excluded.total_h, n = n + excluded.n"
    )


_CELL_KEY = "d.division_code || char(31) || d.centre_kind"

_ADD_SUMS = (
    _add_sums(GRADE, "d.grade", "''"),
    _add_sums(CELL, "d.division_code", "d.centre_kind"),
    _add_sums(RUBRIC, "d.rubric_sha256", "''"),
    _add_sums(TRAINING, "CAST(d.training AS TEXT)", "''"),
    # Vetoes are unique within a document (one entry per basic indicator).
    _add_sums(VETO, "v.value", "''", ", json_each(d.vetoes_fired) v"),
    # An assessor in one assessment counts once, whatever they answered for.
    _add_sums(
        ASSESSOR,
        "a.assessor",
        _CELL_KEY,
        f" CROSS JOIN (SELECT DISTINCT sha256, assessor FROM ({_MEMBERS})) a"
        " ON a.sha256 = d.sha256",
    ),
    # Calibration per member: dimension scores per cell and dimension, all and per assessor.
    _add_dimension_sums(DIMENSION_CELL, _CELL_KEY, "m.dimension_id"),
    _add_dimension_sums(
        MEMBER,
        "w.assessor",
        f"{_CELL_KEY} || char(31) || m.dimension_id",
        f" CROSS JOIN ({_MEMBERS}) w ON w.sha256 = d.sha256 AND w.dimension_id = m.dimension_id",
    ),
)
_NAMES = (
    "INSERT OR IGNORE INTO stats_assessor_names SELECT j.value, a.value"
    " FROM {t} t CROSS JOIN documents d ON d.sha256 = t.sha256, json_each(d.assessor_ids) j,"
    " json_each(d.assessor_names) a WHERE a.key = j.key",
    "INSERT OR IGNORE INTO stats_assessor_names SELECT r.assessor_id, r.name"
    " FROM {t} t CROSS JOIN responsibilities r ON r.document_sha256 = t.sha256"
    " WHERE r.assessor_id <> ''",
)


def _count(conn: sqlite3.Connection, table: str, sign: int) -> None:
    """Add (sign 1) or take back (sign -1) what the documents in `table` contribute."""
    statements = [*_ADD_SUMS, _ADD_INDICATORS, _ADD_DIMENSIONS]
    if sign > 0:  # a name, once learnt, stays: nothing to take back
        statements.extend(_NAMES)
    for sql in statements:
        tuples(conn, sql.format(t=table), {"sign": sign})


def catch_up(conn: sqlite3.Connection) -> int:
    """Bring the summary up to date with the register; returns how many documents moved.

    Documents are never edited (their rows hold a signed file's content), only added, made
    history, reviewed, or, by a repair outside the app, removed. A removed document's scores
    are gone, so its counts cannot be taken back: then the summary is rebuilt from scratch.
    """
    for sql in _TABLES:
        tuples(conn, sql)
    fingerprint = f"{SUMMARY_VERSION}|" + tuples(conn, _FINGERPRINT).fetchone()[0]
    stored = tuples(conn, "SELECT fingerprint FROM stats_state").fetchone()
    if stored is not None and stored[0] == fingerprint:
        return 0
    if stored is not None and not stored[0].startswith(f"{SUMMARY_VERSION}|"):
        # Made by a release that summarised differently: start again.
        drop_summary(conn)
        for sql in _TABLES:
            tuples(conn, sql)
    moved = _fold(conn)
    folded, documents = tuples(
        conn, "SELECT (SELECT COUNT(*) FROM stats_folded), (SELECT COUNT(*) FROM documents)"
    ).fetchone()
    if folded != documents:
        drop_summary(conn)
        for sql in _TABLES:
            tuples(conn, sql)
        moved = _fold(conn)
    # Taken before folding: a change that lands meanwhile makes the next run fold again.
    tuples(
        conn, "INSERT OR REPLACE INTO stats_state (id, fingerprint) VALUES (1, ?)", (fingerprint,)
    )
    return moved


def _fold(conn: sqlite3.Connection) -> int:
    with transaction(conn):
        tuples(conn, "DROP TABLE IF EXISTS temp.fold_new")
        tuples(conn, "DROP TABLE IF EXISTS temp.fold_old")
        tuples(
            conn,
            f"CREATE TABLE temp.fold_new AS SELECT d.sha256 AS sha256, {_BUCKET} FROM {_DOCUMENTS}"
            " WHERE NOT EXISTS (SELECT 1 FROM stats_folded f WHERE f.document_sha256 = d.sha256)",
        )
        # Documents counted in a bucket they no longer belong to: out of the old, into the new.
        tuples(
            conn,
            "CREATE TABLE temp.fold_old AS SELECT f.document_sha256 AS sha256, f.year,"
            " f.current, f.confirmed FROM stats_folded f"
            " JOIN documents d ON d.sha256 = f.document_sha256"
            " LEFT JOIN reviews r ON r.assessment_id = d.assessment_id"
            f" WHERE f.current <> d.current OR f.confirmed <> COALESCE({PUBLISHABLE}, 0)",
        )
        tuples(
            conn,
            f"INSERT INTO temp.fold_new SELECT d.sha256, {_BUCKET} FROM {_DOCUMENTS}"
            " WHERE d.sha256 IN (SELECT sha256 FROM temp.fold_old)",
        )
        _count(conn, "temp.fold_old", -1)
        _count(conn, "temp.fold_new", 1)
        tuples(conn, "DELETE FROM stats_values WHERE n = 0")
        tuples(conn, "DELETE FROM stats_sums WHERE n = 0")
        tuples(
            conn,
            "INSERT OR REPLACE INTO stats_folded SELECT sha256, year, current, confirmed"
            " FROM temp.fold_new",
        )
        moved = int(tuples(conn, "SELECT COUNT(*) FROM temp.fold_new").fetchone()[0])
        tuples(conn, "DROP TABLE temp.fold_new")
        tuples(conn, "DROP TABLE temp.fold_old")
    return moved


def drop_summary(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        tuples(conn, "DROP TABLE IF EXISTS stats_values")
        tuples(conn, "DROP TABLE IF EXISTS stats_sums")
        tuples(conn, "DROP TABLE IF EXISTS stats_assessor_names")
        tuples(conn, "DROP TABLE IF EXISTS stats_folded")
        tuples(conn, "DROP TABLE IF EXISTS stats_state")


def bucket_where(year: int | None, confirmed_only: bool) -> tuple[str, dict[str, object]]:
    """The buckets a filter counts: current versions, optionally one year, only confirmed."""
    where = ["current = 1"]
    if year is not None:
        where.append("year = :year")
    if confirmed_only:
        where.append("confirmed = 1")
    return " AND ".join(where), {"year": f"{year:04d}" if year is not None else None}


def sums(
    conn: sqlite3.Connection, kind: str, *, year: int | None, confirmed_only: bool
) -> list[tuple[str, str, int, int]]:
    """(key, sub, sum of totals in hundredths, count) of one kind over the buckets counted."""
    where, params = bucket_where(year, confirmed_only)
    return tuples(
        conn,
        f"SELECT key, sub, SUM(total_h), SUM(n) FROM stats_sums WHERE kind = :kind AND {where}"
        " GROUP BY key, sub HAVING SUM(n) <> 0",
        {**params, "kind": kind},
    ).fetchall()


def assessor_names(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(tuples(conn, "SELECT assessor, name FROM stats_assessor_names").fetchall())


def value_counts(
    conn: sqlite3.Connection, kind: str, *, year: int | None, confirmed_only: bool
) -> sqlite3.Cursor:
    """(key, parent, max, value_h, n) over the buckets counted, for indicators or dimensions."""
    where, params = bucket_where(year, confirmed_only)
    return tuples(
        conn,
        "SELECT key, parent, max, value_h, SUM(n) FROM stats_values"
        f" WHERE kind = :kind AND {where} GROUP BY key, parent, max, value_h"
        " HAVING SUM(n) <> 0 ORDER BY key, max, value_h",
        {**params, "kind": kind},
    )
