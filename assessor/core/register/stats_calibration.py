"""Statistics that compare assessments with each other: re-assessments of one centre, and how
far each assessor's totals lie from other assessors' totals for comparable centres.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from assessor.core.register.stats_model import Calibration, Reassessment, rounded
from assessor.core.register.stats_selection import SELECTION


def reassessments(conn: sqlite3.Connection) -> list[Reassessment]:
    """Centres (same 统一社会信用代码) with more than one assessment: first against latest,
    in visit order (signing time, then file hash, break ties). Largest drop first."""
    rows = conn.execute(
        "SELECT centre_uscc, centre_name, visit_date, total, grade, rn, n FROM ("
        "  SELECT *, ROW_NUMBER() OVER (PARTITION BY centre_uscc"
        "      ORDER BY visit_date, signed_at, sha256) AS rn,"
        "    COUNT(*) OVER (PARTITION BY centre_uscc) AS n"
        f"  FROM {SELECTION} WHERE centre_uscc <> '')"
        " WHERE n > 1 AND (rn = 1 OR rn = n) ORDER BY centre_uscc, rn"
    ).fetchall()
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


def calibration(conn: sqlite3.Connection, names: dict[str, str]) -> list[Calibration]:
    """Each assessor's mean signed difference from comparable assessments by others.

    Comparable: same district (行政区划代码) and centre kind, not involving the assessor. For
    assessor a in cell c, with S, N the cell's sum and count of totals and Sa, Na a's share of
    them, every one of a's assessments x there differs by t_x - (S - Sa) / (N - Na); summed over
    x that is Sa - Na * (S - Sa) / (N - Na). Two grouped sums give every assessor's figure
    without pairing assessments.
    """
    cells = {
        (district, kind): (total, n)
        for district, kind, total, n in conn.execute(
            f"SELECT division_code, centre_kind, SUM(total_h), COUNT(*) FROM {SELECTION} "
            "GROUP BY division_code, centre_kind"
        )
    }
    difference: dict[str, Fraction] = defaultdict(Fraction)
    compared: dict[str, int] = defaultdict(int)
    assessments: dict[str, int] = defaultdict(int)
    for assessor, district, kind, own_total, own_n in conn.execute(
        "WITH a AS ("
        "  SELECT DISTINCT s.sha256, j.value AS assessor, s.division_code, s.centre_kind, s.total_h"
        f"  FROM {SELECTION} s, json_each(s.assessor_ids) j)"
        " SELECT assessor, division_code, centre_kind, SUM(total_h), COUNT(*) FROM a"
        " GROUP BY assessor, division_code, centre_kind"
    ):
        assessments[assessor] += own_n
        cell_total, cell_n = cells[(district, kind)]
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
