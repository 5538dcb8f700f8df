"""Reading a sample workbook written by `xlsx_write` (and edited by a trainer) back into a sample.

The workbook is opened by the one spreadsheet engine (`core/xlsx_forms`), with the limits rubric
workbooks get. Every problem is collected with the sheet, row and column it came from before
any is raised, in the one form 「工作表「X」第 N 行「列名」列：…」; the validator's problems
(JSON paths such as `dossier[4].found`, a duplicate named by `dossier[2]`, a missing indicator)
are moved to their cells too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assessor.core.problems import Problem, ProblemsError, format_loc, translate_error
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.training.sample import SampleCentre
from assessor.core.training.validate import CheckedSample, check_sample
from assessor.core.training.xlsx_layout import (
    CENTRE,
    CENTRE_FIELDS,
    CLASS_COLS,
    CLASSES,
    DOSSIER,
    DOSSIER_COLS,
    INFO,
    INFO_FIELDS,
    KV_HEADERS,
    NO,
    YES,
    Field,
)
from assessor.core.xlsx_forms.places import cell_text, row_text, sheet_problem
from assessor.core.xlsx_forms.workbook import Formula, SafeWorkbook

_SEPARATORS = re.compile(r"[、,，;；/／\s]+")
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_ENTRY_REF = re.compile(r"dossier\[(\d+)\]")

Loc = tuple[str | int, ...]


class _CellError(Exception):
    """A cell whose content cannot be what its column asks for; the message is Chinese."""


def _number_text(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _from_cell(f: Field, raw: Any) -> Any:
    """The value for the sample's JSON data; None leaves the key out so defaults apply."""
    if isinstance(raw, Formula):
        raise _CellError(
            f"是公式 {raw.text}，没有保存计算结果；请直接填写数值，或在 Excel 中打开后保存"
        )
    blank = raw is None or (isinstance(raw, str) and not raw.strip())
    if f.kind == "text":
        if raw is None:
            return ""
        return _number_text(raw) if isinstance(raw, int | float) else str(raw)
    if f.kind == "multi":
        return [] if blank else [_choice(f, t) for t in _SEPARATORS.split(str(raw).strip())]
    if blank:
        return None
    if f.kind == "id":
        return _number_text(raw) if isinstance(raw, int | float) else str(raw).strip()
    if f.kind == "date":
        return raw.strftime("%Y-%m-%d") if isinstance(raw, datetime | date) else str(raw).strip()
    if f.kind == "number":
        return _number(raw)
    if f.kind == "bool":
        return _bool(raw)
    return _choice(f, str(raw))


def _number(raw: Any) -> int | str:
    """Integers stay integers; other numbers go on as their shortest text, which the model
    reads as an exact decimal (points) or a float (areas)."""
    if isinstance(raw, bool):
        raise _CellError(f"应为数字，而不是「{YES if raw else NO}」")
    text = _number_text(raw) if isinstance(raw, int | float) else str(raw).strip()
    try:
        number = float(text)
    except ValueError:
        raise _CellError(f"应为数字，而不是「{text}」") from None
    if not math.isfinite(number):
        raise _CellError(f"应为数字，而不是「{text}」")
    return int(number) if number.is_integer() and "." not in text else text


def _bool(raw: Any) -> bool:
    text = str(raw).strip().lower()
    if raw is True or text in {YES, "true", "1"}:
        return True
    if raw is False or text in {NO, "false", "0"}:
        return False
    raise _CellError(f"应填“是”或“否”，而不是「{raw}」")


def _choice(f: Field, raw: str) -> str:
    text = raw.strip()
    for value, label in (f.choices or {}).items():
        if text in (value, label):
            return value
    raise _CellError(f"「{text}」不是可选的取值；应为 {'、'.join((f.choices or {}).values())} 之一")


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value


@dataclass
class SampleWorkbook:
    """A sample read from a workbook, and where each of its values came from."""

    file: str
    sample: SampleCentre
    places: dict[Loc, tuple[str, str]] = field(repr=False)

    def check(self, rubric: LoadedRubric) -> CheckedSample:
        """The validator's checks, with each problem moved to the cell it is about."""
        try:
            return check_sample(self.sample, rubric, self.file)
        except ProblemsError as exc:
            raise ProblemsError([self.relocate(p) for p in exc.problems]) from exc

    def relocate(self, problem: Problem) -> Problem:
        loc: Loc = tuple(
            int(index) if index else name for name, index in _PATH_PART.findall(problem.path)
        )
        message = _ENTRY_REF.sub(self._entry_row, problem.message)
        place = _place_for(self.places, loc)
        if place is None:
            return Problem(self.file, problem.path, message)
        return sheet_problem(self.file, *place, message)

    def _entry_row(self, match: re.Match[str]) -> str:
        """`dossier[2]` in a validator message as the row a trainer sees: `第 4 行`."""
        place = self.places.get(("dossier", int(match.group(1))))
        return place[1] if place else match.group(0)


