"""The register database: schema from the row models, pragmas, migrations, exact round trips."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from assessor.core.problems import UserError
from assessor.core.register.db import (
    SCHEMA_VERSION,
    connect,
    db_path,
    insert,
    select,
    transaction,
)
from assessor.core.register.rows import (
    TABLES,
    BatchRow,
    DocumentRow,
    FileRow,
    ScoreRow,
)

SHA = "ab" * 32
BEIJING = dt.timezone(dt.timedelta(hours=8))


def _batch(conn: sqlite3.Connection) -> int:
    return insert(
        conn,
        BatchRow(
            started_at=dt.datetime(2026, 11, 30, 14, 0, tzinfo=BEIJING),
            who="tester",
            inputs=["收件/a.zip"],
            fingerprint="f" * 64,
            options="{}",
        ),
    )


def _document(batch_id: int, **changes: object) -> DocumentRow:
    values: dict[str, object] = {
        "sha256": SHA,
        "assessment_id": "0" * 32,
        "version": 1,
        "centre_uscc": "91350100M000100Y43",
        "centre_name": "阳光托育中心",
        "centre_address": "福州市鼓楼区",
        "division_code": "350102",
        "operator": "public",
        "care_types": ["full_day", "hourly"],
        "centre_kind": "institution",
        "places": 80,
        "visit_date": dt.date(2026, 5, 4),
        "cycle": "2026",
        "assessor_ids": ["P001", "P002"],
        "assessor_names": ["张三", "李四"],
        "total": Decimal("857.5"),
        "max_total": Decimal("1000"),
        "grade": "B",
        "vetoes_fired": [],
        "rubric_sha256": "cd" * 32,
        "rubric_code": "WS/T 821—2023",
        "signer_name": "张三",
        "signer_id": "P001",
        "cert_serial": "123456789012345678901234567890",
        "cert_issuer": "CN=某市卫生健康委员会",
        "signed_at": dt.datetime(2026, 5, 4, 18, 30, tzinfo=BEIJING),
        "training": False,
        "batch_id": batch_id,
        "current": True,
    }
    values.update(changes)
    return DocumentRow.model_validate(values)


def test_new_register_has_every_table_and_the_pragmas(tmp_path: Path) -> None:
    conn = connect(tmp_path / "reg", create=True)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {m.table for m in TABLES} <= names
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    assert db_path(tmp_path / "reg").is_file()


def test_document_round_trips_exactly(tmp_path: Path) -> None:
    conn = connect(tmp_path, create=True)
    with transaction(conn):
        batch_id = _batch(conn)
        insert(conn, FileRow(sha256=SHA, size=3, content=b"{}\n"))
        insert(conn, _document(batch_id))
    raw = conn.execute("SELECT total, signed_at, care_types, visit_date FROM documents").fetchone()
    assert tuple(raw) == ("857.5", "2026-05-04T10:30:00Z", '["full_day", "hourly"]', "2026-05-04")
    (back,) = select(conn, DocumentRow)
    assert back == _document(batch_id)
    assert back.total == Decimal("857.5")
    assert back.signed_at.tzinfo is not None
    assert conn.execute("SELECT content FROM files").fetchone()[0] == b"{}\n"
    (current,) = conn.execute("SELECT sha256 FROM current_documents").fetchall()
    assert current[0] == SHA


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    conn = connect(tmp_path, create=True)
    with pytest.raises(sqlite3.IntegrityError), transaction(conn):
        batch_id = _batch(conn)
        insert(conn, _document(batch_id))  # no stored file for this sha256
    assert conn.execute("SELECT COUNT(*) FROM batches").fetchone()[0] == 0  # rolled back


def test_scores_keep_not_applicable_as_null(tmp_path: Path) -> None:
    conn = connect(tmp_path, create=True)
    with transaction(conn):
        batch_id = _batch(conn)
        insert(conn, FileRow(sha256=SHA, size=1, content=b"x"))
        insert(conn, _document(batch_id))
        insert(
            conn,
            ScoreRow(
                document_sha256=SHA,
                indicator_id="4.1.1",
                dimension_id="4",
                score=None,
                max=Decimal("5"),
                na=True,
            ),
        )
        insert(
            conn,
            ScoreRow(
                document_sha256=SHA,
                indicator_id="4.1.2",
                dimension_id="4",
                score=Decimal("2.5"),
                max=Decimal("5"),
                na=False,
            ),
        )
    rows = conn.execute("SELECT indicator_id, score, na FROM scores ORDER BY 1").fetchall()
    assert [tuple(r) for r in rows] == [("4.1.1", None, 1), ("4.1.2", "2.5", 0)]


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValidationError):
        _document(1, signed_at=dt.datetime(2026, 5, 4, 18, 30))


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    conn = connect(tmp_path, create=True)
    with transaction(conn):
        _batch(conn)
    conn.close()
    again = connect(tmp_path)
    assert again.execute("SELECT COUNT(*) FROM batches").fetchone()[0] == 1


def test_missing_register_without_create_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="登记库不存在"):
        connect(tmp_path / "nowhere")
    assert not (tmp_path / "nowhere").exists()


def test_a_file_that_is_not_a_database_is_a_user_error(tmp_path: Path) -> None:
    db_path(tmp_path).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(UserError, match="不是登记库或已损坏"):
        connect(tmp_path)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    conn = sqlite3.connect(db_path(tmp_path))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(UserError, match="更新版本"):
        connect(tmp_path)


def test_two_connections_creating_one_register_at_once_both_open_it(tmp_path: Path) -> None:
    """Before `_use_wal`, one of the two failed with "database is locked" about one time in
    three: SQLite refuses the second switch to WAL at once instead of waiting."""
    import threading

    for attempt in range(40):
        register = tmp_path / f"register-{attempt}"
        failures: list[BaseException] = []

        def open_it(register: Path = register, failures: list[BaseException] = failures) -> None:
            try:
                connect(register, create=True).close()
            except BaseException as exc:  # reported below with the attempt that failed
                failures.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert failures == [], (attempt, failures)
        conn = sqlite3.connect(register / "register.sqlite3")
        try:
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        finally:
            conn.close()
