"""Opening a workbook someone sent us (a rubric, a sample centre), with limits checked before
anything is parsed.

A workbook is a zip of XML files: a small file can declare gigabytes of rows. The zip's
declared sizes and each sheet's declared dimensions are checked first; rows are then streamed
(openpyxl's read-only mode) and counted, since a declaration can lie. A cell holding a formula
whose result Excel never saved comes back as `Formula`, so the reader can say so.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice, zip_longest
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook import Workbook

from assessor.core.problems import Problem, ProblemsError
from assessor.core.safe_input import read_regular_file
from assessor.core.xlsx_forms.places import sheet_problem

# The national rubric's workbook is 70 KB, 0.45 MB unpacked, its largest sheet ~700 rows.
MAX_XLSX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
MAX_ROWS = 10_000
MAX_COLUMNS = 100

_NOT_A_WORKBOOK = "不是有效的 Excel 工作簿（.xlsx），请在 Excel 中另存为 .xlsx"
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
# `<dimension ref="A1:N133"/>` (or a single cell), with or without a namespace prefix.
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*:?\$?([A-Z]{1,3})\$?(\d*)"')
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_OVERLAP = b" " * 32


@dataclass(frozen=True)
class Formula:
    """A formula cell without a saved result (`text` is the formula, e.g. `=SUM(E2:E9)`)."""

    text: str


# What openpyxl raises for a damaged workbook: bad zip, missing parts, malformed XML (ParseError
# is a SyntaxError; expat's entity-amplification guard raises it too), wrong cell content.
_BROKEN = (
    InvalidFileException,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    TypeError,
    OSError,
    EOFError,
    SyntaxError,
)


def _refuse(where: str, message: str) -> ProblemsError:
    return ProblemsError([Problem(where, "", message)])


def _check_zip(raw: bytes, where: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise _refuse(where, f"工作簿内含 {len(entries)} 个部件，超过上限 {MAX_ZIP_ENTRIES}")
        unpacked = sum(entry.file_size for entry in entries)
        if unpacked > MAX_UNPACKED_BYTES:
            raise _refuse(
                where,
                f"工作簿解压后有 {unpacked // (1024 * 1024)} MB，超过上限 "
                f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB；要填写的表格不会这么大",
            )
        for entry in entries:
            if _SHEET_PART.fullmatch(entry.filename):
                _check_sheet_part(archive, entry, where)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _refuse(where, _NOT_A_WORKBOOK) from None


def _check_sheet_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, where: str) -> None:
    """Refuse a worksheet with too many rows before openpyxl sees it: openpyxl walks a whole
    sheet at Python speed just to look for its size when the sheet does not declare one."""
    rows = 0
    tail = b""
    with archive.open(entry) as part:
        while chunk := part.read(1 << 20):
            window = tail + chunk
            if rows == 0 and (declared := _DIMENSION.search(window)):
                last_column, last_row = declared.group(1).decode(), int(declared.group(2) or 1)
                if last_row > MAX_ROWS or column_index_from_string(last_column) > MAX_COLUMNS:
                    raise _part_too_big(where, entry, f"声明的范围到 {last_column}{last_row}")
            # A row tag split between two chunks is counted in the next window only.
            rows += len(_ROW_TAG.findall(window, 0, len(window) - len(_OVERLAP)))
            if rows > MAX_ROWS:
                raise _part_too_big(where, entry, f"超过 {MAX_ROWS} 行")
            tail = window[len(window) - len(_OVERLAP) :]
    rows += len(_ROW_TAG.findall(tail))
    if rows > MAX_ROWS:
        raise _part_too_big(where, entry, f"超过 {MAX_ROWS} 行")


def _part_too_big(where: str, entry: zipfile.ZipInfo, detail: str) -> ProblemsError:
    return _refuse(
        where,
        f"工作表 {entry.filename} 过大（{detail}），上限为 {MAX_ROWS} 行 × {MAX_COLUMNS} 列",
    )


def _open(raw: bytes, where: str, *, values: bool) -> Workbook:
    try:
        # zipfile never returns more than an entry's declared size, so _check_zip bounds this.
        return load_workbook(io.BytesIO(raw), read_only=True, data_only=values)
    except _BROKEN:
        raise _refuse(where, _NOT_A_WORKBOOK) from None


class SafeWorkbook:
    """The sheets of a workbook as rows of cell values, each sheet within the row limits."""

    def __init__(self, path: Path) -> None:
        self.where = path.name
        raw = read_regular_file(path, MAX_XLSX_BYTES, self.where)
        _check_zip(raw, self.where)
        self._values = _open(raw, self.where, values=True)
        self._formulas = _open(raw, self.where, values=False)
        self.sheetnames: list[str] = list(self._values.sheetnames)

    def rows(self, sheet: str) -> list[tuple[Any, ...]]:
        """The sheet's rows; a formula without a saved result is a `Formula`."""
        values, formulas = self._values[sheet], self._formulas[sheet]
        # Streamed rows stop at the declared range; a range smaller than the data would hide rows.
        values.reset_dimensions()
        formulas.reset_dimensions()
        pairs = zip_longest(
            self._limited(sheet, values.iter_rows(values_only=True)),
            self._limited(sheet, formulas.iter_rows(values_only=True)),
            fillvalue=(),
        )
        try:
            return [_with_formulas(value_row, formula_row) for value_row, formula_row in pairs]
        except _BROKEN:
            raise ProblemsError([sheet_problem(self.where, sheet, "", _NOT_A_WORKBOOK)]) from None

    def _limited(self, sheet: str, rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        for number, row in enumerate(islice(rows, MAX_ROWS + 1), start=1):
            if number > MAX_ROWS:
                raise self._too_big(sheet, f"超过 {MAX_ROWS} 行")
            if len(row) > MAX_COLUMNS:
                raise self._too_big(sheet, f"第 {number} 行超过 {MAX_COLUMNS} 列")
            yield row

    def _too_big(self, sheet: str, detail: str) -> ProblemsError:
        message = f"表格过大（{detail}），上限为 {MAX_ROWS} 行 × {MAX_COLUMNS} 列"
        return ProblemsError([sheet_problem(self.where, sheet, "", message)])

    def close(self) -> None:
        self._values.close()
        self._formulas.close()


def _with_formulas(values: tuple[Any, ...], formulas: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(
        Formula(formula)
        if value is None and isinstance(formula, str) and formula.startswith("=")
        else value
        for value, formula in zip_longest(values, formulas)
    )
