"""Reading a workbook written by `xlsx_write` (and edited by a clerk) back into a rubric.

Every problem is collected, with the sheet, row and column it came from, before any is raised.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assessor.core.problems import Problem, ProblemsError, format_loc, translate_error
from assessor.core.rubric.model import Rubric
from assessor.core.rubric.validate import LoadedRubric, structural_problems
from assessor.core.rubric.xlsx_ladder import facts_from_cell, when_from_cell
from assessor.core.rubric.xlsx_layout import (
    BAND_COLS,
    CHANGE_COLS,
    CHANGES,
    CLASS_COLS,
    DIM_COLS,
    DIMS,
    DOC_COLS,
    DOCS,
    GRADE,
    GRADE_FIELDS,
    IND_COLS,
    INDS,
    INFO,
    INFO_FIELDS,
    ITEM_COLS,
    ITEMS,
    LATER_SHEETS,
    LEVEL_COLS,
    LEVELS,
    NA,
    NA_FIELDS,
    NO,
    PARAM_FIELDS,
    PARAMS,
    SHEET_ORDER,
    YES,
    Col,
    basis_from_cell,
)
from assessor.core.vocabulary import CLASS_KIND_LABELS
from assessor.core.xlsx_forms.places import cell_text, row_text, sheet_problem
from assessor.core.xlsx_forms.workbook import Formula, SafeWorkbook

_TRUE_WORDS = {YES, "true", "1"}
_FALSE_WORDS = {NO, "false", "0"}
# Clerks separate several methods in whatever way their keyboard makes easy.
_SEPARATORS = re.compile(r"[、,，;；/／\s]+")
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")

Loc = tuple[str | int, ...]
# Column A of a key/value sheet, as `xlsx_write` heads it.
KV_NAME = "项目"


def rubric_from_xlsx(path: str | Path) -> LoadedRubric:
    """Read a workbook written by `rubric_to_xlsx` (and edited by a clerk) into a rubric.

    Raises ProblemsError listing every problem, each naming the sheet, row and column.
    """
    path = Path(path)
    wb = SafeWorkbook(path)
    try:
        reader = _Reader(path.name, wb)
        data = reader.read()
    finally:
        wb.close()
    return reader.finish(data, str(path))


class _CellError(Exception):
    """A cell whose content cannot be what its column asks for; the message is Chinese."""


_BLANK = object()

# Indicator columns that fill the basic flag (besides its note), by flag field.
_BASIC_FLAG_COLUMNS = {
    "basic_verified": "verified",
    "basic_na_allowed": "na_allowed",
    "basic_veto_below": "veto_below",
}


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number_text(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _from_cell(col: Col, raw: Any) -> Any:
    """The model value for a cell; `_BLANK` leaves the key out so defaults and 'missing' apply."""
    if isinstance(raw, Formula):
        raise _CellError(
            f"单元格是公式「{raw.text[:60]}」，没有保存计算结果；请直接填写数值或文字，"
            "或在 Excel 中打开并保存后再转换"
        )
    kind = col.kind
    if kind == "text":
        if raw is None:
            return ""
        if isinstance(raw, bool):
            return YES if raw else NO
        if isinstance(raw, int | float):
            return _number_text(raw)
        return str(raw)
    if kind == "lines":
        if _is_blank(raw):
            return []
        return [line for line in str(raw).splitlines() if line.strip()]
    if kind == "multi":
        if _is_blank(raw):
            return []
        return [_choice(col, token) for token in _SEPARATORS.split(str(raw).strip())]
    if _is_blank(raw):
        return _BLANK
    if kind == "id":
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return _number_text(raw)
        return str(raw).strip()
    if kind == "date":
        if isinstance(raw, datetime | date):
            return raw.strftime("%Y-%m-%d")
        return str(raw).strip()
    if kind == "number":
        return _number(raw)
    if kind == "bool":
        return _bool(raw)
    if kind == "basis":
        return basis_from_cell(str(raw))
    if kind in ("facts", "when"):
        parse = facts_from_cell if kind == "facts" else when_from_cell
        try:
            return parse(str(raw))
        except ValueError as exc:
            raise _CellError(str(exc)) from exc
    return _choice(col, str(raw))


def _number(raw: Any) -> int | float:
    if isinstance(raw, bool):
        raise _CellError(f"应为数字，而不是「{YES if raw else NO}」")
    if isinstance(raw, int | float):
        return raw
    text = str(raw).strip()
    try:
        number = float(text)
    except ValueError:
        raise _CellError(f"应为数字，而不是「{text}」") from None
    if not math.isfinite(number):
        raise _CellError(f"应为数字，而不是「{text}」")
    return number


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _number_text(raw) if isinstance(raw, int | float) else str(raw).strip().lower()
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS:
        return False
    raise _CellError(f"应填“是”或“否”，而不是「{raw}」")


def _choice(col: Col, raw: str) -> str:
    text = raw.strip()
    choices = col.choices or {}
    if text in choices:
        return text
    for value, label in choices.items():
        if text == label:
            return value
    former = col.former_labels or {}
    if text in former:
        return former[text]
    raise _CellError(f"「{text}」不是可选的取值；应为 {'、'.join(choices.values())} 之一")


@dataclass(frozen=True)
class _Place:
    """Where in the workbook a value came from, as shown to the clerk."""

    sheet: str
    text: str
    row: int = 0
    column: int = 0

    def sort_key(self) -> tuple[int, int, int]:
        known = self.sheet in SHEET_ORDER
        return (SHEET_ORDER.index(self.sheet) if known else len(SHEET_ORDER), self.row, self.column)


@dataclass
class _Row:
    """One non-blank data row: converted values by column key, and where each came from."""

    sheet: str
    number: int
    values: dict[str, Any]
    columns: dict[str, tuple[int, Col]]
    bad: set[str] = field(default_factory=set)

    def place(self, key: str) -> _Place:
        column, col = self.columns[key]
        return _Place(self.sheet, cell_text(self.number, col.header), self.number, column)

    def row_place(self, what: str) -> _Place:
        return _Place(self.sheet, row_text(self.number, what), self.number)

    def get(self, key: str) -> Any:
        """The value if present and well-formed, else None (its problem is already reported)."""
        value = self.values.get(key, _BLANK)
        return None if value is _BLANK or key in self.bad else value


class _Reader:
    """Reads every sheet, collecting problems, and builds the rubric's JSON data."""

    def __init__(self, file: str, wb: SafeWorkbook) -> None:
        self.file = file
        self.wb = wb
        self.problems: list[tuple[tuple[int, int, int], Problem]] = []
        self.places: dict[Loc, _Place] = {}
        # Locations whose cell already produced a problem; pydantic's echo of it is dropped.
        self.reported: set[Loc] = set()
        # Sheets missing or missing a column: the model is not built, and rows referring to
        # them are not reported, as that would only repeat the one problem many times.
        self.broken: set[str] = set()

    # -- problems and places ------------------------------------------------------------------

    def add(self, place: _Place, message: str) -> None:
        problem = sheet_problem(self.file, place.sheet, place.text, message)
        self.problems.append((place.sort_key(), problem))

    def sheet_problem(self, sheet: str, message: str) -> None:
        self.add(_Place(sheet, ""), message)

    def bind(self, loc: Loc, row: _Row, what: str) -> None:
        """Remember where the model object at `loc` and each of its fields came from."""
        self.places[loc] = row.row_place(what)
        for key, (_, col) in row.columns.items():
            if col.path is None:
                continue
            sub = loc + col.path
            self.places[sub] = row.place(key)
            if key in row.bad:
                self.reported.add(sub)

    def place_for(self, loc: Loc) -> _Place | None:
        for end in range(len(loc), 0, -1):
            place = self.places.get(loc[:end])
            if place is not None:
                return place
        return None

    def report_at(self, loc: Loc, message: str) -> None:
        if any(loc[:end] in self.reported for end in range(1, len(loc) + 1)):
            return
        place = self.place_for(loc)
        if place is None:
            self.problems.append(((-1, 0, 0), Problem(self.file, format_loc(loc), message)))
        else:
            self.add(place, message)

    # -- sheets -------------------------------------------------------------------------------

    def rows_of(self, sheet: str) -> list[tuple[Any, ...]] | None:
        if sheet not in self.wb.sheetnames and sheet in LATER_SHEETS:
            return None  # a workbook written for format 1, before the sheet existed
        if sheet not in self.wb.sheetnames:
            self.sheet_problem(sheet, "缺少这个工作表")
            self.broken.add(sheet)
            return None
        return self.wb.rows(sheet)

    def split(
        self, sheet: str, fields: tuple[Col, ...], cols: tuple[Col, ...], loc: Loc
    ) -> tuple[dict[str, Any], list[_Row]]:
        """A sheet with a key/value block and, below it, a table headed by `cols`."""
        rows = self.rows_of(sheet)
        if rows is None:
            return {}, []
        first = cols[0]
        for n, row in enumerate(rows[1:], start=2):
            if row and _cell_text(row[0]) in (first.header, first.key):
                return self.pairs(sheet, fields, rows[: n - 1], loc), self.table(
                    sheet, cols, rows, n
                )
        self.sheet_problem(sheet, f"找不到以「{first.header}」开头的表头行")
        self.broken.add(sheet)
        return self.pairs(sheet, fields, rows, loc), []

    def pairs(
        self, sheet: str, fields: tuple[Col, ...], rows: list[tuple[Any, ...]], loc: Loc
    ) -> dict[str, Any]:
        """Key/value rows below a header row: column A names the field, column B holds it."""
        by_name = {name: col for col in fields for name in (col.header, col.key)}
        data: dict[str, Any] = {}
        seen: dict[str, int] = {}
        for col in fields:
            self.places[(*loc, col.key)] = _Place(sheet, f"「{col.header}」行", 10**9)
        for number, row in enumerate(rows[1:], start=2):
            name = _cell_text(row[0]) if row else ""
            raw = row[1] if len(row) > 1 else None
            if not name:
                if not _is_blank(raw):
                    self.add(_Place(sheet, cell_text(number, KV_NAME), number, 1), "缺少项目名称")
                continue
            col = by_name.get(name)
            if col is None:
                self.add(
                    _Place(sheet, cell_text(number, KV_NAME), number, 1), f"不认识的项目「{name}」"
                )
                continue
            if col.key in seen:
                self.add(
                    _Place(sheet, cell_text(number, KV_NAME), number, 1),
                    f"「{col.header}」重复（第 {seen[col.key]} 行已填写）",
                )
                continue
            seen[col.key] = number
            place = _Place(sheet, cell_text(number, col.header), number, 2)
            self.places[(*loc, col.key)] = place
            try:
                value = _from_cell(col, raw)
            except _CellError as exc:
                self.add(place, str(exc))
                self.reported.add((*loc, col.key))
                data[col.key] = raw
                continue
            if value is not _BLANK:
                data[col.key] = value
        return data

    def table(
        self, sheet: str, cols: tuple[Col, ...], rows: list[tuple[Any, ...]], header: int = 1
    ) -> list[_Row]:
        """Data rows of a table whose header is at row `header`; columns are found by name."""
        by_name = {name: col for col in cols for name in (col.header, col.key)}
        columns: dict[str, tuple[int, Col]] = {}
        head = rows[header - 1] if len(rows) >= header else ()
        for column, title in enumerate(head, start=1):
            name = _cell_text(title)
            if not name:
                continue
            place = _Place(sheet, cell_text(header, name), header, column)
            col = by_name.get(name)
            if col is None:
                self.add(place, f"不认识的列「{name}」；请删除该列或改用规定的表头")
            elif col.key in columns:
                self.add(place, f"列「{col.header}」重复")
            else:
                columns[col.key] = (column, col)
        missing = [col.header for col in cols if col.required and col.key not in columns]
        if missing:
            self.add(
                _Place(sheet, row_text(header, "表头"), header),
                f"缺少列「{'」「'.join(missing)}」",
            )
            self.broken.add(sheet)
            return []
        out: list[_Row] = []
        for number, row in enumerate(rows[header:], start=header + 1):
            if all(_is_blank(v) for v in row):
                continue
            parsed = _Row(sheet, number, {}, columns)
            for key, (column, col) in columns.items():
                raw = row[column - 1] if column <= len(row) else None
                try:
                    parsed.values[key] = _from_cell(col, raw)
                except _CellError as exc:
                    self.add(parsed.place(key), str(exc))
                    parsed.bad.add(key)
                    # The raw text fails the model too, so the rubric is never built on a guess.
                    parsed.values[key] = raw
            out.append(parsed)
        return out

    def sheet_table(self, sheet: str, cols: tuple[Col, ...]) -> list[_Row]:
        rows = self.rows_of(sheet)
        return [] if rows is None else self.table(sheet, cols, rows)

    # -- building the rubric data -------------------------------------------------------------

    def read(self) -> dict[str, Any]:
        for sheet in self.wb.sheetnames:
            if sheet not in SHEET_ORDER:
                self.sheet_problem(
                    sheet, "不认识的工作表；请删除该工作表，或把内容移到规定的工作表中"
                )
        data = self.pairs_sheet(INFO, INFO_FIELDS, ())
        data["documents"] = self.documents(self.sheet_table(DOCS, DOC_COLS))
        rule, band_rows = self.split(GRADE, GRADE_FIELDS, BAND_COLS, ("grade_rule",))
        data["grade_rule"] = {**rule, **self.bands(band_rows)}
        data["na_rule"] = self.pairs_sheet(NA, NA_FIELDS, ("na_rule",))
        params, class_rows = self.split(PARAMS, PARAM_FIELDS, CLASS_COLS, ("check_parameters",))
        data["check_parameters"] = {**params, "class_limits": self.classes(class_rows)}
        data["dimensions"] = self.tree()
        data["changes"] = self.changes(self.sheet_table(CHANGES, CHANGE_COLS))
        return data

    def documents(self, rows: list[_Row]) -> list[dict[str, Any]]:
        documents: list[dict[str, Any]] = []
        for row in rows:
            self.bind(("documents", len(documents)), row, "依据文件")
            documents.append(_model_values(row))
        self.places[("documents",)] = _Place(DOCS, "依据文件表", 10**9)
        return documents

    def changes(self, rows: list[_Row]) -> list[dict[str, Any]]:
        """Consecutive rows of one version and date form one change."""
        changes: list[dict[str, Any]] = []
        for row in rows:
            version, date = row.get("version"), row.get("date")
            if not changes or (changes[-1]["version"], changes[-1]["date"]) != (version, date):
                changes.append({"version": version, "date": date, "entries": []})
                self.places[("changes", len(changes) - 1)] = row.row_place("修订记录")
            entries = changes[-1]["entries"]
            self.bind(("changes", len(changes) - 1, "entries", len(entries)), row, "修订记录")
            entries.append(_model_values(row))
        return changes

    def pairs_sheet(self, sheet: str, fields: tuple[Col, ...], loc: Loc) -> dict[str, Any]:
        rows = self.rows_of(sheet)
        return {} if rows is None else self.pairs(sheet, fields, rows, loc)

    def bands(self, rows: list[_Row]) -> dict[str, Any]:
        bands: list[dict[str, Any]] = []
        fallback: dict[str, Any] | None = None
        fallback_row = 0
        for row in rows:
            values = _model_values(row)
            if row.get("kind") == "fallback":
                if fallback is not None:
                    self.add(
                        row.place("kind"), f"只能有一个兜底等级（第 {fallback_row} 行已是兜底）"
                    )
                    continue
                fallback, fallback_row = values, row.number
                self.bind(("grade_rule", "fallback"), row, "兜底等级")
            else:
                self.bind(("grade_rule", "bands", len(bands)), row, "等级分档")
                bands.append(values)
        self.places[("grade_rule", "bands")] = (
            _Place(GRADE, f"第 {rows[0].number} 行起（等级分档）", rows[0].number)
            if rows
            else _Place(GRADE, "等级分档表", 10**9)
        )
        self.places.setdefault(("grade_rule", "fallback"), _Place(GRADE, "兜底等级行", 10**9))
        return {"bands": bands} if fallback is None else {"bands": bands, "fallback": fallback}

    def classes(self, rows: list[_Row]) -> dict[str, Any]:
        limits: dict[str, Any] = {}
        first_row: dict[str, int] = {}
        for row in rows:
            kind = row.get("kind")
            if kind is None:
                if "kind" not in row.bad:
                    self.add(row.place("kind"), "缺少班型")
                continue
            if kind in limits:
                self.add(row.place("kind"), f"班型重复（第 {first_row[kind]} 行已填写）")
                continue
            first_row[kind] = row.number
            self.bind(("check_parameters", "class_limits", kind), row, CLASS_KIND_LABELS[kind])
            limits[kind] = _model_values(row)
        return limits

    def tree(self) -> list[dict[str, Any]]:
        """Dimensions, items, indicators and levels, linked by the ids in their rows."""
        dim_rows = self.sheet_table(DIMS, DIM_COLS)
        item_rows = self.sheet_table(ITEMS, ITEM_COLS)
        ind_rows = self.sheet_table(INDS, IND_COLS)
        level_rows = self.sheet_table(LEVELS, LEVEL_COLS)

        dims: list[dict[str, Any]] = []
        dim_at: dict[str, tuple[int, dict[str, Any], _Row]] = {}
        for row in dim_rows:
            ident = row.get("id")
            if ident is not None and ident in dim_at:
                # Ids link the sheets, so a second row with the same id would be ambiguous.
                self.add(
                    row.place("id"), f"维度编号 {ident} 重复（第 {dim_at[ident][2].number} 行）"
                )
                continue
            loc: Loc = ("dimensions", len(dims))
            self.bind(loc, row, f"维度 {ident or ''}".strip())
            dim = {**_model_values(row), "items": []}
            self.places[(*loc, "items")] = _Place(ITEMS, f"维度 {ident} 的项目", 10**9)
            if ident is not None:
                dim_at[ident] = (len(dims), dim, row)
            dims.append(dim)

        item_at: dict[str, tuple[Loc, dict[str, Any], _Row]] = {}
        dropped: set[str] = set()
        for row in item_rows:
            ident = row.get("id")
            if ident is not None and ident in item_at:
                self.add(
                    row.place("id"), f"项目编号 {ident} 重复（第 {item_at[ident][2].number} 行）"
                )
                continue
            parent = self.parent(row, "dimension", dim_at, DIMS)
            if parent is None:
                if ident is not None:
                    dropped.add(ident)
                continue
            d, dim, _ = parent
            loc = ("dimensions", d, "items", len(dim["items"]))
            self.bind(loc, row, f"项目 {ident or ''}".strip())
            self.places[(*loc, "indicators")] = _Place(INDS, f"项目 {ident} 的指标", 10**9)
            item = {**_model_values(row), "indicators": []}
            dim["items"].append(item)
            if ident is not None:
                item_at[ident] = (loc, item, row)

        by_indicator: dict[str, list[tuple[Loc, dict[str, Any]]]] = {}
        dropped_inds: set[str] = set()
        for row in ind_rows:
            ident = row.get("id")
            parent = self.parent(row, "item", item_at, ITEMS, dropped)
            if parent is None:
                if ident is not None:
                    dropped_inds.add(ident)
                continue
            item_loc, item, _ = parent
            loc = (*item_loc, "indicators", len(item["indicators"]))
            self.bind(loc, row, f"指标 {ident or ''}".strip())
            indicator = self.indicator(row)
            item["indicators"].append(indicator)
            if ident is not None:
                # Duplicate indicator ids stay in the tree: structural_problems reports them.
                by_indicator.setdefault(ident, []).append((loc, indicator))

        self.levels(level_rows, by_indicator, dropped_inds)
        return dims

    def parent(
        self,
        row: _Row,
        key: str,
        known: Mapping[str, Any],
        sheet: str,
        dropped: Collection[str] = (),
    ) -> Any:
        """The parent a row names in column `key`, or None after reporting why there is none."""
        ref = row.get(key)
        if ref is None:
            if key not in row.bad:
                self.add(row.place(key), "缺少所属编号")
            return None
        if ref in known:
            return known[ref]
        if ref not in dropped and sheet not in self.broken:
            self.add(row.place(key), f"编号 {ref} 不在「{sheet}」工作表中")
        return None

    def indicator(self, row: _Row) -> dict[str, Any]:
        values = {
            k: v
            for k, v in row.values.items()
            if v is not _BLANK
            and row.columns[k][1].path is not None
            and row.columns[k][1].path[0] != "basic"
        }
        if "basic" in row.bad:
            values["basic"] = row.values["basic"]
        elif row.get("basic"):
            flag: dict[str, Any] = {"note": row.values.get("basic_note", "")}
            for key, name in _BASIC_FLAG_COLUMNS.items():
                value = row.values.get(key, _BLANK)
                if value is not _BLANK:
                    flag[name] = value
            values["basic"] = flag
        else:
            for key in ("basic_note", *_BASIC_FLAG_COLUMNS):
                value = row.values.get(key, _BLANK)
                if value is not _BLANK and not _is_blank(value):
                    self.add(
                        row.place(key), "该指标不是基础指标，此列应留空（或将「基础指标」改为“是”）"
                    )
        return values

    def levels(
        self,
        rows: list[_Row],
        by_indicator: dict[str, list[tuple[Loc, dict[str, Any]]]],
        dropped: set[str],
    ) -> None:
        grouped: dict[str, list[_Row]] = {}
        for row in rows:
            ref = row.get("indicator")
            if ref is None:
                if "indicator" not in row.bad:
                    self.add(row.place("indicator"), "缺少指标编号")
            elif ref in by_indicator:
                grouped.setdefault(ref, []).append(row)
            elif ref not in dropped and INDS not in self.broken:
                self.add(row.place("indicator"), f"编号 {ref} 不在「指标」工作表中")
            if row.get("order") is None and "order" not in row.bad:
                self.add(row.place("order"), "缺少顺序")
        for ident, targets in by_indicator.items():
            level_rows = sorted(
                grouped.get(ident, []),
                key=lambda r: (r.get("order") is None, r.get("order") or 0, r.number),
            )
            first = level_rows[0].number if level_rows else 10**9
            for loc, indicator in targets:
                text = f"指标 {ident} 的评分档次"
                if level_rows:
                    text = f"第 {first} 行起（{text}）"
                self.places[(*loc, "levels")] = _Place(LEVELS, text, first)
                indicator["levels"] = []
                for n, row in enumerate(level_rows):
                    self.bind((*loc, "levels", n), row, f"指标 {ident} 的评分档次")
                    indicator["levels"].append(_model_values(row))

    # -- validation ---------------------------------------------------------------------------

    def finish(self, data: dict[str, Any], source: str) -> LoadedRubric:
        rubric: Rubric | None = None
        if not self.broken:
            try:
                rubric = Rubric.model_validate(data)
            except ValidationError as exc:
                for error in exc.errors(include_url=False):
                    self.report_at(tuple(error["loc"]), translate_error(error))
        if rubric is not None:
            for problem in structural_problems(rubric, ""):
                self.report_at(_parse_path(problem.path), problem.message)
        if self.problems:
            ordered = sorted(self.problems, key=lambda entry: entry[0])
            # Indicators sharing an id share their level rows, and so any problem with them.
            raise ProblemsError(list(dict.fromkeys(problem for _, problem in ordered)))
        assert rubric is not None  # every sheet read, valid and without problems
        return LoadedRubric.of(rubric, source)


def _model_values(row: _Row) -> dict[str, Any]:
    """The row's values that belong to its model object (not the linking columns)."""
    return {
        k: v
        for k, v in row.values.items()
        if v is not _BLANK and row.columns[k][1].path is not None
    }


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _parse_path(path: str) -> Loc:
    """`dimensions[2].items[0].max` → `("dimensions", 2, "items", 0, "max")`."""
    return tuple(int(index) if index else name for name, index in _PATH_PART.findall(path))
