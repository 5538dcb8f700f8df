"""How `--by` splits the selection: per grouping, the SQL for a row's group key and the FROM
clause that yields one row per (assessment, group) with the assessment as `s`.

An assessment with two care types, or two assessors, belongs to both groups, so group counts
may add up to more than the whole. An assessor named twice in one assessment counts once.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessor.core.assessment.model import CARE_TYPE_LABELS, OPERATOR_LABELS
from assessor.core.register.stats_model import GroupBy
from assessor.core.register.stats_selection import SELECTION


@dataclass(frozen=True)
class Grouping:
    key: str
    source: str


GROUPINGS = {
    GroupBy.district: Grouping("s.division_code", f"{SELECTION} s"),
    GroupBy.operator: Grouping("s.operator", f"{SELECTION} s"),
    # Care types are unique within an assessment (the model removes repeats).
    GroupBy.care_type: Grouping("j.value", f"{SELECTION} s, json_each(s.care_types) j"),
    GroupBy.assessor: Grouping(
        "g.assessor",
        f"(SELECT s.rowid AS rid, j.value AS assessor FROM {SELECTION} s,"
        " json_each(s.assessor_ids) j GROUP BY s.rowid, j.value) g"
        f" CROSS JOIN {SELECTION} s ON s.rowid = g.rid",
    ),
}

NOT_GIVEN = "未填写"


def group_label(by: GroupBy, key: str, assessor_names: dict[str, str]) -> str:
    if not key:
        return NOT_GIVEN
    if by is GroupBy.operator:
        return next((v for k, v in OPERATOR_LABELS.items() if k.value == key), key)
    if by is GroupBy.care_type:
        return next((v for k, v in CARE_TYPE_LABELS.items() if k.value == key), key)
    if by is GroupBy.assessor:
        name = assessor_names.get(key)
        return f"{name}（{key}）" if name else key
    return key
