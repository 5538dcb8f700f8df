"""A register holding a generated roster, and the team lists plans are drawn with."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assessor.core.cycle.roster_store import import_roster_file
from assessor.core.register.db import connect
from tests.roster_builders import DISTRICTS, roster_rows, write_csv, write_xlsx

TEAM_HEADER = ("评估组", "姓名", "评估员编号", "所在区县", "所属单位", "回避机构")


def team_rows(count: int = 10) -> list[list[str]]:
    """Team k: a health-commission inspector from district k and an expert from k+1."""
    rows = []
    for k in range(count):
        rows.append(
            [f"第{k + 1}组", f"组长{k + 1}", f"T-{k + 1:03d}", DISTRICTS[k % 10], "卫健委", ""]
        )
        rows.append([f"第{k + 1}组", f"专家{k + 1}", "", DISTRICTS[(k + 1) % 10], "妇幼保健院", ""])
    return rows


def write_teams(path: Path, rows: list[list[str]] | None = None) -> Path:
    if path.suffix == ".csv":
        return write_csv(path, rows or team_rows(), header=TEAM_HEADER)
    return write_xlsx(path, rows or team_rows(), sheet="评估组", header=TEAM_HEADER)


def register_with_roster(folder: Path, rows: list[list] | None = None) -> sqlite3.Connection:
    conn = connect(folder / "register", create=True)
    roster_file = write_xlsx(folder / "roster.xlsx", rows or roster_rows(2000))
    import_roster_file(conn, roster_file, who="clerk")
    return conn
