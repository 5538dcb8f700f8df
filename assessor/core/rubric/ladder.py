"""Whether an indicator's scoring levels form a ladder without gaps or contradictions.

An indicator that lists the facts its levels tell apart (`ladder`: counts such as days without
a record, frequencies such as drills in a year, yes/no facts such as a plan being in place) and,
for each level, the situations it covers (`when`) can be checked exhaustively: every
combination of fact values must fall in exactly one level (no situation the text distinguishes
is left without a score, none is claimed by two), and a situation at least as good on every
fact never scores lower than a worse one (no level text contradicts a higher one). Fact values
are small ranges (0 to `top`, where `top` means "top or more"), so the situations are enumerated.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

from assessor.core.rubric.model import FactKind, Indicator, LadderFact

# More combinations than this are a sign the facts are too fine to be a scoring ladder.
MAX_SITUATIONS = 4096
# Naming every uncovered situation of a badly broken ladder helps no one; the first few do.
MAX_REPORTED = 3

Situation = tuple[int, ...]
Add = Callable[[str, str], None]


def describe(facts: list[LadderFact], situation: Situation) -> str:
    """A situation in words, as the assessor would state it."""
    parts = []
    for fact, value in zip(facts, situation, strict=True):
        if fact.kind is FactKind.yes_no:
            parts.append(f"{fact.text}：{'是' if value else '否'}")
        else:
            parts.append(f"{fact.text}：{value}{'及以上' if value == fact.top else ''}")
    return "；".join(parts)


def ladder_problems(ind: Indicator, path: str, add: Add) -> None:
    """Report a malformed ladder, an uncovered or doubly covered situation, or a better
    situation scored lower than a worse one."""
    if not ind.ladder:
        for n, level in enumerate(ind.levels):
            if level.when:
                add(f"{path}.levels[{n}].when", "写了适用情形，但指标没有列出判定事实（ladder）")
        return
    if not _well_formed(ind, path, add):
        return
    facts = ind.ladder
    situations = list(itertools.product(*(range(f.top + 1) for f in facts)))
    levels_of = {s: _levels_covering(ind, s) for s in situations}
    _check_coverage(ind, path, levels_of, add)
    if any(len(found) != 1 for found in levels_of.values()):
        return  # order is only meaningful once every situation has its one level
    _check_order(ind, path, {s: found[0] for s, found in levels_of.items()}, add)


def _well_formed(ind: Indicator, path: str, add: Add) -> bool:
    ok = True
    facts = {f.id: f for f in ind.ladder}
    if len(facts) != len(ind.ladder):
        add(f"{path}.ladder", "判定事实编号重复")
        ok = False
    for k, fact in enumerate(ind.ladder):
        if fact.kind is FactKind.yes_no and fact.top != 1:
            add(f"{path}.ladder[{k}].top", f"是否类事实 {fact.id} 的取值只能是 0 或 1")
            ok = False
    if math.prod(f.top + 1 for f in ind.ladder) > MAX_SITUATIONS:
        add(f"{path}.ladder", f"判定事实的组合超过 {MAX_SITUATIONS} 种，请合并或减少事实")
        return False
    for n, level in enumerate(ind.levels):
        where = f"{path}.levels[{n}].when"
        if not level.when:
            add(where, f"第 {n + 1} 档（{level.label}）没有写适用情形")
            ok = False
        for g, group in enumerate(level.when):
            for fact_id, (low, high) in group.items():
                fact = facts.get(fact_id)
                if fact is None:
                    add(f"{where}[{g}]", f"判定事实 {fact_id} 不在 ladder 中")
                    ok = False
                elif not 0 <= low <= high <= fact.top:
                    add(
                        f"{where}[{g}].{fact_id}",
                        f"取值范围 {low}～{high} 不在 0～{fact.top} 之内或上下颠倒",
                    )
                    ok = False
    return ok


def _levels_covering(ind: Indicator, situation: Situation) -> list[int]:
    index = {fact.id: k for k, fact in enumerate(ind.ladder)}
    return [
        n
        for n, level in enumerate(ind.levels)
        if any(
            all(low <= situation[index[f]] <= high for f, (low, high) in group.items())
            for group in level.when
        )
    ]


def _check_coverage(
    ind: Indicator, path: str, levels_of: dict[Situation, list[int]], add: Add
) -> None:
    uncovered = [s for s, found in levels_of.items() if not found]
    for s in uncovered[:MAX_REPORTED]:
        add(f"{path}.levels", f"情形「{describe(ind.ladder, s)}」不属于任何档次")
    if len(uncovered) > MAX_REPORTED:
        add(f"{path}.levels", f"另有 {len(uncovered) - MAX_REPORTED} 种情形不属于任何档次")
    doubled = [(s, found) for s, found in levels_of.items() if len(found) > 1]
    for s, found in doubled[:MAX_REPORTED]:
        names = "、".join(f"第 {n + 1} 档（{ind.levels[n].label}）" for n in found)
        add(f"{path}.levels", f"情形「{describe(ind.ladder, s)}」同时属于{names}")


def _check_order(ind: Indicator, path: str, level_of: dict[Situation, int], add: Add) -> None:
    """One step better on one fact never scores lower; steps chain, so this covers every pair
    of comparable situations."""
    reported = 0
    for worse, n in level_of.items():
        for k, fact in enumerate(ind.ladder):
            step = 1 if fact.better == "higher" else -1
            value = worse[k] + step
            if not 0 <= value <= fact.top:
                continue
            better = (*worse[:k], value, *worse[k + 1 :])
            m = level_of[better]
            if ind.levels[m].points < ind.levels[n].points and reported < MAX_REPORTED:
                reported += 1
                add(
                    f"{path}.levels[{m}]",
                    f"第 {m + 1} 档（{ind.levels[m].label}）与第 {n + 1} 档"
                    f"（{ind.levels[n].label}）矛盾：情形「{describe(ind.ladder, better)}」"
                    f"比「{describe(ind.ladder, worse)}」好，得分却更低",
                )
