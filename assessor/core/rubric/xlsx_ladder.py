"""An indicator's ladder facts and a level's situations as the text of one workbook cell.

Facts, one per line: `编号|类别|上限|越高越好|说明` (类别 计数、频次 or 是否; 上限 the value
meaning "that many or more"; 越高越好 or 越低越好). Situations, one group of conditions per line
(any line may hold): `plan=1，quarters=2～3`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from assessor.core.rubric.model import FACT_KIND_LABELS

_BETTER = {"higher": "越高越好", "lower": "越低越好"}
_FACT_FIELDS = 5
_CONDITION = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*=\s*(\d+)\s*(?:[～~]\s*(\d+))?\s*$")
_CONDITION_SEPARATORS = re.compile(r"[，,；;]")

FACTS_HELP = (
    "评分档次区分的事实，每行一项：编号|类别（计数、频次、是否）|上限（表示“及以上”）|"
    "越高越好或越低越好|说明；留空则不检查档次覆盖"
)
WHEN_HELP = "本档适用的情形，每行一组条件，如 plan=1，quarters=2～3；指标列出判定事实时必填"


def facts_to_cell(facts: list[Mapping[str, Any]]) -> str:
    return "\n".join(
        "|".join(
            [
                f["id"],
                FACT_KIND_LABELS.get(f["kind"], f["kind"]),
                str(f.get("top", 1)),
                _BETTER[f["better"]],
                f["text"],
            ]
        )
        for f in facts
    )


def facts_from_cell(text: str) -> list[dict[str, Any]]:
    """The inverse of `facts_to_cell`; ValueError (Chinese) names a malformed line."""
    kinds = {label: kind.value for kind, label in FACT_KIND_LABELS.items()}
    betters = {label: value for value, label in _BETTER.items()}
    facts = []
    for n, line in enumerate(text.strip().splitlines(), start=1):
        fields = [f.strip() for f in line.split("|")]
        if len(fields) != _FACT_FIELDS:
            raise ValueError(
                f"判定事实第 {n} 行应有 {_FACT_FIELDS} 栏（用 | 分隔），实为 {len(fields)} 栏"
            )
        ident, kind, top, better, words = fields
        if not top.isdigit():
            raise ValueError(f"判定事实第 {n} 行的上限「{top}」应为正整数")
        facts.append(
            {
                "id": ident,
                "kind": kinds.get(kind, kind),
                "top": int(top),
                "better": betters.get(better, better),
                "text": words,
            }
        )
    return facts


def when_to_cell(groups: list[Mapping[str, list[int]]]) -> str:
    return "\n".join(
        "，".join(
            f"{fact}={low}" if low == high else f"{fact}={low}～{high}"
            for fact, (low, high) in group.items()
        )
        for group in groups
    )


def when_from_cell(text: str) -> list[dict[str, list[int]]]:
    """The inverse of `when_to_cell`; ValueError (Chinese) names a malformed condition."""
    groups = []
    for line in text.strip().splitlines():
        group: dict[str, list[int]] = {}
        for condition in _CONDITION_SEPARATORS.split(line):
            if not condition.strip():
                continue
            match = _CONDITION.match(condition)
            if match is None:
                raise ValueError(
                    f"适用情形「{condition.strip()}」应写成 编号=数值 或 编号=最小～最大"
                )
            low = int(match.group(2))
            group[match.group(1)] = [low, int(match.group(3) or low)]
        if group:
            groups.append(group)
    return groups
