"""The roster in the register: imports that update by USCC and keep every earlier entry, and
how registered assessments relate to it."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from assessor.core.clock import now_utc
from assessor.core.cycle.roster_model import RosterCentre
from assessor.core.cycle.roster_parse import parse_roster
from assessor.core.cycle.table_read import MAX_CSV_BYTES
from assessor.core.safe_input import read_regular_file
from assessor.core.sql_transaction import transaction
from assessor.core.xlsx_forms.workbook import MAX_XLSX_BYTES


@dataclass(frozen=True)
class RosterImport:
    import_id: int
    rows: int
    added: int
    updated: int
    unchanged: int
    not_in_file: int
    """Centres of earlier imports absent from this file: kept, since a roster sent in parts
    or late must not erase what is known."""


def _entry(centre: RosterCentre) -> str:
    return json.dumps(centre.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)


def _current_entries(conn: sqlite3.Connection) -> dict[str, str]:
    rows = conn.execute(
        "SELECT h.uscc, h.entry FROM roster_history h JOIN roster_centres c "
        "ON c.uscc = h.uscc AND h.import_id = (SELECT MAX(import_id) FROM roster_history "
        "WHERE uscc = h.uscc)"
    )
    return {uscc: entry for uscc, entry in rows}


def import_roster(
    conn: sqlite3.Connection,
    centres: Sequence[RosterCentre],
    *,
    source: str,
    sha256: str,
    who: str,
    at: datetime,
) -> RosterImport:
    """Store a checked roster in one transaction."""
    with transaction(conn):
        known = _current_entries(conn)
        cursor = conn.execute(
            "INSERT INTO roster_imports (imported_at, who, source, sha256, rows, added, updated,"
            " unchanged) VALUES (?, ?, ?, ?, ?, 0, 0, 0)",
            (at.isoformat(), who, source, sha256, len(centres)),
        )
        import_id = int(cursor.lastrowid or 0)
        added = updated = 0
        for centre in centres:
            entry = _entry(centre)
            if centre.uscc not in known:
                added += 1
            elif known[centre.uscc] != entry:
                updated += 1
            if known.get(centre.uscc) != entry:
                conn.execute(
                    "INSERT INTO roster_history (uscc, import_id, entry) VALUES (?, ?, ?)",
                    (centre.uscc, import_id, entry),
                )
            conn.execute(
                "INSERT INTO roster_centres (uscc, name, division_code, address, operator, places,"
                " filed_on, first_import_id, last_import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (uscc) DO UPDATE SET name = excluded.name,"
                " division_code = excluded.division_code, address = excluded.address,"
                " operator = excluded.operator, places = excluded.places,"
                " filed_on = excluded.filed_on, last_import_id = excluded.last_import_id",
                (
                    centre.uscc,
                    centre.name,
                    centre.division_code,
                    centre.address,
                    centre.operator.value if centre.operator else None,
                    centre.places,
                    centre.filed_on.isoformat() if centre.filed_on else None,
                    import_id,
                    import_id,
                ),
            )
        unchanged = len(centres) - added - updated
        conn.execute(
            "UPDATE roster_imports SET added = ?, updated = ?, unchanged = ? WHERE id = ?",
            (added, updated, unchanged, import_id),
        )
    in_file = {c.uscc for c in centres}
    return RosterImport(
        import_id, len(centres), added, updated, unchanged, len(set(known) - in_file)
    )


def import_roster_file(conn: sqlite3.Connection, path: Path, *, who: str) -> RosterImport:
    """Check the whole file, then store it; a file with any error changes nothing."""
    centres = parse_roster(path)
    raw = read_regular_file(path, max(MAX_CSV_BYTES, MAX_XLSX_BYTES), f"文件 {path.name}")
    return import_roster(
        conn,
        centres,
        source=path.name,
        sha256=hashlib.sha256(raw).hexdigest(),
        who=who,
        at=now_utc(),
    )


def roster(conn: sqlite3.Connection, district: str = "") -> list[RosterCentre]:
    """The roster's centres (of one district when given), by USCC."""
    rows = conn.execute(
        "SELECT uscc, name, division_code, address, operator, places, filed_on "
        "FROM roster_centres WHERE division_code LIKE ? ORDER BY uscc",
        (f"{district}%",),
    )
    return [
        RosterCentre.model_validate({k: v for k, v in dict(row).items() if v is not None})
        for row in rows
    ]


def history(conn: sqlite3.Connection, uscc: str) -> list[tuple[int, RosterCentre]]:
    """Every entry the centre had, oldest first, with the import that brought it."""
    rows = conn.execute(
        "SELECT import_id, entry FROM roster_history WHERE uscc = ? ORDER BY import_id", (uscc,)
    )
    return [(row[0], RosterCentre.model_validate_json(row[1])) for row in rows]


@dataclass(frozen=True)
class Unrostered:
    """A centre with registered assessments but no roster entry."""

    uscc: str
    name: str
    division_code: str
    assessments: int


def missing_from_roster(conn: sqlite3.Connection) -> list[Unrostered]:
    rows = conn.execute(
        "SELECT centre_uscc, MAX(centre_name), MAX(division_code), COUNT(*) "
        "FROM current_documents WHERE centre_uscc NOT IN (SELECT uscc FROM roster_centres) "
        "GROUP BY centre_uscc ORDER BY centre_uscc"
    )
    return [Unrostered(*row) for row in rows]
