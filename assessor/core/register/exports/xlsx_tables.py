"""Sheet names and the table look every sheet of the workbook shares."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

SHEET_NAME_LIMIT = 31
_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def sheet_name(text: str) -> str:
    """Excel refuses sheet names over 31 characters or with any of []:*?/\\."""
    return text.translate(_SHEET_FORBIDDEN)[:SHEET_NAME_LIMIT]


def table_sheet(book: Workbook, title: str, header: list[str]) -> WriteOnlyWorksheet:
    """A sheet whose header row stays in view; a streamed sheet must freeze before any row."""
    sheet = book.create_sheet(sheet_name(title))
    sheet.freeze_panes = "A2"
    sheet.append(header)
    return sheet


def finish_table(sheet: WriteOnlyWorksheet, columns: int, rows: int) -> None:
    """A filter over the header and the `rows` data rows below it."""
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(columns, 1))}{rows + 1}"
