"""Statistics that compare assessments with each other: re-assessments of one centre, and how
far each assessor's totals lie from other assessors' totals for comparable centres.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from assessor.core.register.stats_model import Calibration, Reassessment, rounded
from assessor.core.register.stats_selection import SELECTION, tuples


def reassessments(conn: sqlite3.Connection) -> list[Reassessment]:
    """Centres (same 统一社会信用代码) with more than one assessment: first against latest,
    in visit order (signing time, then file hash, break ties). Largest drop first.

    The centres are counted in Python as the codes stream past (a dict of counts in place of
    SQLite's sort-based GROUP BY, several times faster at 100,000 rows); only the centres
    assessed again are then read whole.
    """
    seen: dict[str, int] = defaultdict(int)
    for (uscc,) in tuples(conn, f"SELECT centre_uscc FROM {SELECTION} WHERE centre_uscc <> ''"):
        seen[uscc] += 1
    tuples(conn, "DROP TABLE IF EXISTS temp.again")
    tuples(conn, "CREATE TABLE temp.again (uscc TEXT PRIMARY KEY)")
    conn.executemany("INSERT INTO temp.again VALUES (?)", ((u,) for u, n in seen.items() if n > 1))
    rows = tuples(
        conn,
        "SELECT centre_uscc, centre_name, visit_date, total, grade, rn, n FROM ("
        "  SELECT centre_uscc, centre_name, visit_date, total, grade,"
        "    ROW_NUMBER() OVER (PARTITION BY centre_uscc"
        "      ORDER BY visit_date, signed_at, sha256) AS rn,"
        "    COUNT(*) OVER (PARTITION BY centre_uscc) AS n"
        f"  FROM {SELECTION} WHERE centre_uscc IN temp.again)"
        " WHERE rn = 1 OR rn = n ORDER BY centre_uscc, rn",
    ).fetchall()
    tuples(conn, "DROP TABLE temp.again")
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


def calibration(
    cells: list[tuple[str, str, int, int]],
    own: list[tuple[str, str, int, int]],
    names: dict[str, str],
) -> list[Calibration]:
    """Each assessor's mean signed difference from comparable assessments by others.

    Comparable: same district (行政区划代码) and centre kind, not involving the assessor. For
    assessor a in cell c, with S, N the cell's sum and count of totals and Sa, Na a's share of
    them, every one of a's assessments x there differs by t_x - (S - Sa) / (N - Na); summed over
    x that is Sa - Na * (S - Sa) / (N - Na). So the sums per cell and per assessor and cell
    (`stats_summary`, kinds `cell` and `assessor`) give every figure without pairing
    assessments. `cells` rows are (district, kind, sum, count); `own` rows are (assessor,
    district + U+001F + kind, sum, count), sums in hundredths.
    """
    by_cell = {(district, kind): (total, n) for district, kind, total, n in cells}
    difference: dict[str, Fraction] = defaultdict(Fraction)
    compared: dict[str, int] = defaultdict(int)
    assessments: dict[str, int] = defaultdict(int)
    for assessor, cell, own_total, own_n in own:
        assessments[assessor] += own_n
        cell_total, cell_n = by_cell[tuple(cell.split("\x1f", 1))]
        if cell_n == own_n:
            continue  # nobody else assessed such a centre there
        others_mean = Fraction(cell_total - own_total, 100 * (cell_n - own_n))
        difference[assessor] += Fraction(own_total, 100) - own_n * others_mean
        compared[assessor] += own_n
    return sorted(
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
