"""Consistency warnings: scores that contradict the profile, the computed checks or the calendar.

They assist; the assessor decides. A warning on an indicator is resolved by a note on that
indicator saying why the score stands (the note travels in the report). A visit date in the
future is never right, so only correcting the date resolves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assessor.core.assessment.model import Assessment
from assessor.core.clock import beijing_today
from assessor.core.rubric.model import Indicator
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.checks import Finding, findings_for
from assessor.core.vocabulary import ClassKind

_EPSILON = 1e-9
# The rubric states each indicator's N/A condition in words; these words say what it is about.
_MEALS = ("餐", "膳食")
_INFANTS = "乳儿班"
VISIT_DATE = "评估日期"


@dataclass(frozen=True)
class ConsistencyWarning:
    indicator: str | None  # None: about the visit, not an indicator
    message: str
    resolved: bool  # explained by a note on the indicator

    @property
    def text(self) -> str:
        where = f"{self.indicator} " if self.indicator else ""
        return f"{where}{self.message}"


def _full_marks(ind: Indicator, score: float | None) -> bool:
    return score is not None and abs(score - ind.max) < _EPSILON


def consistency_warnings(
    rubric: LoadedRubric,
    assessment: Assessment,
    findings: list[Finding],
    today: date | None = None,
) -> list[ConsistencyWarning]:
    """Every warning, in rubric order, the visit date's first."""
    out: list[ConsistencyWarning] = []
    today = today or beijing_today()
    visit = assessment.visit.date
    if visit is not None and visit > today:
        out.append(
            ConsistencyWarning(
                None, f"评估日期 {visit.isoformat()} 晚于今天（{today.isoformat()}）", False
            )
        )
    centre = assessment.centre
    has_infants = any(c.kind is ClassKind.infant for c in centre.classes)
    entries = {s.indicator: s for s in assessment.scores}
    for ind in rubric.indicators:
        entry = entries.get(ind.id)
        if entry is None:
            continue
        resolved = bool(entry.note.strip())
        reasons: list[str] = []
        if entry.na and centre.meals_served and any(w in ind.na_condition for w in _MEALS):
            reasons.append("标为不适用，但机构信息填写为“机构提供膳食”")
        if entry.na and has_infants and _INFANTS in ind.na_condition:
            reasons.append("标为不适用，但班级设置中有乳儿班")
        if _full_marks(ind, entry.score):
            reasons += [
                f"给了满分，但核查提示不符合：{f.message}"
                for f in findings_for(findings, ind.id)
                if f.status == "fail"
            ]
        out += [ConsistencyWarning(ind.id, reason, resolved) for reason in reasons]
    return out
