"""The assessment teams of a cycle, read from the commission's team list (.xlsx or .csv).

One row per member: 评估组, 姓名, 评估员编号, 所在区县 (the district code of the body they
work for: they never inspect there), 所属单位, and 回避机构 (USCCs of centres they have a
recorded conflict with, separated by 、 ; or spaces).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assessor.core.assessment.uscc import uscc_problem
from assessor.core.cycle.cell_values import CellProblem, text
from assessor.core.cycle.table_read import Table, TableProblems, read_tables
from assessor.core.problems import UserError, translate_error


class Member(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=40)
    assessor_id: str = Field(default="", max_length=40)
    district: str = Field(pattern=r"^\d{6}$", description="所在区县（行政区划代码前 6 位）")
    body: str = Field(default="", max_length=100, description="所属单位")
    conflicts: list[str] = Field(default_factory=list, description="回避机构的统一社会信用代码")


class Team(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    team_id: str = Field(min_length=1, max_length=40)
    members: list[Member] = Field(min_length=1)

    @property
    def districts(self) -> set[str]:
        return {m.district for m in self.members}

    @property
    def conflicts(self) -> set[str]:
        return {code for m in self.members for code in m.conflicts}


_FIELDS = {
    "评估组": "team_id",
    "姓名": "name",
    "评估员编号": "assessor_id",
    "所在区县": "district",
    "所属单位": "body",
    "回避机构": "conflicts",
}
_TITLES = {field: title for title, field in _FIELDS.items()}
_REQUIRED = ("评估组", "姓名", "所在区县")
_SEPARATORS = re.compile(r"[、;；,，\s]+")


def _conflicts(value: Any) -> list[str]:
    codes = [c.upper() for c in _SEPARATORS.split(text(value)) if c]
    for code in codes:
        if problem := uscc_problem(code):
            raise CellProblem(f"{code}：{problem}")
    return codes


def _district(value: Any) -> str:
    code = text(value)
    if not (code.isdigit() and len(code) in (6, 9, 12)):
        raise CellProblem(f"应为行政区划代码（6 位或更长的数字），实际为「{code[:20]}」")
    return code[:6]


def _member(
    table: Table, number: int, row: tuple[Any, ...], where: dict[str, int]
) -> tuple[str, dict[str, Any], list[str]]:
    values: dict[str, Any] = {}
    problems: list[str] = []
    for title, index in where.items():
        cell = row[index] if index < len(row) else None
        try:
            if title == "回避机构":
                values["conflicts"] = _conflicts(cell)
            elif title == "所在区县":
                values["district"] = _district(cell)
            else:
                values[_FIELDS[title]] = text(cell)
        except CellProblem as exc:
            problems.append(f"{table.cell(number, title)}：{exc}")
            continue
        if title in _REQUIRED and not values[_FIELDS[title]]:
            problems.append(f"{table.cell(number, title)}：不能为空")
    return values.pop("team_id", ""), values, problems


def read_teams(path: Path) -> list[Team]:
    """The teams in the file, in the order they first appear."""
    table = read_tables(path)[0]
    header = [text(c) if isinstance(c, str) else "" for c in (table.rows or [()])[0]]
    where = {title: header.index(title) for title in _FIELDS if title in header}
    missing = [title for title in _REQUIRED if title not in where]
    if missing:
        raise TableProblems(
            "评估组名单", path.name, [f"{table.place(1)}：缺少必需的列「{'」「'.join(missing)}」"]
        )
    problems: list[str] = []
    members: dict[str, list[Member]] = {}
    for number, row in enumerate(table.rows[1:], start=2):
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in row):
            continue
        team_id, values, bad = _member(table, number, row, where)
        problems.extend(bad)
        if bad:
            continue
        try:
            members.setdefault(team_id, []).append(Member.model_validate(values))
        except ValidationError as exc:
            problems.extend(
                f"{table.cell(number, _TITLES[str(e['loc'][0])])}：{translate_error(e)}"
                for e in exc.errors(include_url=False)
            )
    if problems:
        raise TableProblems("评估组名单", path.name, problems)
    if not members:
        raise UserError(f"评估组名单 {path.name} 中没有任何成员")
    return [Team(team_id=team, members=people) for team, people in members.items()]
