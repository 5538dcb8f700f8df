"""The empty roster workbook clerks fill in: the columns `parse_roster` reads, and how."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from assessor.core.cycle.roster_model import COLUMNS, OPERATOR_BY_LABEL
from assessor.core.problems import UserError, os_error_text
from assessor.core.storage.atomic import atomic_write_bytes

ROSTER_SHEET = "托育机构名册"
GUIDE_SHEET = "填写说明"
_NOTES = {
    "uscc": "18 位，最后一位为校验位，导入时核对",
    "division_code": "6 位（区县）、9 位或 12 位数字；前 6 位决定所属区县",
    "operator": "、".join(OPERATOR_BY_LABEL),
    "places": "整数",
    "filed_on": "YYYY-MM-DD",
}


def write_roster_template(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = ROSTER_SHEET
    for number, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(1, number, column.title)
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(number)].width = 24
        # Codes typed as numbers lose leading zeros and USCCs become 9.1E+17: keep them text.
        if column.field in ("uscc", "division_code"):
            for row in range(2, 1002):
                sheet.cell(row, number).number_format = "@"
        if column.field == "operator":
            choices = DataValidation(
                type="list", formula1=f'"{",".join(OPERATOR_BY_LABEL)}"', allow_blank=True
            )
            choices.add(f"{get_column_letter(number)}2:{get_column_letter(number)}10000")
            sheet.add_data_validation(choices)
    sheet.freeze_panes = "A2"
    guide = book.create_sheet(GUIDE_SHEET)
    guide.append(["列名", "必填", "也认可的列名", "说明", "示例"])
    for column in COLUMNS:
        guide.append(
            [
                column.title,
                "是" if column.required else "否",
                "、".join(column.aliases),
                _NOTES.get(column.field, ""),
                column.example,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    try:
        atomic_write_bytes(path, buffer.getvalue())
    except OSError as exc:
        raise UserError(f"无法写入 {path}：{os_error_text(exc)}") from exc
    return path
