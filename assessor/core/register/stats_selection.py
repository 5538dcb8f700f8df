"""The assessments a statistics run counts, copied once into a temporary table.

Current versions only (`documents.current`), optionally one year of visits and only
assessments whose review state is 已确认 and that no open flag holds back (`filters.py`). Each
row keeps its review state and whether a flag holds it, for the 示范 list. Totals are kept as integers of hundredths
(`total_h`), so SQL sums them exactly; the register stores them as decimal text with at most two
decimals (rounded once by the scoring engine).

Every later query joins `temp.selection` instead of repeating the filter; the copy holds only
the columns the statistics read, which keeps a 100,000-row run to one pass over `documents`.
"""

from __future__ import annotations

import sqlite3

from assessor.core.register.filters import OPEN_FLAG, STATE, AssessmentFilter
from assessor.core.register.stats_model import StatsFilter

SELECTION = "temp.selection"

HUNDREDTHS = "CAST(ROUND({} * 100) AS INTEGER)"
"""SQL for a decimal text column as an exact integer of hundredths."""

_COLUMNS = (
    "d.sha256, d.assessment_id, d.version, d.centre_uscc, d.centre_name, d.division_code,"
    " COALESCE(d.operator, '') AS operator, d.care_types, d.visit_date, d.cycle,"
    " d.assessor_ids, d.grade, d.vetoes_fired, d.signed_at, d.total, d.training, "
    + HUNDREDTHS.format("d.total")
    + f" AS total_h, {STATE} AS review_state, {OPEN_FLAG} AS flagged"
)


def tuples(conn: sqlite3.Connection, sql: str, params: object = ()) -> sqlite3.Cursor:
    """`conn.execute` with rows as plain tuples: the register's connections make `sqlite3.Row`
    objects, which cost more than the query itself when 100,000 rows stream past."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params)


def as_filter(chosen: StatsFilter) -> AssessmentFilter:
    """The register's filter for what `chosen` counts."""
    return AssessmentFilter(year=chosen.year, confirmed_only=chosen.confirmed_only)


def selection_filter(chosen: StatsFilter) -> tuple[str, str, dict[str, object]]:
    """(join, where, parameters) over `documents d` for what `chosen` counts; exports use it too.

    The join makes the review row available as `r` (NULL when never reviewed: 待审核).
    """
    where, params = as_filter(chosen).where()
    return "LEFT JOIN reviews r ON r.assessment_id = d.assessment_id", where, params


def select_assessments(conn: sqlite3.Connection, chosen: StatsFilter) -> int:
    """Fill `temp.selection` with the assessments `chosen` counts; returns how many."""
    join, where, params = selection_filter(chosen)
    conn.execute(f"DROP TABLE IF EXISTS {SELECTION}")
    conn.execute(
        f"CREATE TABLE {SELECTION} AS SELECT {_COLUMNS} FROM documents d {join} WHERE {where}",
        params,
    )
    return int(conn.execute(f"SELECT COUNT(*) FROM {SELECTION}").fetchone()[0])


def drop_selection(conn: sqlite3.Connection) -> None:
    conn.execute(f"DROP TABLE IF EXISTS {SELECTION}")
