"""Statistics that compare assessments with each other: re-assessments of one centre, and how
far each assessor's totals lie from other assessors' totals for comparable centres.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from assessor.core.register.stats_model import Calibration, Reassessment, rounded
from assessor.core.register.stats_selection import SELECTION


def reassessments(conn: sqlite3.Connection) -> list[Reassessment]:
    """Centres (same 统一社会信用代码) with more than one assessment: first against latest,
    in visit order (signing time, then file hash, break ties). Largest drop first.

    The centres are counted in Python as the codes stream past (a dict of counts in place of
    SQLite's sort-based GROUP BY, several times faster at 100,000 rows); only the centres
    assessed again are then read whole.
    """
    seen: dict[str, int] = defaultdict(int)
    for (uscc,) in conn.execute(f"SELECT centre_uscc FROM {SELECTION} WHERE centre_uscc <> ''"):
        seen[uscc] += 1
    conn.execute("DROP TABLE IF EXISTS temp.again")
    conn.execute("CREATE TABLE temp.again (uscc TEXT PRIMARY KEY)")
    conn.executemany("INSERT INTO temp.again VALUES (?)", ((u,) for u, n in seen.items() if n > 1))
    rows = conn.execute(
        "SELECT centre_uscc, centre_name, visit_date, total, grade, rn, n FROM ("
        "  SELECT centre_uscc, centre_name, visit_date, total, grade,"
        "    ROW_NUMBER() OVER (PARTITION BY centre_uscc"
        "      ORDER BY visit_date, signed_at, sha256) AS rn,"
        "    COUNT(*) OVER (PARTITION BY centre_uscc) AS n"
        f"  FROM {SELECTION} WHERE centre_uscc IN temp.again)"
        " WHERE rn = 1 OR rn = n ORDER BY centre_uscc, rn"
    ).fetchall()
    conn.execute("DROP TABLE temp.again")
    out = []
    for first, latest in zip(rows[::2], rows[1::2], strict=True):
        out.append(
            Reassessment(
                uscc=first[0],
                name=latest[1],
                assessments=first[6],
                first_date=first[2],
                first_total=Decimal(first[3]),
                first_grade=first[4],
                latest_date=latest[2],
                latest_total=Decimal(latest[3]),
                latest_grade=latest[4],
                delta=Decimal(latest[3]) - Decimal(first[3]),
            )
        )
    return sorted(out, key=lambda r: (r.delta, r.uscc))


def calibration(conn: sqlite3.Connection) -> tuple[list[Calibration], dict[str, str]]:
    """Each assessor's mean signed difference from comparable assessments by others.

    Comparable: same district (行政区划代码) and centre kind, not involving the assessor. For
    assessor a in cell c, with S, N the cell's sum and count of totals and Sa, Na a's share of
    them, every one of a's assessments x there differs by t_x - (S - Sa) / (N - Na); summed over
    x that is Sa - Na * (S - Sa) / (N - Na). Grouped sums give every assessor's figure without
    pairing assessments. The sums are taken in one pass over (assessment, assessor) rows that
    SQLite's json_each unpacks, into dicts keyed by cell: constant memory, no sort. Also
    returns each assessor's name by id.
    """
    cells: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    own: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    names: dict[str, str] = {}
    last_row, counted = -1, set()
    for row, assessor, position, listed, district, kind, total_h in conn.execute(
        "SELECT s.rowid, j.value, j.key, s.assessor_names, s.division_code, s.centre_kind,"
        f" s.total_h FROM {SELECTION} s, json_each(s.assessor_ids) j"
    ):
        if row != last_row:  # the first assessor of an assessment: count it for its cell
            last_row, counted = row, set()
            cell = cells[(district, kind)]
            cell[0] += total_h
            cell[1] += 1
        if assessor in counted:  # named twice in one assessment: counts once
            continue
        counted.add(assessor)
        mine = own[(assessor, district, kind)]
        mine[0] += total_h
        mine[1] += 1
        if assessor not in names:
            found = json.loads(listed)
            names[assessor] = found[position] if position < len(found) else ""
    difference: dict[str, Fraction] = defaultdict(Fraction)
    compared: dict[str, int] = defaultdict(int)
    assessments: dict[str, int] = defaultdict(int)
    for (assessor, district, kind), (own_total, own_n) in own.items():
        assessments[assessor] += own_n
        cell_total, cell_n = cells[(district, kind)]
        if cell_n == own_n:
            continue  # nobody else assessed such a centre there
        others_mean = Fraction(cell_total - own_total, 100 * (cell_n - own_n))
        difference[assessor] += Fraction(own_total, 100) - own_n * others_mean
        compared[assessor] += own_n
    ranked = sorted(
        (
            Calibration(
                assessor_id=assessor,
                name=names.get(assessor, ""),
                assessments=assessments[assessor],
                count=compared[assessor],
                mean_difference=(
                    rounded(difference[assessor] / compared[assessor])
                    if compared[assessor]
                    else None
                ),
            )
            for assessor in assessments
        ),
        key=lambda c: (
            -(abs(c.mean_difference) if c.mean_difference is not None else -1),
            c.assessor_id,
        ),
    )
    return ranked, names
