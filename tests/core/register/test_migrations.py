"""The register's migrations: literal SQL steps that build exactly what the row models describe,
and that carry a register made by release 1 forward without losing a flag."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assessor.core.register.db import SCHEMA_VERSION, connect, create_table_sql
from assessor.core.register.migrations import STEPS
from assessor.core.register.rows import TABLES


def _shape(conn: sqlite3.Connection, table: str) -> dict[str, object]:
    """What a table is, as SQLite reports it (not as its CREATE text happens to read)."""
    columns = [
        (name, kind, bool(notnull), pk)
        for _, name, kind, notnull, _, pk in conn.execute(f"PRAGMA table_info({table})")
    ]
    keys = sorted(
        (row[3], row[2], row[4]) for row in conn.execute(f"PRAGMA foreign_key_list({table})")
    )
    unique = sorted(
        tuple(c[2] for c in conn.execute(f"PRAGMA index_info('{index[1]}')"))
        for index in conn.execute(f"PRAGMA index_list({table})")
        if index[2] and index[3] == "u"
    )
    return {"columns": columns, "foreign_keys": keys, "unique": unique}


def test_migrated_schema_is_what_the_row_models_describe(tmp_path: Path) -> None:
    migrated = connect(tmp_path / "reg", create=True)
    described = sqlite3.connect(":memory:")
    for model in TABLES:
        described.execute(create_table_sql(model))
    try:
        tables = {
            name
            for (name,) in migrated.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        # The cycle's tables (step 3) have no row models; they are defined by their SQL alone.
        cycle = {
            "roster_imports",
            "roster_centres",
            "roster_history",
            "plans",
            "plan_visits",
            "rect_deadlines",
            "rect_items",
            "followups",
        }
        assert tables == {m.table for m in TABLES} | cycle
        for model in TABLES:
            assert _shape(migrated, model.table) == _shape(described, model.table), model.table
        assert migrated.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert len(STEPS) == SCHEMA_VERSION
    finally:
        migrated.close()
        described.close()


def test_steps_are_literal_sql_not_built_from_models() -> None:
    for step in STEPS:
        assert step and all(isinstance(statement, str) for statement in step)


def _release_1(folder: Path) -> None:
    """A register as release 1 left it: a same-centre pair flagged from both sides, a gap,
    a conflict, and a flag on a version an amendment has since replaced."""
    folder.mkdir()
    conn = sqlite3.connect(folder / "register.sqlite3", isolation_level=None)
    for statement in STEPS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO batches VALUES (1, '2026-05-01T00:00:00Z', '2026-05-01T00:01:00Z', 'w',"
        " '[]', 'f', '{}', NULL)"
    )
    docs = {"a": ("A", 1, 1), "b": ("B", 1, 1), "c1": ("C", 1, 0), "c2": ("C", 2, 1),
            "d": ("D", 1, 1), "d2": ("D", 1, 0)}  # fmt: skip
    for name, (ident, version, current) in docs.items():
        sha = name * (64 // len(name))
        conn.execute("INSERT INTO files VALUES (?, 1, x'00')", (sha,))
        conn.execute(
            "INSERT INTO documents VALUES (?, ?, ?, NULL, '91350100M000100Y43', '中心', '址',"
            " '350102', NULL, '[]', 'institution', 10, '2026-05-01', '2026', '[]', '[]', '1',"
            " '2', 'A', '[]', 'r', 'r', 's', 's', '1', 'CN=x', '2026-05-01T00:00:00Z', 0, 1, ?)",
            (sha, ident, version, current),
        )
    a, b, c1, c2, d, d2 = ("a" * 64, "b" * 64, "c1" * 32, "c2" * 32, "d" * 64, "d2" * 32)
    for document, kind, other in (
        (a, "same_centre_in_cycle", b),
        (b, "same_centre_in_cycle", a),
        (c1, "signed_before_revocation", "123"),
        (c2, "chain_gap", "e" * 64),
    ):
        conn.execute("INSERT INTO flags VALUES (?, ?, ?, '旧标记', 1)", (document, kind, other))
    conn.execute("INSERT INTO conflicts VALUES ('D', 1, ?, ?, 1, 0)", (d, d2))
    conn.close()


def test_a_release_1_register_is_carried_forward(tmp_path: Path) -> None:
    _release_1(tmp_path / "old")
    conn = connect(tmp_path / "old")
    try:
        rows = conn.execute(
            "SELECT kind, assessment_id, other_assessment_id, closed_at IS NULL, decision"
            " FROM flags ORDER BY kind, assessment_id"
        ).fetchall()
    finally:
        conn.close()
    assert [tuple(r) for r in rows] == [
        ("chain_gap", "C", None, 1, None),
        ("conflict", "D", None, 1, None),
        ("same_centre_in_cycle", "A", "B", 1, None),  # the pair is one item naming both
        ("signed_before_revocation", "C", None, 0, "superseded"),  # on version 1, replaced
    ]
