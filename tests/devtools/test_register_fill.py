"""Generated register rows (for benchmarks and screenshots) satisfy the register's schema and
are counted by the statistics like imported ones."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assessor.core.register.db import connect
from assessor.core.register.stats import compute_statistics
from assessor.core.register.stats_model import StatsFilter
from assessor.core.rubric.registry import default_rubric
from assessor.devtools.register_fill import fill_register


def test_filled_rows_are_counted_like_imported_ones(tmp_path: Path) -> None:
    fill_register(tmp_path, default_rubric(), 40, seed=3)
    raw = sqlite3.connect(tmp_path / "register.sqlite3")
    try:
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        current = raw.execute("SELECT COUNT(*) FROM documents WHERE current = 1").fetchone()[0]
        grades = dict(
            raw.execute("SELECT grade, COUNT(*) FROM documents WHERE current = 1 GROUP BY grade")
        )
        scores = raw.execute("SELECT COUNT(*) FROM scores").fetchone()[0]
    finally:
        raw.close()
    assert scores == 40 * len(default_rubric().indicators)
    conn = connect(tmp_path)
    try:
        stats = compute_statistics(conn, StatsFilter())
    finally:
        conn.close()
    assert stats.count == current
    assert {g.grade: g.count for g in stats.grades.grades if g.count} == grades
