"""CSV exports: the register and the public list, UTF-8 with a byte-order mark.

Excel on a Chinese Windows reads a CSV without BOM as GBK and garbles every name; with the BOM
it reads UTF-8. Rows end in CRLF as RFC 4180 says. Files are written to a temporary name and
renamed, so a failed export never leaves half a file under the name asked for.
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from assessor.core.register.exports.columns import PUBLIC_COLUMNS, REGISTER_COLUMNS, Column
from assessor.core.register.exports.output import replacing
from assessor.core.register.exports.source import current_rows, public_rows
from assessor.core.register.stats_model import StatsFilter

ENCODING = "utf-8-sig"
VALIDITY_YEARS = 3
"""How long a grade stands after the visit, for the public list (a commission setting)."""


def valid_until(visit: dt.date) -> dt.date:
    """The last day the grade stands: the day before the visit's anniversary VALIDITY_YEARS on."""
    try:
        anniversary = visit.replace(year=visit.year + VALIDITY_YEARS)
    except ValueError:  # 29 February
        anniversary = visit.replace(year=visit.year + VALIDITY_YEARS, day=28) + dt.timedelta(days=1)
    return anniversary - dt.timedelta(days=1)


def write_csv(path: Path, columns: Iterable[Column], rows: Iterable[Mapping[str, Any]]) -> int:
    """Header of Chinese names, then one line per row; returns the number of rows."""
    columns = tuple(columns)
    count = 0
    with replacing(path) as temp, temp.open("w", encoding=ENCODING, newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([c.title for c in columns])
        for row in rows:
            writer.writerow([c.value(row) for c in columns])
            count += 1
    return count


def export_register_csv(conn: sqlite3.Connection, chosen: StatsFilter, path: Path) -> int:
    return write_csv(path, REGISTER_COLUMNS, current_rows(conn, chosen))


def _with_validity(rows: Iterable[sqlite3.Row]) -> Iterable[dict[str, Any]]:
    for row in rows:
        out = dict(row)
        visit = row["visit_date"]
        out["valid_until"] = valid_until(dt.date.fromisoformat(visit)).isoformat() if visit else ""
        yield out


def export_public_csv(conn: sqlite3.Connection, chosen: StatsFilter, path: Path) -> int:
    return write_csv(path, PUBLIC_COLUMNS, _with_validity(public_rows(conn, chosen)))
