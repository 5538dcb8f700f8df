"""Turning one spreadsheet cell into a typed value, or a Chinese reason why not.

Cells come from Excel as text, numbers or dates, and from CSV always as text; both are
accepted in the forms clerks type (`2025/3/18`, `2025年3月18日`, `80.0`).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from assessor.core.xlsx_forms.workbook import Formula


class CellProblem(ValueError):
    """The cell's value cannot be used; the message is Chinese."""


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def text(value: Any) -> str:
    """The cell as text; whole numbers written without `.0` (Excel stores codes as numbers)."""
    if value is None:
        return ""
    if isinstance(value, Formula):
        raise CellProblem(f"单元格是没有保存结果的公式 {value.text}，请在 Excel 中重新计算并保存")
    if isinstance(value, bool):
        raise CellProblem("应为文字，不是 是/否")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        raise CellProblem("应为文字或数字，不是日期")
    return str(value).strip()


def whole_number(value: Any) -> int | None:
    written = text(value)
    if not written:
        return None
    try:
        number = Decimal(written)
    except InvalidOperation:
        raise CellProblem(f"应为整数，实际为「{written[:20]}」") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise CellProblem(f"应为整数，实际为「{written[:20]}」")
    return int(number)


def date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    written = text(value)
    if not written:
        return None
    match = _DATE.match(written)
    if not match:
        raise CellProblem(f"日期格式应为 YYYY-MM-DD，实际为「{written[:20]}」")
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellProblem(f"日期不存在：{written}（请检查月份和日期）") from None