def _place_for(places: dict[Loc, tuple[str, str]], loc: Loc) -> tuple[str, str] | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in places:
            return places[loc[:end]]
    return None


def sample_from_xlsx(path: str | Path) -> SampleWorkbook:
    """Read a workbook in the `train to-xlsx` layout; ProblemsError names sheet, row, column."""
    path = Path(path)
    wb = SafeWorkbook(path)
    try:
        return _Reader(path.name, wb).read()
    finally:
        wb.close()


class _Reader:
    def __init__(self, file: str, wb: SafeWorkbook) -> None:
        self.file = file
        self.wb = wb
        self.problems: list[Problem] = []
        self.places: dict[Loc, tuple[str, str]] = {}
        self.reported: set[Loc] = set()

    def add(self, sheet: str, place: str, message: str) -> None:
        self.problems.append(sheet_problem(self.file, sheet, place, message))

    def read(self) -> SampleWorkbook:
        data = self.pairs(INFO, INFO_FIELDS, ())
        data["centre"] = self.pairs(CENTRE, CENTRE_FIELDS, ("centre",))
        data["centre"]["classes"] = self.table(CLASSES, CLASS_COLS, ("centre", "classes"))
        data["dossier"] = self.table(DOSSIER, DOSSIER_COLS, ("dossier",))
        try:
            sample = SampleCentre.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                self.report(tuple(error["loc"]), translate_error(error))
            sample = None
        if self.problems or sample is None:
            raise ProblemsError(self.problems)
        return SampleWorkbook(self.file, sample, self.places)

    def report(self, loc: Loc, message: str) -> None:
        if any(loc[:end] in self.reported for end in range(1, len(loc) + 1)):
            return  # the cell's own problem is already reported
        place = _place_for(self.places, loc)
        if place is None:
            self.problems.append(Problem(self.file, format_loc(loc), message))
        else:
            self.add(*place, message)

    def rows(self, sheet: str) -> list[tuple[Any, ...]]:
        if sheet not in self.wb.sheetnames:
            self.add(sheet, "", "缺少这个工作表")
            return []
        return self.wb.rows(sheet)

    def convert(self, f: Field, raw: Any, loc: Loc, sheet: str, place: str) -> Any:
        self.places[loc] = (sheet, place)
        try:
            return _from_cell(f, raw)
        except _CellError as exc:
            self.add(sheet, place, str(exc))
            self.reported.add(loc)
            return raw

    def pairs(self, sheet: str, fields: Iterable[Field], loc: Loc) -> dict[str, Any]:
        """Key/value rows: column A names the field, column B holds its value."""
        by_header = {f.header: f for f in fields}
        data: dict[str, Any] = {}
        for number, row in enumerate(self.rows(sheet)[1:], start=2):
            name = str(row[0]).strip() if row and row[0] is not None else ""
            if not name:
                continue
            f = by_header.get(name)
            if f is None or f.path is None:
                self.add(sheet, cell_text(number, KV_HEADERS[0]), f"不认识的项目「{name}」")
                continue
            place = cell_text(number, f.header)
            value = self.convert(f, row[1] if len(row) > 1 else None, (*loc, *f.path), sheet, place)
            if value is not None:
                _put(data, f.path, value)
        return data

    def table(self, sheet: str, fields: tuple[Field, ...], loc: Loc) -> list[dict[str, Any]]:
        """One object per non-blank row; columns are found by their header in row 1."""
        rows = self.rows(sheet)
        if not rows:
            return []
        headers = [str(h).strip() if h is not None else "" for h in rows[0]]
        columns: list[tuple[int, Field]] = []
        for f in fields:
            if headers.count(f.header) > 1:
                self.add(sheet, cell_text(1, f.header), f"列「{f.header}」重复")
            if f.header in headers:
                columns.append((headers.index(f.header), f))
            elif f.path is not None:
                self.add(sheet, row_text(1, "表头"), f"缺少「{f.header}」列")
        # What the table lacks as a whole (an indicator without a row) is said where the
        # next row would go, under the table's first column.
        key = next(f.header for f in fields if f.path is not None)
        self.places[loc] = (sheet, cell_text(len(rows) + 1, key))
        out: list[dict[str, Any]] = []
        for number, row in enumerate(rows[1:], start=2):
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in row):
                continue
            here: Loc = (*loc, len(out))
            self.places[here] = (sheet, row_text(number))
            item: dict[str, Any] = {}
            for column, f in columns:
                if f.path is None:
                    continue
                raw = row[column] if column < len(row) else None
                place = cell_text(number, f.header)
                value = self.convert(f, raw, (*here, *f.path), sheet, place)
                if value is not None:
                    _put(item, f.path, value)
            out.append(item)
        return out
