"""Register rows as plain tuples, for the import's hot loop: no model per row.

An import writes a file, a document, seven dimensions and a hundred and more scores per input.
Building each through its pydantic row model and `Row.to_db` costs more than SQLite's write;
these functions build the very same column values (in `Row.columns()` order) from what the
worker process already holds, and `insert_rows` writes them with one `executemany`. The models
stay the definition: tests/core/register/test_row_values.py requires every value to equal what
`to_db` gives and every stored row to read back through its model.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from typing import Any

from assessor.core.register.rows import DocumentRow, Row

DOCUMENT_FIELDS = tuple(c for c in DocumentRow.columns() if c not in ("batch_id", "current"))
"""DocumentRow's columns a worker fills; the importer adds `batch_id` and `current`."""


def column_value(value: Any) -> Any:
    """A field value as `Row.to_db` stores it."""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.datetime):  # aware; stored in UTC, as UtcDatetime does
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def document_values(document: dict[str, Any]) -> tuple[Any, ...]:
    """DocumentRow's values without `batch_id` and `current`, from `Candidate.document`."""
    return tuple(column_value(document[name]) for name in DOCUMENT_FIELDS)


@cache
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def insert_rows(
    conn: sqlite3.Connection, model: type[Row], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert rows of `model`'s table given as tuples of column values in column order."""
    if rows:
        conn.executemany(_insert_sql(model.table, tuple(model.columns())), rows)
