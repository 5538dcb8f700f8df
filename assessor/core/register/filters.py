"""The one filter over the register's current assessments: what browsing, review, statistics
and exports select is an `AssessmentFilter`, turned into SQL here and nowhere else.

Every query reads `documents d LEFT JOIN reviews r` (`FROM`); `where` adds the conditions of
the fields that are set. An assessment is *held* while a flag work item about it is open
(`OPEN_FLAG`), and *publishable* when it is confirmed, held by nothing and not a training sample.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from assessor.core.register.rows import FlagKind, ReviewState

FROM = "FROM documents d LEFT JOIN reviews r ON r.assessment_id = d.assessment_id"
STATE = "COALESCE(r.state, 'pending')"

_OPEN_ABOUT = (
    "SELECT 1 FROM flags f WHERE f.closed_at IS NULL AND {kind}"
    "(f.assessment_id = {a} OR f.other_assessment_id = {a})"
)


def open_flag(assessment: str = "d.assessment_id", kind: str = "") -> str:
    """SQL true when `assessment` (an SQL expression) has an open flag (of kind `:kind`)."""
    return f"EXISTS ({_OPEN_ABOUT.format(a=assessment, kind=kind)})"


OPEN_FLAG = open_flag()
OPEN_KINDS = (
    "(SELECT group_concat(DISTINCT f.kind) FROM flags f WHERE f.closed_at IS NULL"
    " AND (f.assessment_id = d.assessment_id OR f.other_assessment_id = d.assessment_id))"
)
"""SQL: the kinds of the open items about `d`, comma-separated (NULL when none)."""
CONFIRMED = "r.state = 'confirmed'"
PUBLISHABLE = f"({CONFIRMED} AND NOT {OPEN_FLAG})"
"""Confirmed and held by no open flag: what the public list, the 示范 list and the report take."""


@dataclass(frozen=True)
class AssessmentFilter:
    """Which current assessments to show, change or count; unset fields do not filter."""

    assessment_ids: Sequence[str] = ()
    search: str = ""
    """Part of the centre's name, or the start of its 统一社会信用代码."""
    division_code: str = ""
    grade: str = ""
    operator: str = ""
    cycle: str = ""
    batch_id: int | None = None
    state: ReviewState | None = None
    year: int | None = None
    """Calendar year of the visit."""
    confirmed_only: bool = False
    """Confirmed and held by no open flag (issue 18: nothing doubtful is counted as confirmed)."""
    flagged: bool | None = None
    """True: only assessments with an open flag; False: only those without."""
    flag_kind: FlagKind | None = None
    """Only assessments with an open flag of this kind."""

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) == f.default for f in fields(self))

    def where(self) -> tuple[str, dict[str, Any]]:
        """(SQL condition over `d` and `r`, named parameters)."""
        parts = ["d.current = 1"]
        params: dict[str, Any] = {}
        if self.assessment_ids:
            marks = ", ".join(f":id{n}" for n in range(len(self.assessment_ids)))
            parts.append(f"d.assessment_id IN ({marks})")
            params.update({f"id{n}": ident for n, ident in enumerate(self.assessment_ids)})
        text = self.search.strip()
        if text:
            # LIKE patterns: the user's % and _ are taken literally.
            escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            parts.append(
                "(d.centre_name LIKE :contains ESCAPE '\\' OR d.centre_uscc LIKE :prefix ESCAPE '\\')"
            )
            params.update(contains=f"%{escaped}%", prefix=f"{escaped.upper()}%")
        for column in ("division_code", "grade", "operator", "cycle", "batch_id"):
            value = getattr(self, column)
            if value not in ("", None):
                parts.append(f"d.{column} = :{column}")
                params[column] = value
        if self.state is not None:
            parts.append(f"{STATE} = :state")
            params["state"] = self.state.value
        if self.year is not None:
            parts.append("d.visit_date >= :start AND d.visit_date < :end")
            params.update(start=f"{self.year:04d}-01-01", end=f"{self.year + 1:04d}-01-01")
        if self.confirmed_only:
            parts.append(PUBLISHABLE)
        if self.flag_kind is not None:
            parts.append(open_flag(kind="f.kind = :flag_kind AND "))
            params["flag_kind"] = self.flag_kind.value
        elif self.flagged is not None:
            parts.append(OPEN_FLAG if self.flagged else f"NOT {OPEN_FLAG}")
        return " AND ".join(parts), params
