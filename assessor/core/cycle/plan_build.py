"""Drawing a visit plan from the roster: which centres, which team, by a recorded rule."""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from assessor.core.assessment.uscc import uscc_problem
from assessor.core.cycle import register_history
from assessor.core.cycle.assignment import assign
from assessor.core.cycle.cell_values import text
from assessor.core.cycle.plan_model import Plan, PlannedFollowUp, PlannedVisit, SampleRule
from assessor.core.cycle.rectification import Item, items
from assessor.core.cycle.roster_model import RosterCentre
from assessor.core.cycle.roster_store import roster
from assessor.core.cycle.sampling import LISTED, Selected, stratified_sample
from assessor.core.cycle.table_read import TableProblems, read_tables
from assessor.core.cycle.teams import Team
from assessor.core.problems import UserError

FOLLOW_UP_ALL = "all"

ALWAYS_KINDS = (
    register_history.NEVER_ASSESSED,
    register_history.LOW_GRADE,
    register_history.OPEN_FLAGS,
)


@dataclass(frozen=True)
class Sampling:
    fraction: Fraction
    seed: int
    always: tuple[str, ...] = ()
    low_grades: tuple[str, ...] = ("C", "D")


@dataclass(frozen=True)
class PlanRequest:
    cycle: str
    due_on: dt.date
    teams: Sequence[Team]
    created_at: dt.datetime
    sampling: Sampling | None = None
    listed: Sequence[str] = field(default_factory=tuple)
    seed: int = 0
    plan_id: str = ""
    followups: Sequence[str] = field(default_factory=tuple)
    """USCCs of centres to follow up (复查), or FOLLOW_UP_ALL for every centre with open items."""


def _always(conn: sqlite3.Connection, cycle: str, sampling: Sampling) -> dict[str, str]:
    """USCC → reason for the centres that are visited whatever the draw; the first reason in
    ALWAYS_KINDS order wins."""
    found: dict[str, str] = {}
    previous = str(int(cycle) - 1)
    sources = {
        register_history.NEVER_ASSESSED: lambda: register_history.never_assessed(conn),
        register_history.LOW_GRADE: lambda: register_history.graded(
            conn, previous, sampling.low_grades
        ),
        register_history.OPEN_FLAGS: lambda: register_history.flagged(conn),
    }
    for kind in ALWAYS_KINDS:
        if kind in sampling.always:
            for uscc in sources[kind]():
                found.setdefault(uscc, kind)
    return found


def _listed(centres: Sequence[RosterCentre], listed: Sequence[str]) -> list[Selected]:
    by_uscc = {c.uscc: c for c in centres}
    unknown = [code for code in listed if code not in by_uscc]
    if unknown:
        raise UserError(f"指定名单中有 {len(unknown)} 家机构不在名册中：{'、'.join(unknown[:10])}")
    return [Selected(by_uscc[code], LISTED) for code in dict.fromkeys(listed)]


def draw_plan(conn: sqlite3.Connection, request: PlanRequest, commission: str) -> Plan:
    """The plan (unsigned) of `commission` for the roster as the register holds it now."""
    centres = roster(conn)
    if not centres:
        raise UserError("名册为空：请先用 register roster import 导入托育机构名册")
    if request.sampling is not None:
        rule = request.sampling
        chosen = stratified_sample(
            centres, rule.fraction, rule.seed, _always(conn, request.cycle, rule)
        )
        seed = rule.seed
        if not chosen:
            raise UserError("按此比例没有抽到任何机构，请提高抽样比例")
    elif request.listed:
        chosen, seed = _listed(centres, request.listed), request.seed
    elif request.followups:
        chosen, seed = [], request.seed
    else:
        raise UserError("请指定抽样比例（--sample）、指定名单（--list）或复查机构（--followup）")
    teams = {c.centre.uscc: t for c, t in _assigned(chosen, request.teams, seed).items()}
    return Plan(
        plan_id=request.plan_id or f"{request.cycle}-{secrets.token_hex(4)}",
        cycle=request.cycle,
        commission=commission,
        created_at=request.created_at,
        due_on=request.due_on,
        sample=None
        if request.sampling is None
        else SampleRule(
            fraction=str(request.sampling.fraction),
            seed=request.sampling.seed,
            always=list(request.sampling.always),
            low_grades=list(request.sampling.low_grades),
        ),
        teams=list(request.teams),
        visits=[
            PlannedVisit(centre=c.centre, team_id=teams[c.centre.uscc], reason=c.reason)
            for c in chosen
        ],
        followups=_followups(conn, request.followups, request.teams, seed),
    )


def _followups(
    conn: sqlite3.Connection, codes: Sequence[str], teams: Sequence[Team], seed: int
) -> list[PlannedFollowUp]:
    """Follow-up visits to the centres `codes` names, each for the open items of its latest
    assessment (as the follow-up task will carry them), assigned by the same rules as visits."""
    if not codes:
        return []
    open_now: dict[str, list[Item]] = {}
    for item in items(conn, open_only=True):
        open_now.setdefault(item.uscc, []).append(item)
    wanted = list(open_now) if tuple(codes) == (FOLLOW_UP_ALL,) else list(dict.fromkeys(codes))
    if not wanted:
        raise UserError("登记库中没有待整改事项，不需要安排复查")
    unknown = [code for code in wanted if code not in open_now]
    if unknown:
        raise UserError(
            f"以下机构没有待整改事项，不能安排复查：{'、'.join(unknown[:10])}"
            "（用 register rectify list --open 查看待整改事项）"
        )
    planned = []
    for code in wanted:
        latest = max(open_now[code], key=lambda i: i.opened_on)
        count = sum(i.assessment_id == latest.assessment_id for i in open_now[code])
        planned.append(
            PlannedFollowUp(
                uscc=code,
                name=latest.centre_name,
                district=latest.district,
                assessment_id=latest.assessment_id,
                open_items=count,
                team_id="",
            )
        )
    given = assign(planned, teams, seed)
    return [p.model_copy(update={"team_id": given[p.uscc]}) for p in planned]


def _assigned(chosen: Sequence[Selected], teams: Sequence[Team], seed: int) -> dict[Selected, str]:
    given = assign([c.centre for c in chosen], teams, seed)
    return {c: given[c.centre.uscc] for c in chosen}


def read_uscc_list(path: Path) -> list[str]:
    """The USCCs of a hand-made list: the column 统一社会信用代码 of a table, or its first
    column when no header names it."""
    table = read_tables(path)[0]
    rows = table.rows
    header = [text(c) if isinstance(c, str) else "" for c in (rows or [()])[0]]
    column = header.index("统一社会信用代码") if "统一社会信用代码" in header else 0
    start = 1 if "统一社会信用代码" in header else 0
    codes: list[str] = []
    problems: list[str] = []
    for number, row in enumerate(rows[start:], start=start + 1):
        code = text(row[column] if column < len(row) else None).upper()
        if not code:
            continue
        if problem := uscc_problem(code):
            problems.append(f"{table.cell(number, '统一社会信用代码')}：{problem}")
        codes.append(code)
    if problems:
        raise TableProblems("指定名单", path.name, problems)
    if not codes:
        raise UserError(f"指定名单 {path.name} 中没有任何机构")
    return codes
