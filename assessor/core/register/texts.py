"""Chinese names of the register's lists, the same in the CLI, the exports and the GUI."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assessor.core.register.stats_model import HeldBack

CANDIDATES_TITLE = "示范候选"
CANDIDATES_RULE = "等级为最高等级、基础指标全部达标、在本评估周期内评估"
RED_LIST_TITLE = "警示名单"
RED_LIST_RULE = "等级为最低等级或任一基础指标未达标（红黑榜）"


def held_text(rule: str, held: HeldBack) -> str:
    """「rule；另有 n 份暂不列入：有待核实事项 a 份，未确认 b 份。」"""
    if not held.total:
        return f"{rule}。"
    parts = [
        f"{label} {n} 份"
        for label, n in (("有待核实事项", held.flagged), ("尚未确认", held.unconfirmed))
        if n
    ]
    return f"{rule}；另有 {held.total} 份暂不列入：{'，'.join(parts)}。"
