"""The roster file's rows as checked `RosterCentre`s, or every problem with its row and column.

A roster is all or nothing: one bad row refuses the whole file, and the error names every bad
cell in the form 「工作表「名册」第 12 行「统一社会信用代码」列：…」.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assessor.core.assessment.uscc import uscc_problem
from assessor.core.cycle.cell_values import CellProblem, date, text, whole_number
from assessor.core.cycle.roster_model import COLUMNS, OPERATOR_BY_LABEL, Column, RosterCentre
from assessor.core.cycle.table_read import Table, TableProblems, read_tables
from assessor.core.problems import UserError, translate_error

# Title lines above the header row that clerks add (「XX市托育机构备案名册」).
HEADER_SEARCH_ROWS = 5


def _names(column: Column) -> set[str]:
    return {column.title, *column.aliases}


def _header(table: Table) -> tuple[int, dict[str, int]] | None:
    """(row index of the header, column field → cell index), when the table has one."""
    for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        cells = [c.strip() if isinstance(c, str) else "" for c in row]
        found = {
            column.field: cells.index(name)
            for column in COLUMNS
            for name in _names(column)
            if name in cells
        }
        if "uscc" in found:
            return index, found
    return None


def _operator(value: Any) -> str | None:
    written = text(value)
    if not written:
        return None
    if written not in OPERATOR_BY_LABEL:
        raise CellProblem(f"应为 {'、'.join(OPERATOR_BY_LABEL)} 之一，实际为「{written[:20]}」")
    return OPERATOR_BY_LABEL[written].value


def _uscc(value: Any) -> str:
    code = text(value).upper()
    if code and (problem := uscc_problem(code)):
        raise CellProblem(problem)
    return code


def _division(value: Any) -> str:
    code = text(value)
    if code and not (code.isdigit() and len(code) in (6, 9, 12)):
        raise CellProblem(f"应为 6 位、9 位或 12 位数字，实际为「{code[:20]}」")
    return code


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "name": text,
    "uscc": _uscc,
    "division_code": _division,
    "address": text,
    "operator": _operator,
    "places": whole_number,
    "filed_on": date,
}
_TITLES = {column.field: column.title for column in COLUMNS}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _row(
    table: Table, number: int, row: tuple[Any, ...], where: dict[str, int], problems: list[str]
) -> RosterCentre | None:
    values: dict[str, Any] = {}
    bad: dict[str, str] = {}
    for field, index in where.items():
        cell = row[index] if index < len(row) else None
        try:
            values[field] = _CONVERTERS[field](cell)
        except CellProblem as exc:
            bad[field] = str(exc)
    for column in COLUMNS:
        if column.required and column.field not in bad and not values.get(column.field):
            bad[column.field] = "不能为空"
    if bad:
        problems.extend(
            f"{table.cell(number, _TITLES[field])}：{message}" for field, message in bad.items()
        )
        return None
    try:
        return RosterCentre.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            title = _TITLES.get(str(error["loc"][0]), str(error["loc"][0]))
            problems.append(f"{table.cell(number, title)}：{translate_error(error)}")
        return None


def _roster_table(tables: list[Table], source: str) -> tuple[Table, int, dict[str, int]]:
    for table in tables:
        if found := _header(table):
            return table, *found
    raise UserError(
        f"名册 {source} 中没有找到表头：需要一行写有「统一社会信用代码」等列名"
        f"（可用 register roster template 生成模板）"
    )


def parse_roster(path: Path) -> list[RosterCentre]:
    """Every centre in the roster file, or RosterProblems naming every bad cell."""
    table, header, where = _roster_table(read_tables(path), path.name)
    missing = [c.title for c in COLUMNS if c.required and c.field not in where]
    if missing:
        raise TableProblems(
            "名册",
            path.name,
            [f"{table.place(header + 1)}：缺少必需的列「{'」「'.join(missing)}」"],
        )
    problems: list[str] = []
    centres: list[RosterCentre] = []
    first_row: dict[str, int] = {}
    for offset, row in enumerate(table.rows[header + 1 :], start=header + 2):
        if all(_blank(c) for c in row):
            continue
        centre = _row(table, offset, row, where, problems)
        if centre is None:
            continue
        if centre.uscc in first_row:
            problems.append(
                f"{table.cell(offset, '统一社会信用代码')}：{centre.uscc} 与第 "
                f"{first_row[centre.uscc]} 行重复"
            )
            continue
        first_row[centre.uscc] = offset
        centres.append(centre)
    if problems:
        raise TableProblems("名册", path.name, problems)
    if not centres:
        raise UserError(f"名册 {path.name} 中没有任何机构")
    return centres
