"""What a user must be told about where a rubric's content comes from (SPEC §2)."""

from __future__ import annotations

import re
from collections import Counter

from assessor.core.rubric.basis import Grounding, grounding
from assessor.core.rubric.model import Source
from assessor.core.rubric.validate import LoadedRubric


def grounding_counts(rubric: LoadedRubric) -> Counter[Grounding]:
    return Counter(grounding(rubric.rubric, ind) for ind in rubric.indicators)


def grounding_note(rubric: LoadedRubric) -> str | None:
    """How many indicators rest on a rule, on the standard's known text, on the project's own
    drafting; None for a rubric that states no basis (format 1)."""
    counts = grounding_counts(rubric)
    if counts[Grounding.unstated] == len(rubric.indicators):
        return None
    text = (
        f"{len(rubric.indicators)} 项指标中，{counts[Grounding.rule]} 项依据国家规定，"
        f"{counts[Grounding.standard]} 项依据标准已知文本，"
        f"{counts[Grounding.project]} 项为本项目拟定"
    )
    if counts[Grounding.unstated]:
        text += f"，{counts[Grounding.unstated]} 项未注明依据"
    return text + "。"


def provenance_notes(rubric: LoadedRubric) -> list[str]:
    """Identity first, then what the indicators rest on and every unverified part, in Chinese."""
    r = rubric.rubric
    notes = [
        f"{r.code}《{r.title}》，数据文件版本 {r.version}，内容哈希 {rubric.sha256[:16]}…",
        f"{r.issuer}发布（{r.published}），{r.effective} 起实施。",
    ]
    grounded = grounding_note(rubric)
    if grounded:
        notes.append(grounded)
    total = len(rubric.indicators)
    drafted = sum(1 for ind in rubric.indicators if ind.source is Source.drafted)
    if drafted:
        notes.append(f"{total} 项指标中有 {drafted} 项的文字依据公开资料起草，以标准原文为准。")
    unverified = sum(1 for ind in rubric.basic_indicators if ind.basic and not ind.basic.verified)
    if unverified:
        notes.append(f"{unverified} 项基础指标（否决项）的认定为推定，待以标准原文核实。")
    if not r.grade_rule.verified:
        notes.append(r.grade_rule.notice)
    if r.notes:
        notes.append(_without_field_names(r.notes))
    changed = latest_changes(rubric)
    if changed:
        notes.append(changed)
    return notes


# Change-log targets that are not clause numbers, in words.
_TARGET_WORDS = {
    "rubric": "整体",
    "grade_rule": "等级规则",
    "na_rule": "不适用规则",
    "basic_count": "基础指标数",
}


def latest_changes(rubric: LoadedRubric) -> str | None:
    """What the newest entry of the change log changed, one short line a target (the first
    clause of what changed, so the about box fits a laptop screen); None without a log."""
    if not rubric.rubric.changes:
        return None
    change = rubric.rubric.changes[-1]
    lines = [f"本版本（{change.version}，{change.date}）的修订（共 {len(change.entries)} 处）："]
    for entry in change.entries:
        target = _TARGET_WORDS.get(entry.target, entry.target)
        lines.append(f"· {target}：{entry.what.split('；')[0]}")
    lines.append("每处修订的原因和依据见评估标准的修订记录（Excel 表「修订记录」）。")
    return "\n".join(lines)


# The rubric's own notes name data fields, e.g. 「“拟定”（source: drafted）」; people are shown
# the Chinese words only. The file itself keeps them: its text is part of its hash.
_FIELD_NAMES = re.compile(r"[（(]\s*[a-z_]+\s*:\s*[a-z_]+\s*[）)]")


def _without_field_names(text: str) -> str:
    return _FIELD_NAMES.sub("", text)
