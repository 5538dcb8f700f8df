"""The register's SQLite database: opening it, its schema (from `rows.py`) and its migrations.

A register is a folder:

    <register>/register.sqlite3        the database (WAL; its -wal/-shm files beside it)
    <register>/quarantine/             copies of refused inputs by content, each with a `.reason.txt`

The signed files themselves are stored in the database (table `files`, a BLOB per sha256), so a
batch's rows and the bytes they were read from commit in one transaction: a killed import never
leaves a row without its file or a file without its row, and the register is one file to back up.

Every connection comes from `connect`: WAL journal, `foreign_keys` on, `synchronous=FULL`
(a committed batch survives a power cut), a busy timeout so a second process waits instead of
failing. `PRAGMA user_version` is the schema version; `connect` runs the missing migration steps
(`migrations.py`, literal SQL) in one transaction each. Write transactions go through `transaction` (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from assessor.core.problems import UserError, os_error_text
from assessor.core.register.migrations import STEPS, Step
from assessor.core.register.rows import Row, sqlite_type
from assessor.core.sql_transaction import transaction

DB_NAME = "register.sqlite3"
QUARANTINE_DIR = "quarantine"
CACHE_KIB = 64 * 1024
BUSY_TIMEOUT_MS = 30_000


def db_path(register: Path) -> Path:
    return register / DB_NAME


def quarantine_dir(register: Path) -> Path:
    """Refused inputs' copies, named by their content (a rerun finds its copy there)."""
    return register / QUARANTINE_DIR


# ---- schema --------------------------------------------------------------------------------


def create_table_sql(model: type[Row]) -> str:
    """The table a row model describes: what the migrations must have built (a test compares
    them); never used to build the schema itself."""
    lines = []
    for name, field in model.model_fields.items():
        kind, nullable = sqlite_type(field.annotation)
        if not model.primary_key and name == "id":
            lines.append("id INTEGER PRIMARY KEY")
            continue
        lines.append(f"{name} {kind}" + ("" if nullable else " NOT NULL"))
    if model.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(model.primary_key)})")
    lines.extend(
        f"FOREIGN KEY ({column}) REFERENCES {target}"
        for column, target in model.foreign_keys.items()
    )
    lines.extend(f"UNIQUE ({', '.join(columns)})" for columns in model.unique)
    body = ",\n  ".join(lines)
    return f"CREATE TABLE {model.table} (\n  {body}\n)"


MIGRATIONS: tuple[Step, ...] = STEPS
"""Step n brings `user_version` n to n+1 (literal SQL in `migrations.py`)."""

SCHEMA_VERSION = len(MIGRATIONS)


def _migrate(conn: sqlite3.Connection) -> None:
    """Run the missing steps; each reads the version inside its own write transaction, so two
    processes opening a new register at once do not both create it."""
    if conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
        return  # the usual case needs no write lock (readers of the statistics)
    while True:
        with transaction(conn):
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise UserError(
                    f"登记库由更新版本的程序创建（格式版本 {version}），请升级本程序后再打开"
                )
            if version == SCHEMA_VERSION:
                return
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")


# ---- connections ---------------------------------------------------------------------------


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, waiting out another connection doing the same.

    Two processes opening a new register at once both switch it to WAL; SQLite answers the
    one that loses "database is locked" at once, without its busy handler, so the wait the
    busy timeout promises is done here.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def connect(register: Path, *, create: bool = False) -> sqlite3.Connection:
    """A connection to the register in folder `register`, migrated to the current schema.

    `create` makes the folder and database when missing; otherwise a missing register is a
    UserError. Transactions are explicit (`transaction`); rows come back as `sqlite3.Row`.
    """
    path = db_path(register)
    if not create and not path.is_file():
        raise UserError(f"登记库不存在：{register}（首次导入时会自动创建）")
    try:
        if create:
            register.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except (OSError, sqlite3.Error) as exc:
        reason = os_error_text(exc) if isinstance(exc, OSError) else str(exc)
        raise UserError(f"无法打开登记库 {register}：{reason}") from exc
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _use_wal(conn)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        # An import adds some 150 index entries per file under random SHA-256 keys; with
        # SQLite's default 2 MB page cache most of them re-read a page the OS just evicted
        # from it. 64 MB holds the hot index pages of a register of 100,000 files.
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        _migrate(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise UserError(f"无法打开登记库 {register}：文件不是登记库或已损坏（{exc}）") from exc
    except BaseException:
        conn.close()
        raise
    return conn


def insert(conn: sqlite3.Connection, row: Row, *, or_ignore: bool = False) -> int:
    """Insert a row; returns its rowid (the `id` of tables keyed by one)."""
    values = row.to_db()
    if not row.primary_key and values.get("id") is None:
        values.pop("id", None)
    verb = "INSERT OR IGNORE" if or_ignore else "INSERT"
    columns = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    cursor = conn.execute(f"{verb} INTO {row.table} ({columns}) VALUES ({marks})", values)
    return int(cursor.lastrowid or 0)


def insert_many(conn: sqlite3.Connection, rows: Iterable[Row]) -> None:
    """Insert rows of one table in one statement execution."""
    rows = list(rows)
    if rows:
        insert_values(conn, type(rows[0]), [r.to_db() for r in rows])


def insert_values(
    conn: sqlite3.Connection, model: type[Row], values: Sequence[dict[str, Any]]
) -> None:
    """Insert rows of `model`'s table given as column values (what `Row.to_db` returns)."""
    if not values:
        return
    columns = model.columns()
    sql = (
        f"INSERT INTO {model.table} ({', '.join(columns)}) "
        f"VALUES ({', '.join(':' + c for c in columns)})"
    )
    conn.executemany(sql, values)


def select(
    conn: sqlite3.Connection, model: type[Row], where: str = "", params: Any = ()
) -> list[Any]:
    """Rows of `model`'s table as models (`where` is an SQL condition with ? placeholders)."""
    sql = f"SELECT * FROM {model.table}" + (f" WHERE {where}" if where else "")
    return [model.from_db(dict(r)) for r in conn.execute(sql, params)]


def connect_memory() -> sqlite3.Connection:
    """An empty register in memory: what a dry run uses when the register does not exist."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    _migrate(conn)
    return conn
