"""The rows the exports write, streamed from SQLite in a stable order (district, centre)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from assessor.core.register.filters import OPEN_KINDS
from assessor.core.register.stats_model import StatsFilter
from assessor.core.register.stats_selection import selection_filter

ORDER = "d.division_code, d.centre_name, d.centre_uscc, d.assessment_id"


def current_rows(conn: sqlite3.Connection, chosen: StatsFilter) -> Iterator[sqlite3.Row]:
    """Every column of the current versions `chosen` selects, plus `review_state` and
    `open_flags` (the kinds of its open flag items, comma-separated)."""
    join, where, params = selection_filter(chosen)
    cursor = conn.execute(
        f"SELECT d.*, COALESCE(r.state, 'pending') AS review_state, {OPEN_KINDS} AS open_flags"
        f" FROM documents d {join} "
        f"WHERE {where} ORDER BY {ORDER}",
        params,
    )
    cursor.row_factory = sqlite3.Row
    yield from cursor


def public_rows(conn: sqlite3.Connection, chosen: StatsFilter) -> Iterator[sqlite3.Row]:
    """What may be published: confirmed by a reviewer, held by no open flag, never a training
    sample."""
    public = chosen.model_copy(update={"confirmed_only": True})
    for row in current_rows(conn, public):
        if not row["training"]:
            yield row


def count_rows(conn: sqlite3.Connection, chosen: StatsFilter, *, public: bool = False) -> int:
    """How many rows `current_rows` (or `public_rows`) would give."""
    if public:
        chosen = chosen.model_copy(update={"confirmed_only": True})
    join, where, params = selection_filter(chosen)
    training = " AND NOT d.training" if public else ""
    sql = f"SELECT COUNT(*) FROM documents d {join} WHERE {where}{training}"
    return int(conn.execute(sql, params).fetchone()[0])
