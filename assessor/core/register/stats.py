"""The register's statistics (issue 10, item 6), computed by SQL aggregation.

Figures over the whole selection (grades, mean total, dimensions, indicators, vetoes,
calibration) are read from the summary (`stats_summary`), brought up to date first. What needs
the assessments themselves (the 示范 and 警示 lists, re-assessments, `--by` groups) reads a
temporary copy of the selected `documents` rows (`stats_selection`). Only aggregates and short
lists leave SQLite, so 100,000 assessments never sit in memory at once. Joins are written
`CROSS JOIN`, which SQLite takes as a fixed join order: the selection drives, and each of its
assessments finds its own rows through the primary key. Sums are taken over integers of
hundredths and divided as fractions, then rounded once (half-up, two decimals), so a mean never
depends on float summation order.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from assessor.core.clock import in_beijing, now_utc
from assessor.core.register.filters import AssessmentFilter
from assessor.core.register.flags import held_total, open_counts
from assessor.core.register.rows import FLAG_KINDS
from assessor.core.register.stats_calibration import calibration, reassessments
from assessor.core.register.stats_groups import GROUPINGS, Grouping, group_label
from assessor.core.register.stats_histogram import Histogram, histograms
from assessor.core.register.stats_model import (
    CentreEntry,
    DimensionStat,
    FlagCount,
    GradeCount,
    GradeDistribution,
    GroupStats,
    HeldBack,
    IndicatorStat,
    OpenFlags,
    Statistics,
    StatsFilter,
    VetoStat,
    percent,
    rounded,
)
from assessor.core.register.stats_rubrics import RubricFacts, rubric_facts
from assessor.core.register.stats_selection import (
    HUNDREDTHS,
    SELECTION,
    drop_selection,
    select_assessments,
    tuples,
)
from assessor.core.register.stats_summary import (
    ASSESSOR,
    DIMENSION,
    DIMENSION_CELL,
    GRADE,
    INDICATOR,
    MEMBER,
    RUBRIC,
    TRAINING,
    VETO,
    assessor_names,
    catch_up,
    sums,
    value_counts,
)
from assessor.core.rubric.validate import LoadedRubric

WEAKEST = 20


def exact(text: str | float | int) -> Fraction:
    """A stored decimal text as an exact fraction."""
    return Fraction(Decimal(str(text)))


def compute_statistics(
    conn: sqlite3.Connection,
    chosen: StatsFilter,
    *,
    rubrics: Iterable[LoadedRubric] = (),
    today: dt.date | None = None,
    list_limit: int | None = None,
) -> Statistics:
    """Every statistic of issue 10 item 6 over the assessments `chosen` selects.

    `today` (Beijing date) sets the cycle of 示范 candidates when no year is chosen.
    `list_limit` keeps only the first entries of the 示范 and 警示 lists (their counts stay
    whole): a screen or a terminal shows a few, where a full register has tens of thousands.
    """
    generated = now_utc()
    tuples(conn, "PRAGMA temp_store = MEMORY")  # the selection is scratch: no temp file
    catch_up(conn)
    bucket = {"year": chosen.year, "confirmed_only": chosen.confirmed_only}
    by_grade = sums(conn, GRADE, **bucket)
    count = sum(n for _, _, _, n in by_grade)
    select_assessments(conn, chosen)
    try:
        by_rubric = {key: n for key, _, _, n in sums(conn, RUBRIC, **bucket)}
        facts = rubric_facts(by_rubric, rubrics)
        cycle = str(chosen.year or (today or in_beijing(generated).date()).year)
        names = assessor_names(conn)
        total_h = sum(t for _, _, t, _ in by_grade)
        training = {key: n for key, _, _, n in sums(conn, TRAINING, **bucket)}
        return Statistics(
            filter=chosen,
            generated_at=generated,
            cycle=cycle,
            count=count,
            training=training.get("1", 0),
            mean_total=rounded(Fraction(total_h, 100 * count)) if count else None,
            grades=_distribution({key: n for key, _, _, n in by_grade}, facts),
            dimensions=_dimensions(conn, chosen, facts),
            weakest=_weakest(conn, chosen, facts),
            vetoes=_vetoes(facts, by_rubric, sums(conn, VETO, **bucket), count),
            **_entries(
                conn,
                "candidates",
                _CANDIDATE + f" AND {_PUBLISHED}",
                facts.top_grades,
                list_limit,
                cycle,
            ),
            candidates_held=_held(conn, facts.top_grades, cycle),
            **_entries(
                conn,
                "red_list",
                "(grade IN ({}) OR vetoes_fired <> '[]')",
                facts.bottom_grades,
                list_limit,
            ),
            reassessments=reassessments(conn),
            calibration=calibration(
                sums(conn, ASSESSOR, **bucket),
                sums(conn, DIMENSION_CELL, **bucket),
                sums(conn, MEMBER, **bucket),
                names,
            ),
            groups=_groups(conn, chosen, facts, names),
            held_back=_held_back(conn, chosen.year),
            open_flags=_open_flags(conn),
        )
    finally:
        drop_selection(conn)


_CANDIDATE = "grade IN ({}) AND vetoes_fired = '[]' AND cycle = ?"
_PUBLISHED = "review_state = 'confirmed' AND NOT flagged AND NOT training"


def _held(conn: sqlite3.Connection, grades: set[str], cycle: str) -> HeldBack:
    """Assessments that meet the 示范 rule but are not listed: flagged first, then unconfirmed."""
    marks = ", ".join("?" for _ in grades) or "NULL"
    flagged, unconfirmed = tuples(
        conn,
        "SELECT COALESCE(SUM(flagged), 0), COALESCE(SUM(NOT flagged AND review_state <> 'confirmed'), 0)"
        f" FROM {SELECTION} WHERE NOT training AND {_CANDIDATE.format(marks)}",
        (*sorted(grades), cycle),
    ).fetchone()
    return HeldBack(flagged=flagged, unconfirmed=unconfirmed)


def _held_back(conn: sqlite3.Connection, year: int | None) -> HeldBack:
    """Current non-training assessments (of `year`) kept out of what is published, and why.

    Read without a pass over `documents`: the non-training count comes from the summary, the
    published ones from the selection, the flagged ones from the (few) open items."""
    training = {key: n for key, _, _, n in sums(conn, TRAINING, year=year, confirmed_only=False)}
    published = tuples(
        conn,
        f"SELECT COUNT(*) FROM {SELECTION}"
        " WHERE review_state = 'confirmed' AND NOT flagged AND NOT training",
    ).fetchone()[0]
    where, params = AssessmentFilter(year=year).where()
    flagged = tuples(
        conn,
        # CROSS JOIN: the few held assessments drive, each found through its index.
        "SELECT COUNT(*) FROM (SELECT assessment_id FROM flags WHERE closed_at IS NULL UNION"
        "  SELECT other_assessment_id FROM flags WHERE closed_at IS NULL) h"
        " CROSS JOIN documents d INDEXED BY documents_assessment ON d.assessment_id = h.assessment_id"
        f" WHERE {where} AND NOT d.training",
        params,
    ).fetchone()[0]
    return HeldBack(flagged=flagged, unconfirmed=training.get("0", 0) - published - flagged)


def _open_flags(conn: sqlite3.Connection) -> OpenFlags:
    assessments, centres = held_total(conn)
    return OpenFlags(
        assessments=assessments,
        centres=centres,
        by_kind=[
            FlagCount(
                kind=c.kind.value,
                label=FLAG_KINDS[c.kind].label,
                assessments=c.assessments,
                centres=c.centres,
            )
            for c in open_counts(conn)
        ],
    )


def _mean_totals(conn: sqlite3.Connection, by: Grouping) -> dict[str, tuple[Decimal | None, int]]:
    rows = tuples(conn, f"SELECT {by.key}, SUM(s.total_h), COUNT(*) FROM {by.source} GROUP BY 1")
    return {key: (rounded(Fraction(total, 100 * n)), n) for key, total, n in rows}


def _grades_by_group(
    conn: sqlite3.Connection, by: Grouping, facts: RubricFacts
) -> dict[str, GradeDistribution]:
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for key, grade, n in tuples(
        conn, f"SELECT {by.key}, s.grade, COUNT(*) FROM {by.source} GROUP BY 1, 2"
    ):
        counts[key][grade] = n
    return {key: _distribution(by_grade, facts) for key, by_grade in counts.items()}


def _distribution(by_grade: dict[str, int], facts: RubricFacts) -> GradeDistribution:
    """Every grade of the rubrics in use, best first, with its count and share."""
    total = sum(by_grade.values())
    grades = sorted({*facts.grades, *by_grade}, key=facts.grade_rank)
    return GradeDistribution(
        count=total,
        grades=[
            GradeCount(
                grade=g, count=by_grade.get(g, 0), percent=percent(by_grade.get(g, 0), total)
            )
            for g in grades
        ],
    )


def _grouped_dimensions(
    conn: sqlite3.Connection, by: Grouping, facts: RubricFacts
) -> dict[str, list[DimensionStat]]:
    """Mean, median and minimum share of points per dimension in each group, exact."""
    rows = tuples(
        conn,
        f"SELECT {by.key}, m.dimension_id, MAX(m.name), m.max,"
        f" {HUNDREDTHS.format('m.score')} AS v, COUNT(*)"
        f" FROM {by.source} CROSS JOIN dimensions m ON m.document_sha256 = s.sha256"
        " GROUP BY 1, 2, 4, 5",
    )
    counts: dict[str, dict[str, Histogram]] = defaultdict(dict)
    for key, dim, name, top, value_h, n in rows:
        counts[key].setdefault(dim, Histogram(name)).add(value_h, exact(top), n)
    return {
        key: sorted(
            (_dimension_stat(dim, h.parent, h) for dim, h in dims.items() if h.size),
            key=lambda s: facts.dimension_rank(s.dimension),
        )
        for key, dims in counts.items()
    }


def _dimensions(
    conn: sqlite3.Connection, chosen: StatsFilter, facts: RubricFacts
) -> list[DimensionStat]:
    counts = histograms(
        value_counts(conn, DIMENSION, year=chosen.year, confirmed_only=chosen.confirmed_only)
    )
    stats = [_dimension_stat(dim, h.parent, h) for dim, h in counts.items()]
    return sorted(stats, key=lambda s: facts.dimension_rank(s.dimension))


def _dimension_stat(dimension: str, name: str, shares: Histogram) -> DimensionStat:
    return DimensionStat(
        dimension=dimension,
        name=name,
        count=shares.size,
        mean_percent=rounded(shares.mean() * 100),
        median_percent=rounded(shares.median() * 100),
        min_percent=rounded(shares.minimum() * 100),
    )


def _weakest(
    conn: sqlite3.Connection, chosen: StatsFilter, facts: RubricFacts
) -> list[IndicatorStat]:
    """The indicators with the lowest mean share of points (不适用 and unscored not counted)."""
    counts = histograms(
        value_counts(conn, INDICATOR, year=chosen.year, confirmed_only=chosen.confirmed_only)
    )
    means = sorted((h.mean(), ind, h) for ind, h in counts.items())
    return [
        IndicatorStat(
            indicator=ind,
            short=facts.short(ind),
            dimension=h.parent,
            count=h.size,
            mean_percent=rounded(mean * 100),
        )
        for mean, ind, h in means[:WEAKEST]
    ]


def _vetoes(
    facts: RubricFacts,
    by_rubric: dict[str, int],
    unmet: list[tuple[str, str, int, int]],
    count: int,
) -> list[VetoStat]:
    """Every basic indicator of the rubrics in use, most often unmet first."""
    assessed: dict[str, int] = defaultdict(int)
    for rubric, n in by_rubric.items():
        for ind in facts.basic.get(rubric, []):
            assessed[ind] += n
    fired = {ind: n for ind, _, _, n in unmet}
    # A fired indicator of a rubric not at hand still counts against every assessment.
    stats = [
        VetoStat(
            indicator=ind,
            short=facts.short(ind),
            count=assessed.get(ind, count),
            fired=fired.get(ind, 0),
            percent=percent(fired.get(ind, 0), assessed.get(ind, count)),
        )
        for ind in {*assessed, *fired}
    ]
    return sorted(stats, key=lambda v: (-v.fired, v.indicator))


def _entries(
    conn: sqlite3.Connection,
    name: str,
    condition: str,
    grades: set[str],
    limit: int | None,
    *params: object,
) -> dict[str, object]:
    """`{name}_count` and `{name}`: how many assessments meet `condition`, and the first
    `limit` of them (all when None), highest total first. The register writes an empty
    `vetoes_fired` as `[]`, so the text comparison needs no JSON parsing per row."""
    marks = ", ".join("?" for _ in grades) or "NULL"
    where = f"FROM {SELECTION} WHERE {condition.format(marks)}"
    values = (*sorted(grades), *params)
    total = tuples(conn, f"SELECT COUNT(*) {where}", values).fetchone()[0]
    rows = tuples(
        conn,
        "SELECT assessment_id, version, centre_name, centre_uscc, division_code, visit_date, "
        f"total, grade, vetoes_fired {where} ORDER BY total_h DESC, centre_name, assessment_id "
        "LIMIT ?",
        (*values, -1 if limit is None else limit),
    )
    # Rows the register validated when it stored them; lists can run to tens of thousands.
    entries = [
        CentreEntry.model_construct(
            assessment_id=r[0],
            version=r[1],
            name=r[2],
            uscc=r[3],
            division_code=r[4],
            visit_date=dt.date.fromisoformat(r[5]) if r[5] else None,
            total=Decimal(r[6]),
            grade=r[7],
            vetoes=json.loads(r[8]) if r[8] != "[]" else [],
        )
        for r in rows
    ]
    return {f"{name}_count": total, name: entries}


def _groups(
    conn: sqlite3.Connection, chosen: StatsFilter, facts: RubricFacts, names: dict[str, str]
) -> list[GroupStats]:
    if chosen.by is None:
        return []
    by = GROUPINGS[chosen.by]
    grades = _grades_by_group(conn, by, facts)
    dims = _grouped_dimensions(conn, by, facts)
    means = _mean_totals(conn, by)
    return [
        GroupStats(
            key=key,
            label=group_label(chosen.by, key, names),
            count=distribution.count,
            mean_total=means[key][0],
            grades=distribution,
            dimensions=dims.get(key, []),
        )
        for key, distribution in sorted(grades.items())
    ]
