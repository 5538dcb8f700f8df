"""Giving each planned visit to a team: cross-inspection, no conflicts, balanced load.

A team may visit a centre when none of its members works in the centre's district and none has
a recorded conflict with it. Visits are first given greedily, the centres with the fewest
eligible teams first, each to the least-loaded eligible team (ties broken by a seeded order, so
a plan is reproducible). Then the load is evened out along chains of reassignments: while some
team carries two or more visits more than another team it can reach (team A reaches team B
when one of A's centres may go to B, and so on), the visits along the chain move one step.
When no such chain is left, max − min ≤ 1 unless the constraints themselves forbid it.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Sequence
from typing import Protocol

from assessor.core.cycle.teams import Team
from assessor.core.problems import UserError


class Placed(Protocol):
    """A centre to visit, as assignment sees it (a roster centre, or one to follow up)."""

    @property
    def uscc(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def district(self) -> str: ...


def eligible_teams(centre: Placed, teams: Sequence[Team]) -> tuple[str, ...]:
    return tuple(
        t.team_id
        for t in teams
        if centre.district not in t.districts and centre.uscc not in t.conflicts
    )


def assign(centres: Sequence[Placed], teams: Sequence[Team], seed: int) -> dict[str, str]:
    """USCC → team id for every centre, or a UserError naming the centres no team may visit."""
    if not teams:
        raise UserError("没有评估组：请提供评估组名单")
    options = {c.uscc: eligible_teams(c, teams) for c in centres}
    stuck = [c for c in centres if not options[c.uscc]]
    if stuck:
        names = "、".join(f"{c.name}（{c.uscc}，{c.district}）" for c in stuck[:10])
        more = f" 等 {len(stuck)} 家" if len(stuck) > 10 else ""
        raise UserError(
            f"以下机构没有可派出的评估组（每个组都有成员来自该区县或与其有回避关系）：{names}{more}"
        )
    rng = random.Random(f"assign:{seed}")
    order = {t.team_id: n for n, t in enumerate(rng.sample(list(teams), len(teams)))}
    load = {t.team_id: 0 for t in teams}
    given: dict[str, str] = {}
    for centre in sorted(centres, key=lambda c: (len(options[c.uscc]), c.uscc)):
        team = min(options[centre.uscc], key=lambda t: (load[t], order[t]))
        given[centre.uscc] = team
        load[team] += 1
    _balance(given, options, load, order)
    return given


def _balance(
    given: dict[str, str],
    options: dict[str, tuple[str, ...]],
    load: dict[str, int],
    order: dict[str, int],
) -> None:
    while (path := _relieving_chain(given, options, load, order)) is not None:
        for uscc, target in path:
            load[given[uscc]] -= 1
            load[target] += 1
            given[uscc] = target


def _relieving_chain(
    given: dict[str, str],
    options: dict[str, tuple[str, ...]],
    load: dict[str, int],
    order: dict[str, int],
) -> list[tuple[str, str]] | None:
    """Moves (centre → new team) that take one visit from a most-loaded team to a team with
    at least two fewer, found by breadth-first search; None when there is none."""
    visits: dict[str, list[str]] = {team: [] for team in load}
    for uscc in sorted(given):
        visits[given[uscc]].append(uscc)
    for start in sorted(load, key=lambda t: (-load[t], order[t])):
        came_from: dict[str, tuple[str, str] | None] = {start: None}
        queue = deque([start])
        while queue:
            team = queue.popleft()
            if load[team] <= load[start] - 2:
                path: list[tuple[str, str]] = []
                step = came_from[team]
                while step is not None:
                    uscc, previous = step
                    path.append((uscc, team))
                    team = previous
                    step = came_from[team]
                return path
            for uscc in visits[team]:
                for target in sorted(options[uscc], key=order.__getitem__):
                    if target not in came_from:
                        came_from[target] = (uscc, team)
                        queue.append(target)
    return None
