"""Reading a table the commission keeps (roster, teams) from .xlsx or .csv, within limits.

Both give the same thing: a `Table` of raw cell values with the name shown in messages
(the sheet's name, or the CSV file's). Workbooks go through the rubric's limited opener (zip
and row limits checked before parsing); `_workbook_sheets` is the one place that calls it.
CSV files are read whole within a byte limit, decoded as UTF-8 (with or without BOM) or, as
Excel in Chinese saves them, GBK (read as its superset GB 18030).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assessor.core.problems import UserError
from assessor.core.safe_input import read_regular_file
from assessor.core.xlsx_forms.places import cell_text, row_text
from assessor.core.xlsx_forms.workbook import MAX_COLUMNS, MAX_ROWS, SafeWorkbook

MAX_CSV_BYTES = 10 * 1024 * 1024
# Messages beyond this many are summarised: a wrong file can have 10,000 bad rows.
MAX_SHOWN = 50
# csv's own field limit is 128 KiB; no cell of a roster comes near 4 KiB.
MAX_CSV_FIELD = 4096


@dataclass(frozen=True)
class Table:
    """Rows of cell values; `rows[0]` is line/row 1 of the sheet or file."""

    name: str
    rows: list[tuple[Any, ...]]
    is_sheet: bool

    def place(self, row_number: int) -> str:
        return f"{self._where()}{row_text(row_number)}"

    def cell(self, row_number: int, header: str) -> str:
        """`工作表「名册」第 12 行「统一社会信用代码」列`, in the form of every workbook's errors."""
        return f"{self._where()}{cell_text(row_number, header)}"

    def _where(self) -> str:
        return f"工作表「{self.name}」" if self.is_sheet else f"文件「{self.name}」"


class TableProblems(UserError):
    """Every bad cell of a table the commission sent; nothing of it was taken."""

    def __init__(self, what: str, source: str, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        shown = self.problems[:MAX_SHOWN]
        lines = [f"{what} {source} 有 {len(self.problems)} 处错误，未导入任何内容：", *shown]
        if len(self.problems) > len(shown):
            lines.append(f"……另有 {len(self.problems) - len(shown)} 处错误未列出")
        super().__init__("\n".join(lines))


def _workbook_sheets(path: Path) -> list[Table]:
    """Adapter over the limited workbook opener: every sheet as a Table."""
    book = SafeWorkbook(path)
    try:
        return [Table(name, book.rows(name), True) for name in book.sheetnames]
    finally:
        book.close()


def _decode(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise UserError(f"{where}：无法识别文字编码，请另存为 UTF-8 或 GBK 编码的 CSV") from None


def _csv_table(path: Path) -> Table:
    raw = read_regular_file(path, MAX_CSV_BYTES, f"文件 {path.name}")
    text = _decode(raw, f"文件 {path.name}")
    previous = csv.field_size_limit(MAX_CSV_FIELD)
    rows: list[tuple[Any, ...]] = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number > MAX_ROWS:
                raise UserError(f"文件 {path.name} 超过 {MAX_ROWS} 行，超出上限，未导入任何内容")
            if len(row) > MAX_COLUMNS:
                raise UserError(f"文件 {path.name} 第 {number} 行超过 {MAX_COLUMNS} 列")
            rows.append(tuple(row))
    except csv.Error as exc:
        raise UserError(f"文件 {path.name} 不是有效的 CSV（{exc}）") from None
    finally:
        csv.field_size_limit(previous)
    return Table(path.name, rows, False)


def read_tables(path: Path) -> list[Table]:
    """The file's tables: each sheet of a workbook, or the one table of a CSV file."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _workbook_sheets(path)
    if suffix == ".csv":
        return [_csv_table(path)]
    raise UserError(f"不支持的文件类型：{path.name}（请使用 .xlsx 或 .csv）")
