"""The home list's lines: every stored record with its progress and predicted grade so far.

Apart from `session`, so that showing the home list from the store's index imports neither the
editing session nor the scoring engine; those are imported when a record has to be scored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assessor.core.problems import UserError
from assessor.core.storage.atomic import StorageError
from assessor.core.storage.index import Overview
from assessor.core.storage.store import RecordSummary, Store

if TYPE_CHECKING:
    from assessor.core.rubric.validate import LoadedRubric
    from assessor.core.scoring.result import Result


@dataclass(frozen=True)
class RecordOverview:
    """One line of the home screen: the stored summary plus progress and grade so far."""

    summary: RecordSummary
    percent: int | None = None
    grade: str | None = None
    grade_label: str = ""
    started: bool = False  # any indicator scored or marked N/A
    complete: bool = False
    problem: str | None = None
    pending: bool = False  # progress and grade not computed yet (see `record_overviews`)

    @property
    def key(self) -> str:
        return self.summary.key


def overview_of(result: Result) -> Overview:
    c = result.completeness
    return Overview(
        scored=c.scored,
        total=c.total,
        percent=c.percent,
        grade=result.grade,
        grade_label=result.explanation.label,
    )


def record_overviews(
    store: Store, known: Sequence[LoadedRubric] = (), *, compute: bool = True
) -> list[RecordOverview]:
    """Every stored record with its progress and predicted grade, in the store's order.

    Progress and grade come from the store's index; only records changed since they were
    last computed are loaded and scored, and what is computed is remembered. With
    `compute=False` nothing is loaded: such records come back `pending`.
    """
    out: list[RecordOverview] = []
    computed: list[tuple[RecordSummary, Overview]] = []
    for summary in store.list():
        if summary.broken:
            out.append(RecordOverview(summary, problem=summary.problem))
            continue
        overview = summary.overview
        if overview is None and not compute:
            out.append(RecordOverview(summary, pending=True))
            continue
        if overview is None:
            # Imported here, on the first record the index has no progress for: the home list
            # is read from the index, and a start should not pay for the scoring engine.
            from assessor.core.rubric.registry import rubric_for
            from assessor.core.scoring.engine import compute_result

            try:
                assessment = store.load(summary.key)
                result = compute_result(rubric_for(assessment.rubric, known), assessment)
            except (StorageError, UserError) as exc:
                out.append(RecordOverview(summary, problem=str(exc)))
                continue
            overview = overview_of(result)
            computed.append((summary, overview))
        out.append(
            RecordOverview(
                summary,
                percent=overview.percent,
                grade=overview.grade,
                grade_label=overview.grade_label,
                started=overview.scored > 0,
                complete=overview.scored == overview.total,
            )
        )
    if computed:
        store.remember_overviews(computed)
    return out
