"""Writing a rubric as a workbook a clerk can edit; `xlsx_layout` says what goes where."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assessor.core.problems import UserError
from assessor.core.rubric.model import Rubric
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.rubric.xlsx_ladder import facts_to_cell, when_to_cell
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
    LEVEL_COLS,
    LEVELS,
    NA,
    NA_FIELDS,
    NO,
    PARAM_FIELDS,
    PARAMS,
    README,
    YES,
    Col,
    basis_to_cell,
)
from assessor.core.storage.atomic import atomic_write_bytes
from assessor.core.xlsx_forms.places import cell_text

_KV_HEADERS = ("项目", "值", "说明")

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TEXT_FORMAT = "@"
_TEXT_KINDS = {"text", "id", "date", "choice", "multi", "lines", "basis", "facts", "when"}


def rubric_to_xlsx(rubric: LoadedRubric | Rubric, path: str | Path) -> Path:
    """Write the rubric as a workbook a clerk can edit; returns the path written."""
    model = rubric.rubric if isinstance(rubric, LoadedRubric) else rubric
    data = model.model_dump(mode="json")
    path = Path(path)
    wb = Workbook()
    _write_readme(wb.active)
    _write_pairs(wb.create_sheet(INFO), INFO_FIELDS, data)
    _write_table(wb.create_sheet(DOCS), DOC_COLS, data.get("documents", []))

    rule = data["grade_rule"]
    ws = wb.create_sheet(GRADE)
    _write_pairs(ws, GRADE_FIELDS, rule)
    bands = [{**b, "kind": "band"} for b in rule["bands"]]
    _write_table(ws, BAND_COLS, [*bands, {**rule["fallback"], "kind": "fallback"}], gap=True)

    _write_pairs(wb.create_sheet(NA), NA_FIELDS, data["na_rule"])

    params = data["check_parameters"]
    ws = wb.create_sheet(PARAMS)
    _write_pairs(ws, PARAM_FIELDS, params)
    classes = [{"kind": k, **v} for k, v in params["class_limits"].items()]
    _write_table(ws, CLASS_COLS, classes, gap=True)

    dims, items, inds, levels = [], [], [], []
    for dim in data["dimensions"]:
        dims.append(dim)
        for item in dim["items"]:
            items.append({**item, "dimension": dim["id"]})
            for ind in item["indicators"]:
                basic = ind["basic"] or {}
                inds.append(
                    {
                        **ind,
                        "item": item["id"],
                        "basic": ind["basic"] is not None,
                        "basic_verified": basic.get("verified"),
                        "basic_note": basic.get("note"),
                        "basic_na_allowed": basic.get("na_allowed"),
                        "basic_veto_below": basic.get("veto_below"),
                    }
                )
                levels += [
                    {**lv, "indicator": ind["id"], "order": n}
                    for n, lv in enumerate(ind["levels"], start=1)
                ]
    _write_table(wb.create_sheet(DIMS), DIM_COLS, dims)
    _write_table(wb.create_sheet(ITEMS), ITEM_COLS, items)
    _write_table(wb.create_sheet(INDS), IND_COLS, inds)
    _write_table(wb.create_sheet(LEVELS), LEVEL_COLS, levels)
    changes = [
        {**entry, "version": change["version"], "date": change["date"]}
        for change in data.get("changes", [])
        for entry in change["entries"]
    ]
    _write_table(wb.create_sheet(CHANGES), CHANGE_COLS, changes)

    buffer = io.BytesIO()
    wb.save(buffer)
    try:
        atomic_write_bytes(path, buffer.getvalue())
    except OSError as exc:
        raise UserError(f"无法写入 {path}：{exc.strerror or exc}") from exc
    return path


def _write_readme(ws: Worksheet) -> None:
    ws.title = README
    intro = [
        "评估标准录入表格",
        "本表格与一份评估标准文件（JSON）一一对应：按标准文本（如附录A）或本省细则填写各工作表，"
        "再用一条命令生成评估标准文件，不需要编写程序。",
        "1. 不要修改工作表名称和各表第 1 行的表头；可以增加、删除、调整数据行。",
        "2. 「维度」「项目」「指标」三张表用编号互相对应：项目填所属维度的编号，指标填所属项目的编号；"
        "「评分档次」每行是一个指标的一个得分档，每个指标至少两档，其中一档等于该指标满分。",
        "3. 分值必须对得上：指标满分之和等于项目满分，项目满分之和等于维度满分，"
        "维度满分之和等于「标准信息」中的总分；标为基础指标的行数等于「基础指标数」。",
        "4. 选项可直接输入中文：评估方法（查阅资料、现场查看、访谈、观察、操作演示）、"
        "来源（标准原文、公开资料、拟定）、是/否；多个取值用顿号“、”分隔；证据提示每行一条。",
        "   「依据」列每行一项：「依据文件」表中的编号（有条款时写成 编号：条款），"
        "含本项目自拟内容的加一行「本项目拟定」，最后可加一行「说明：……」。"
        "格式 assessor.rubric/2 要求每个指标和每组核查参数都写明依据。",
        "5. 生成评估标准文件：assessor rubric from-xlsx 本表格.xlsx -o 评估标准.json",
        "   如有问题，会逐条列出工作表、行和列（如「指标」第 12 行 E 列），改正后重新运行即可；"
        "有问题时不会写出文件。",
        "6. 检查生成的文件：assessor rubric check 评估标准.json",
        "",
    ]
    for text in intro:
        ws.append([text])
    ws["A1"].font = Font(bold=True, size=14)
    for row in range(2, len(intro) + 1):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        ws.cell(row, 1).alignment = _WRAP
        ws.row_dimensions[row].height = 32
    header = len(intro) + 1
    ws.append(["工作表", "列或项目", "填写说明"])
    _style_header(ws, header, 3)
    sheets: list[tuple[str, Iterable[Col]]] = [
        (INFO, INFO_FIELDS),
        (DOCS, DOC_COLS),
        (GRADE, GRADE_FIELDS),
        (GRADE, BAND_COLS),
        (NA, NA_FIELDS),
        (PARAMS, PARAM_FIELDS),
        (PARAMS, CLASS_COLS),
        (DIMS, DIM_COLS),
        (ITEMS, ITEM_COLS),
        (INDS, IND_COLS),
        (LEVELS, LEVEL_COLS),
        (CHANGES, CHANGE_COLS),
    ]
    for sheet, cols in sheets:
        for col in cols:
            ws.append([sheet, col.header, col.help])
    for column, width in zip("ABC", (14, 30, 90), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=header + 1):
        for cell in row:
            cell.alignment = _WRAP


def _style_header(ws: Worksheet, row: int, columns: int) -> None:
    for column in range(1, columns + 1):
        cell = ws.cell(row, column)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP


def _write_pairs(ws: Worksheet, fields: Iterable[Col], values: Mapping[str, Any]) -> None:
    """A key/value sheet: one row per field, with its explanation next to the value."""
    ws.append(list(_KV_HEADERS))
    _style_header(ws, 1, len(_KV_HEADERS))
    for row, col in enumerate(fields, start=2):
        ws.cell(row, 1, col.header).alignment = _WRAP
        cell = _set(ws, row, 2, col, values.get(col.key))
        ws.cell(row, 3, col.help).alignment = _WRAP
        _add_choice_list(ws, col, cell.coordinate)
    ws.freeze_panes = "A2"
    for column, width in zip("ABC", (30, 40, 60), strict=True):
        ws.column_dimensions[column].width = width


def _write_table(
    ws: Worksheet, cols: tuple[Col, ...], rows: list[dict[str, Any]], gap: bool = False
) -> None:
    """A table with one header row; with `gap` it goes below a key/value block on the sheet."""
    header = ws.max_row + 2 if gap else 1
    for column, col in enumerate(cols, start=1):
        ws.cell(header, column, col.header)
    _style_header(ws, header, len(cols))
    for offset, values in enumerate(rows, start=1):
        for column, col in enumerate(cols, start=1):
            _set(ws, header + offset, column, col, values.get(col.key))
    if not gap:
        ws.freeze_panes = "B2"
    for column, col in enumerate(cols, start=1):
        letter = get_column_letter(column)
        # Below a key/value block the first columns are already sized for it; never shrink them.
        width = ws.column_dimensions[letter].width if gap else 0
        ws.column_dimensions[letter].width = max(width or 0, col.width)
        _add_choice_list(ws, col, f"{letter}{header + 1}:{letter}1048576")


def _add_choice_list(ws: Worksheet, col: Col, cells: str) -> None:
    """A drop-down of the Chinese labels; typing something else is still allowed (and checked
    on reading), because the English values are accepted too."""
    if col.kind == "bool":
        labels = [YES, NO]
    elif col.kind == "choice" and col.choices:
        labels = list(col.choices.values())
    else:
        return
    validation = DataValidation(type="list", formula1=f'"{",".join(labels)}"', allow_blank=True)
    validation.showErrorMessage = False
    validation.add(cells)
    ws.add_data_validation(validation)


def _set(ws: Worksheet, row: int, column: int, col: Col, value: Any) -> Cell:
    cell = ws.cell(row, column)
    try:
        cell.value = _to_cell(col, value)
    except IllegalCharacterError as exc:
        raise UserError(
            f"工作表「{ws.title}」{cell_text(row, col.header)}：含有表格文件不能保存的控制字符"
        ) from exc
    if isinstance(cell.value, str):
        # openpyxl stores text starting with "=" as a formula; rubric data is only ever text.
        cell.data_type = "s"
    if col.kind in _TEXT_KINDS:
        # "4.10" typed into a General cell becomes the number 4.1; text cells keep it.
        cell.number_format = _TEXT_FORMAT
    cell.alignment = _WRAP
    return cell


def _to_cell(col: Col, value: Any) -> Any:
    if value is None:
        return None
    if col.kind == "bool":
        return YES if value else NO
    if col.kind == "number":
        return _number_cell(value)
    if col.kind == "choice" and col.choices:
        return col.choices.get(value, value)
    if col.kind == "multi" and col.choices:
        return "、".join(col.choices.get(v, v) for v in value)
    if col.kind == "lines":
        return "\n".join(value)
    if col.kind == "basis":
        return basis_to_cell(value)
    if col.kind == "facts":
        return facts_to_cell(value) or None
    if col.kind == "when":
        return when_to_cell(value) or None
    return value


def _number_cell(value: float) -> float | int | str:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    # openpyxl stores numbers with 16 significant digits; the rare float that needs 17 is
    # stored as its exact text so the round trip keeps the content hash.
    if isinstance(value, float) and float(f"{value:.16g}") != value:
        return repr(value)
    return value
