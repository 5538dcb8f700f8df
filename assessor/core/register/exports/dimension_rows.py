"""Indicator scores of the current versions, one row per assessment and dimension, streamed.

The documents are put in export order once (a temporary table); each one's scores then come
through the primary key of `scores` in that order, so no sort of millions of scores is needed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from assessor.core.register.exports.source import ORDER
from assessor.core.register.stats_model import StatsFilter
from assessor.core.register.stats_selection import selection_filter

NOT_APPLICABLE = "不适用"

ORDERED = "temp.export_order"


@dataclass
class DocumentScores:
    centre_name: str
    centre_uscc: str
    assessment_id: str
    version: int
    grade: str
    dimensions: dict[str, Decimal] = field(default_factory=dict)
    scores: dict[str, dict[str, Decimal | str | None]] = field(default_factory=dict)
    """dimension → indicator → score, 不适用, or None when unscored."""


def document_scores(conn: sqlite3.Connection, chosen: StatsFilter) -> Iterator[DocumentScores]:
    join, where, params = selection_filter(chosen)
    conn.execute(f"DROP TABLE IF EXISTS {ORDERED}")
    conn.execute(
        f"CREATE TABLE {ORDERED} AS SELECT d.sha256, d.centre_name, d.centre_uscc,"
        f" d.assessment_id, d.version, d.grade FROM documents d {join} WHERE {where}"
        f" ORDER BY {ORDER}",
        params,
    )
    try:
        dims = conn.execute(
            f"SELECT o.rowid, m.dimension_id, m.score FROM {ORDERED} o"
            " CROSS JOIN dimensions m ON m.document_sha256 = o.sha256 ORDER BY o.rowid"
        )
        scores = conn.execute(
            f"SELECT o.rowid, o.centre_name, o.centre_uscc, o.assessment_id, o.version, o.grade,"
            f" c.dimension_id, c.indicator_id, c.score, c.na FROM {ORDERED} o"
            " CROSS JOIN scores c ON c.document_sha256 = o.sha256 ORDER BY o.rowid"
        )
        dim_rows = iter(dims)
        pending = next(dim_rows, None)
        for rowid, rows in groupby(scores, key=lambda r: r[0]):
            rows = list(rows)
            doc = DocumentScores(*rows[0][1:6])
            for dimension, indicator, score, na in (r[6:] for r in rows):
                value = NOT_APPLICABLE if na else (Decimal(score) if score is not None else None)
                doc.scores.setdefault(dimension, {})[indicator] = value
            # Both cursors run in export order: take this document's dimension rows.
            while pending is not None and pending[0] <= rowid:
                if pending[0] == rowid:
                    doc.dimensions[pending[1]] = Decimal(pending[2])
                pending = next(dim_rows, None)
            yield doc
    finally:
        conn.execute(f"DROP TABLE IF EXISTS {ORDERED}")
