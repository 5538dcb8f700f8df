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
    assessments: list[tuple[str, str, int, int]],
    cells: list[tuple[str, str, int, int]],
    own: list[tuple[str, str, int, int]],
    names: dict[str, str],
) -> list[Calibration]:
    """Each assessor's mean signed difference from comparable assessments by others, counted
    for the dimensions they answered for.

    A team member answers for the dimensions the team's assignment gave them (the leader for
    the rest); in a file without a team its named assessors answer for every dimension. For
    assessor a, per cell c (district, centre kind) and dimension k, with S, N the sum and count
    of k's scores in c and Sa, Na a's share of them, a's scores there differ from the others'
    mean by Sa - Na * (S - Sa) / (N - Na) in all. Summed over a's cells and dimensions and
    divided by a's assessments in cells where some comparison was possible, this is, for a
    one-assessor-per-file register, each assessment's sum of dimension scores (its total before
    any rescaling for 不适用) minus the mean of others' comparable assessments. Rows come from the summary (`stats_summary`):
    `assessments` (assessor, cell, sum, count) counts a's assessments per cell; `cells`
    (cell, dimension, sum, count) and `own` (assessor, cell + U+001F + dimension, sum, count)
    sum dimension scores; cells are district + U+001F + kind; sums in hundredths.
    """
    by_cell = {(cell, dimension): (total, n) for cell, dimension, total, n in cells}
    difference: dict[str, Fraction] = defaultdict(Fraction)
    comparable: set[tuple[str, str]] = set()
    for assessor, where, own_total, own_n in own:
        cell, dimension = where.rsplit("\x1f", 1)
        cell_total, cell_n = by_cell[(cell, dimension)]
        if cell_n == own_n:
            continue  # nobody else answered for this dimension of such a centre there
        others_mean = Fraction(cell_total - own_total, 100 * (cell_n - own_n))
        difference[assessor] += Fraction(own_total, 100) - own_n * others_mean
        comparable.add((assessor, cell))
    counted: dict[str, int] = defaultdict(int)
    compared: dict[str, int] = defaultdict(int)
    for assessor, cell, _, n in assessments:
        counted[assessor] += n
        if (assessor, cell) in comparable:
            compared[assessor] += n
    return sorted(
        (
            Calibration(
                assessor_id=assessor,
                name=names.get(assessor, ""),
                assessments=counted[assessor],
                count=compared[assessor],
                mean_difference=(
                    rounded(difference[assessor] / compared[assessor])
                    if compared[assessor]
                    else None
                ),
            )
            for assessor in counted
        ),
        key=lambda c: (
            -(abs(c.mean_difference) if c.mean_difference is not None else -1),
            c.assessor_id,
        ),
    )
