"""How `--by` splits the selection: one SQL source of (sha256, gkey) rows per grouping.

An assessment with two care types, or two assessors, belongs to both groups, so group counts
may add up to more than the whole.
"""

from __future__ import annotations

from assessor.core.assessment.model import CARE_TYPE_LABELS, OPERATOR_LABELS
from assessor.core.register.stats_model import GroupBy
from assessor.core.register.stats_selection import SELECTION

WHOLE = f"SELECT sha256, '' AS gkey FROM {SELECTION}"

GROUP_SOURCES = {
    GroupBy.district: f"SELECT sha256, division_code AS gkey FROM {SELECTION}",
    GroupBy.operator: f"SELECT sha256, operator AS gkey FROM {SELECTION}",
    GroupBy.care_type: (
        f"SELECT DISTINCT s.sha256, j.value AS gkey FROM {SELECTION} s, json_each(s.care_types) j"
    ),
    GroupBy.assessor: (
        f"SELECT DISTINCT s.sha256, j.value AS gkey FROM {SELECTION} s, json_each(s.assessor_ids) j"
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
