"""Writing a sample centre as a workbook a trainer can edit; `xlsx_layout` says what goes where."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.worksheet import Worksheet

from assessor.core.problems import UserError
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.storage.atomic import atomic_write_bytes
from assessor.core.training.sample import SampleCentre
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
from assessor.core.xlsx_forms.places import cell_text

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TEXT_KINDS = {"text", "id", "date", "choice", "multi"}


def sample_to_xlsx(sample: SampleCentre, path: str | Path, rubric: LoadedRubric | None) -> Path:
    """Write the sample as a workbook; with its rubric, each dossier row also shows the
    indicator's short name and allowed points for the trainer."""
    data = sample.model_dump(mode="json")
    wb = Workbook()
    _write_readme(wb.active)
    _write_pairs(wb.create_sheet(INFO), INFO_FIELDS, data)
    _write_pairs(wb.create_sheet(CENTRE), CENTRE_FIELDS, data["centre"])
    _write_table(wb.create_sheet(CLASSES), CLASS_COLS, data["centre"]["classes"], [])
    info = [_indicator_info(rubric, entry["indicator"]) for entry in data["dossier"]]
    _write_table(wb.create_sheet(DOSSIER), DOSSIER_COLS, data["dossier"], info)
    buffer = io.BytesIO()
    wb.save(buffer)
    path = Path(path)
    try:
        atomic_write_bytes(path, buffer.getvalue())
    except OSError as exc:
        raise UserError(f"无法写入 {path}：{exc.strerror or exc}") from exc
    return path


def _indicator_info(rubric: LoadedRubric | None, indicator: str) -> list[str]:
    ind = rubric.by_id.get(indicator) if rubric else None
    if ind is None:
        return ["", ""]
    return [ind.short, "/".join(f"{lv.points:g}" for lv in ind.levels)]


def _write_readme(ws: Worksheet) -> None:
    ws.title = "说明"
    lines = [
        "培训样例录入表格",
        "本表格与一份培训样例文件（JSON）一一对应：一个虚构的托育机构、每项指标的现场发现和参考评分。",
        "1. 不要修改工作表名称和表头；「档案」表每项指标一行，可以调整行的顺序。",
        "2. 「现场发现」写评估当天查到、看到、听到的具体情况（日期、数字、原话），不要照抄评分标准；"
        "「评分理由」说明为什么是这一档。",
        "3. 「参考分值」填评估标准允许的分值；不适用的指标把「不适用」填“是”、分值留空。",
        "4. 生成样例文件：assessor train from-xlsx 本表格.xlsx -o 样例.json",
        "   有问题时会逐条列出工作表、行和列，不会写出文件；参考等级和总分须与程序计算一致。",
        "",
        "工作表与填写说明：",
    ]
    for text in lines:
        ws.append([text])
    ws["A1"].font = Font(bold=True, size=14)
    sheets: list[tuple[str, Iterable[Field]]] = [
        (INFO, INFO_FIELDS),
        (CENTRE, CENTRE_FIELDS),
        (CLASSES, CLASS_COLS),
        (DOSSIER, DOSSIER_COLS),
    ]
    for sheet, fields in sheets:
        for field in fields:
            ws.append([f"{sheet}：{field.header}", field.help])
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 90


def _style_header(ws: Worksheet, columns: int) -> None:
    for column in range(1, columns + 1):
        cell = ws.cell(1, column)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP
    ws.freeze_panes = "B2"


def _write_pairs(ws: Worksheet, fields: Iterable[Field], data: dict[str, Any]) -> None:
    ws.append(list(KV_HEADERS))
    _style_header(ws, len(KV_HEADERS))
    for row, field in enumerate(fields, start=2):
        ws.cell(row, 1, field.header)
        _set(ws, row, 2, field, _at(data, field.path))
        ws.cell(row, 3, field.help).alignment = _WRAP
    for letter, width in zip("ABC", (22, 60, 50), strict=True):
        ws.column_dimensions[letter].width = width


def _write_table(
    ws: Worksheet, fields: tuple[Field, ...], rows: list[dict[str, Any]], info: list[list[str]]
) -> None:
    ws.append([field.header for field in fields])
    _style_header(ws, len(fields))
    for number, values in enumerate(rows, start=2):
        extra = iter(info[number - 2] if info else ())
        for column, field in enumerate(fields, start=1):
            value = next(extra) if field.path is None else _at(values, field.path)
            _set(ws, number, column, field, value)
    for column, field in enumerate(fields, start=1):
        ws.column_dimensions[get_column_letter(column)].width = field.width


def _at(data: dict[str, Any], path: tuple[str, ...] | None) -> Any:
    value: Any = data
    for key in path or ():
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _set(ws: Worksheet, row: int, column: int, field: Field, value: Any) -> None:
    cell = ws.cell(row, column)
    try:
        cell.value = _to_cell(field, value)
    except IllegalCharacterError as exc:
        raise UserError(
            f"工作表「{ws.title}」{cell_text(row, field.header)}：含有表格文件不能保存的控制字符"
        ) from exc
    if isinstance(cell.value, str):
        # openpyxl stores text starting with "=" as a formula; sample data is only ever text.
        cell.data_type = "s"
    if field.kind in _TEXT_KINDS:
        # "9.10" typed into a General cell becomes the number 9.1; text cells keep it.
        cell.number_format = "@"
    cell.alignment = _WRAP


def _to_cell(field: Field, value: Any) -> Any:
    if value is None:
        return None
    if field.kind == "bool":
        return YES if value else NO
    if field.kind == "choice" and field.choices:
        return field.choices.get(value, value)
    if field.kind == "multi" and field.choices:
        return "、".join(field.choices.get(v, v) for v in value)
    return value
