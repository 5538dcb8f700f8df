"""A rubric as an Excel workbook and back, so a commission can type its printed 附录A (or its
province's 细则) into a spreadsheet and turn it into a rubric file without writing code.

The workbook holds exactly the data of the rubric file, nothing more and nothing less, so
`rubric_from_xlsx(rubric_to_xlsx(r, path)).sha256 == r.sha256`. Reading goes through the same
pydantic models and the same `structural_problems` as a JSON file; every problem is reported
at once and points at a sheet, row and column rather than at a JSON path.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError, InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from assessor.core.assessment.model import CLASS_KIND_LABELS
from assessor.core.problems import Problem, ProblemsError, UserError, format_loc, translate_error
from assessor.core.rubric.model import METHOD_LABELS, CheckId, Rubric, Source
from assessor.core.rubric.validate import LoadedRubric, structural_problems
from assessor.core.storage.atomic import atomic_write_bytes

SOURCE_LABELS: dict[Source, str] = {
    Source.standard: "标准原文",
    Source.secondary: "公开资料",
    Source.drafted: "起草",
}

CHECK_LABELS: dict[CheckId, str] = {
    CheckId.class_size: "班级规模",
    CheckId.carer_ratio: "保育人员配比",
    CheckId.health_staff: "卫生保健人员配备",
    CheckId.indoor_area: "室内面积",
    CheckId.outdoor_area: "室外面积",
    CheckId.home_care: "家庭托育点规模",
}

README = "说明"
INFO = "标准信息"
GRADE = "等级规则"
NA = "不适用规则"
PARAMS = "核查参数"
DIMS = "维度"
ITEMS = "项目"
INDS = "指标"
LEVELS = "评分档次"
_SHEET_ORDER = (README, INFO, GRADE, NA, PARAMS, DIMS, ITEMS, INDS, LEVELS)

_YES, _NO = "是", "否"
_TRUE_WORDS = {_YES, "true", "1"}
_FALSE_WORDS = {_NO, "false", "0"}
# Clerks separate several methods in whatever way their keyboard makes easy.
_SEPARATORS = re.compile(r"[、,，;；/／\s]+")
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")

Kind = Literal["text", "id", "number", "bool", "date", "choice", "multi", "lines"]
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class _Col:
    """One column of a table sheet, or one row of a key/value sheet."""

    key: str
    header: str
    help: str
    kind: Kind = "text"
    # model value → the Chinese label a clerk types; both are accepted when reading
    choices: Mapping[str, str] | None = None
    width: int = 12
    # where the value sits inside the row's model object; None for columns that only link rows
    field: tuple[str, ...] | None = ()
    required: bool = True

    @property
    def path(self) -> tuple[str, ...] | None:
        return None if self.field is None else self.field or (self.key,)


_INFO_FIELDS = (
    _Col("format", "格式版本", "固定为 assessor.rubric/1，不要修改"),
    _Col("code", "标准编号", "如 WS/T 821—2023"),
    _Col("title", "标准名称", "如 托育机构质量评估标准"),
    _Col("version", "数据版本", "本数据文件的版本；每次修改后应更改，如 2024.1"),
    _Col("issuer", "发布单位", "标准或细则的发布机关"),
    _Col("published", "发布日期", "格式 YYYY-MM-DD", "date"),
    _Col("effective", "实施日期", "格式 YYYY-MM-DD", "date"),
    _Col("notes", "备注", "数据来源、未核实内容等说明", required=False),
    _Col("total", "总分", "必须等于各维度满分之和", "number"),
    _Col("basic_count", "基础指标数", "必须等于「指标」表中标为基础指标的行数", "number"),
)

_GRADE_FIELDS = (
    _Col("verified", "已核实", "等级规则是否已与标准原文或属地细则核对（是/否）", "bool"),
    _Col("veto_grade", "否决后等级", "任一基础指标未达标时，等级最高为此（须是下表中的等级）"),
    _Col(
        "veto_unmet_below",
        "基础指标未达标判定",
        "固定为「低于满分」：基础指标得分低于满分即为未达标",
        "choice",
        {"max": "低于满分"},
        required=False,
    ),
    _Col("notice", "未核实提示", "等级规则未核实时，随等级一起显示的提示"),
    _Col("text", "规则说明", "等级规则的中文表述，显示在报告中"),
)

_BAND_KINDS = {"band": "分档", "fallback": "兜底"}
_BAND_COLS = (
    _Col("grade", "等级", "等级代号，如 A", "id", width=10),
    _Col("label", "名称", "等级名称，如 优秀", width=16),
    _Col("min_total", "最低总分", "达到该等级所需的最低总分（含）", "number", width=12),
    _Col(
        "kind",
        "类型",
        "「分档」按最低总分从高到低排列；最后一行「兜底」是总分低于所有分档时的等级",
        "choice",
        _BAND_KINDS,
        width=10,
        field=None,
        required=False,
    ),
)

_NA_FIELDS = (
    _Col(
        "method",
        "折算方法",
        "固定为「按维度折算」：不适用的指标不计分，所在维度按比例折算",
        "choice",
        {"rescale_dimension": "按维度折算"},
        required=False,
    ),
    _Col("text", "规则说明", "不适用时如何计分的中文表述"),
)

_PARAM_FIELDS = (
    _Col(
        "health_fulltime_from_children",
        "需专职卫生保健人员的收托人数",
        "收托人数达到此数时至少配备一名专职卫生保健人员",
        "number",
    ),
    _Col("health_verified", "卫生保健参数已核实", "是/否", "bool"),
    _Col("indoor_m2_per_child", "生均室内面积（平方米）", "每名婴幼儿室内使用面积下限", "number"),
    _Col("outdoor_m2_per_child", "生均室外面积（平方米）", "每名婴幼儿室外活动面积下限", "number"),
    _Col("area_verified", "面积参数已核实", "是/否", "bool"),
    _Col("home_care_max_children", "家庭托育点最多收托人数", "超过此数须登记为托育机构", "number"),
    _Col(
        "home_care_children_per_carer",
        "家庭托育点每名照护人员最多照护人数",
        "照护人员与婴幼儿的配比上限",
        "number",
    ),
    _Col("home_care_verified", "家庭托育参数已核实", "是/否", "bool"),
)

_CLASS_COLS = (
    _Col(
        "kind",
        "班型",
        "乳儿班、托小班、托大班、混龄班",
        "choice",
        {k.value: v for k, v in CLASS_KIND_LABELS.items()},
        width=10,
        field=None,
    ),
    _Col("label", "名称", "显示用名称，如 乳儿班（6—12个月）", width=24),
    _Col("max_children", "每班最多人数", "", "number", width=14),
    _Col(
        "children_per_carer",
        "每名保育人员最多照护人数",
        "没有全国数字时留空",
        "number",
        width=14,
        required=False,
    ),
    _Col("verified", "已核实", "是/否", "bool", width=10),
)

_DIM_COLS = (
    _Col("id", "编号", "章号，如 4", "id", width=8),
    _Col("name", "名称", "评估维度名称，如 办托条件", width=20),
    _Col("max", "满分", "必须等于该维度各项目满分之和", "number", width=10),
)

_ITEM_COLS = (
    _Col("id", "编号", "条号，如 4.1；须以所属维度编号开头", "id", width=10),
    _Col("dimension", "所属维度", "「维度」表中的编号", "id", width=10, field=None),
    _Col("name", "名称", "评估项目名称", width=24),
    _Col("max", "满分", "必须等于该项目各指标满分之和", "number", width=10),
)

_IND_COLS = (
    _Col("id", "编号", "条款号，如 9.4.3；须以所属项目编号开头", "id", width=10),
    _Col("item", "所属项目", "「项目」表中的编号", "id", width=10, field=None),
    _Col("short", "短名称", "报告和列表中用的短名称，不超过 40 字", width=18),
    _Col("text", "指标内容", "评估内容（指标原文）", width=48),
    _Col("max", "满分", "本指标满分", "number", width=8),
    _Col(
        "methods",
        "评估方法",
        "查阅资料、现场查看、访谈、观察、操作演示；多个用顿号“、”分隔",
        "multi",
        {m.value: label for m, label in METHOD_LABELS.items()},
        width=16,
    ),
    _Col(
        "basic",
        "基础指标",
        "是否为基础指标（一票否决）：是/否",
        "bool",
        width=10,
        field=("basic",),
        required=False,
    ),
    _Col(
        "basic_verified",
        "基础指标已核实",
        "仅基础指标填写：该指标为基础指标是否已核实（是/否）",
        "bool",
        width=10,
        field=("basic", "verified"),
        required=False,
    ),
    _Col(
        "basic_note",
        "基础指标说明",
        "仅基础指标填写",
        width=20,
        field=("basic", "note"),
        required=False,
    ),
    _Col(
        "na_allowed", "可不适用", "是否允许评为“不适用”（是/否）", "bool", width=10, required=False
    ),
    _Col("na_condition", "不适用条件", "可不适用时必须写明条件", width=20, required=False),
    _Col(
        "evidence_hints",
        "证据提示",
        "需查看的资料或现场，每行一条",
        "lines",
        width=30,
        required=False,
    ),
    _Col(
        "checks",
        "计算核查",
        "与本指标相关的自动核查："
        + "、".join(CHECK_LABELS.values())
        + "；多个用顿号“、”分隔，可留空",
        "multi",
        {c.value: label for c, label in CHECK_LABELS.items()},
        width=16,
        required=False,
    ),
    _Col(
        "source",
        "来源",
        "标准原文、公开资料 或 起草（不是照抄标准原文的文字填「起草」）",
        "choice",
        {s.value: label for s, label in SOURCE_LABELS.items()},
        width=10,
    ),
)

_LEVEL_COLS = (
    _Col("indicator", "指标编号", "「指标」表中的编号", "id", width=10, field=None),
    _Col("order", "顺序", "同一指标内各档的排列顺序：1、2、3……", "number", width=8, field=None),
    _Col("points", "分值", "该档得分；其中一档必须等于指标满分，分值不得重复", "number", width=8),
    _Col("label", "档次名称", "如 符合、部分符合、不符合", width=14),
    _Col("criterion", "评分标准", "得到该分值需要满足什么", width=60),
)

_KV_HEADERS = ("项目", "值", "说明")

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TEXT_FORMAT = "@"
_TEXT_KINDS = {"text", "id", "date", "choice", "multi", "lines"}


# ---------------------------------------------------------------------------------------------
# Writing


def rubric_to_xlsx(rubric: LoadedRubric | Rubric, path: str | Path) -> Path:
    """Write the rubric as a workbook a clerk can edit; returns the path written."""
    model = rubric.rubric if isinstance(rubric, LoadedRubric) else rubric
    data = model.model_dump(mode="json")
    path = Path(path)
    wb = Workbook()
    _write_readme(wb.active)
    _write_pairs(wb.create_sheet(INFO), _INFO_FIELDS, data)

    rule = data["grade_rule"]
    ws = wb.create_sheet(GRADE)
    _write_pairs(ws, _GRADE_FIELDS, rule)
    bands = [{**b, "kind": "band"} for b in rule["bands"]]
    _write_table(ws, _BAND_COLS, [*bands, {**rule["fallback"], "kind": "fallback"}], gap=True)

    _write_pairs(wb.create_sheet(NA), _NA_FIELDS, data["na_rule"])

    params = data["check_parameters"]
    ws = wb.create_sheet(PARAMS)
    _write_pairs(ws, _PARAM_FIELDS, params)
    classes = [{"kind": k, **v} for k, v in params["class_limits"].items()]
    _write_table(ws, _CLASS_COLS, classes, gap=True)

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
                    }
                )
                levels += [
                    {**lv, "indicator": ind["id"], "order": n}
                    for n, lv in enumerate(ind["levels"], start=1)
                ]
    _write_table(wb.create_sheet(DIMS), _DIM_COLS, dims)
    _write_table(wb.create_sheet(ITEMS), _ITEM_COLS, items)
    _write_table(wb.create_sheet(INDS), _IND_COLS, inds)
    _write_table(wb.create_sheet(LEVELS), _LEVEL_COLS, levels)

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
        "来源（标准原文、公开资料、起草）、是/否；多个取值用顿号“、”分隔；证据提示每行一条。",
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
    sheets: list[tuple[str, Iterable[_Col]]] = [
        (INFO, _INFO_FIELDS),
        (GRADE, _GRADE_FIELDS),
        (GRADE, _BAND_COLS),
        (NA, _NA_FIELDS),
        (PARAMS, _PARAM_FIELDS),
        (PARAMS, _CLASS_COLS),
        (DIMS, _DIM_COLS),
        (ITEMS, _ITEM_COLS),
        (INDS, _IND_COLS),
        (LEVELS, _LEVEL_COLS),
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


def _write_pairs(ws: Worksheet, fields: Iterable[_Col], values: Mapping[str, Any]) -> None:
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
    ws: Worksheet, cols: tuple[_Col, ...], rows: list[dict[str, Any]], gap: bool = False
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


def _add_choice_list(ws: Worksheet, col: _Col, cells: str) -> None:
    """A drop-down of the Chinese labels; typing something else is still allowed (and checked
    on reading), because the English values are accepted too."""
    if col.kind == "bool":
        labels = [_YES, _NO]
    elif col.kind == "choice" and col.choices:
        labels = list(col.choices.values())
    else:
        return
    validation = DataValidation(type="list", formula1=f'"{",".join(labels)}"', allow_blank=True)
    validation.showErrorMessage = False
    validation.add(cells)
    ws.add_data_validation(validation)


def _set(ws: Worksheet, row: int, column: int, col: _Col, value: Any) -> Cell:
    cell = ws.cell(row, column)
    try:
        cell.value = _to_cell(col, value)
    except IllegalCharacterError as exc:
        raise UserError(
            f"工作表「{ws.title}」第 {row} 行 {get_column_letter(column)} 列（{col.header}）"
            "含有表格文件不能保存的控制字符"
        ) from exc
    if isinstance(cell.value, str):
        # openpyxl stores text starting with "=" as a formula; rubric data is only ever text.
        cell.data_type = "s"
    if col.kind in _TEXT_KINDS:
        # "4.10" typed into a General cell becomes the number 4.1; text cells keep it.
        cell.number_format = _TEXT_FORMAT
    cell.alignment = _WRAP
    return cell


def _to_cell(col: _Col, value: Any) -> Any:
    if value is None:
        return None
    if col.kind == "bool":
        return _YES if value else _NO
    if col.kind == "number":
        return _number_cell(value)
    if col.kind == "choice" and col.choices:
        return col.choices.get(value, value)
    if col.kind == "multi" and col.choices:
        return "、".join(col.choices.get(v, v) for v in value)
    if col.kind == "lines":
        return "\n".join(value)
    return value


def _number_cell(value: float) -> float | int | str:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    # openpyxl stores numbers with 16 significant digits; the rare float that needs 17 is
    # stored as its exact text so the round trip keeps the content hash.
    if isinstance(value, float) and float(f"{value:.16g}") != value:
        return repr(value)
    return value


# ---------------------------------------------------------------------------------------------
# Reading


def rubric_from_xlsx(path: str | Path) -> LoadedRubric:
    """Read a workbook written by `rubric_to_xlsx` (and edited by a clerk) into a rubric.

    Raises ProblemsError listing every problem, each naming the sheet, row and column.
    """
    path = Path(path)
    try:
        wb = load_workbook(path, data_only=True)
    except FileNotFoundError as exc:
        raise ProblemsError([Problem(path.name, "", "文件不存在")]) from exc
    except OSError as exc:
        raise ProblemsError([Problem(path.name, "", f"无法读取文件：{exc.strerror}")]) from exc
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ProblemsError(
            [Problem(path.name, "", "不是有效的 Excel 工作簿（.xlsx），请在 Excel 中另存为 .xlsx")]
        ) from exc
    reader = _Reader(path.name, wb)
    data = reader.read()
    return reader.finish(data, str(path))


class _CellError(Exception):
    """A cell whose content cannot be what its column asks for; the message is Chinese."""


_BLANK = object()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number_text(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _from_cell(col: _Col, raw: Any) -> Any:
    """The model value for a cell; `_BLANK` leaves the key out so defaults and 'missing' apply."""
    kind = col.kind
    if kind == "text":
        if raw is None:
            return ""
        if isinstance(raw, bool):
            return _YES if raw else _NO
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
    return _choice(col, str(raw))


def _number(raw: Any) -> int | float:
    if isinstance(raw, bool):
        raise _CellError(f"应为数字，而不是「{_YES if raw else _NO}」")
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


def _choice(col: _Col, raw: str) -> str:
    text = raw.strip()
    choices = col.choices or {}
    if text in choices:
        return text
    for value, label in choices.items():
        if text == label:
            return value
    raise _CellError(f"「{text}」不是可选的取值；应为 {'、'.join(choices.values())} 之一")


@dataclass(frozen=True)
class _Place:
    """Where in the workbook a value came from, as shown to the clerk."""

    sheet: str
    text: str
    row: int = 0
    column: int = 0

    def sort_key(self) -> tuple[int, int, int]:
        return (_SHEET_ORDER.index(self.sheet), self.row, self.column)


@dataclass
class _Row:
    """One non-blank data row: converted values by column key, and where each came from."""

    sheet: str
    number: int
    values: dict[str, Any]
    columns: dict[str, tuple[int, _Col]]
    bad: set[str] = field(default_factory=set)

    def place(self, key: str) -> _Place:
        column, col = self.columns[key]
        letter = get_column_letter(column)
        return _Place(
            self.sheet, f"第 {self.number} 行 {letter} 列（{col.header}）", self.number, column
        )

    def row_place(self, what: str) -> _Place:
        return _Place(self.sheet, f"第 {self.number} 行（{what}）", self.number)

    def get(self, key: str) -> Any:
        """The value if present and well-formed, else None (its problem is already reported)."""
        value = self.values.get(key, _BLANK)
        return None if value is _BLANK or key in self.bad else value


class _Reader:
    """Reads every sheet, collecting problems, and builds the rubric's JSON data."""

    def __init__(self, file: str, wb: Workbook) -> None:
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
        where = f"{self.file} 工作表「{place.sheet}」"
        self.problems.append((place.sort_key(), Problem(where, place.text, message)))

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
        if sheet not in self.wb.sheetnames:
            self.sheet_problem(sheet, "缺少这个工作表")
            self.broken.add(sheet)
            return None
        return list(self.wb[sheet].iter_rows(values_only=True))

    def split(
        self, sheet: str, fields: tuple[_Col, ...], cols: tuple[_Col, ...], loc: Loc
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
        self, sheet: str, fields: tuple[_Col, ...], rows: list[tuple[Any, ...]], loc: Loc
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
                    self.add(_Place(sheet, f"第 {number} 行 A 列", number, 1), "缺少项目名称")
                continue
            col = by_name.get(name)
            if col is None:
                self.add(
                    _Place(sheet, f"第 {number} 行 A 列", number, 1), f"不认识的项目「{name}」"
                )
                continue
            if col.key in seen:
                self.add(
                    _Place(sheet, f"第 {number} 行 A 列", number, 1),
                    f"「{col.header}」重复（第 {seen[col.key]} 行已填写）",
                )
                continue
            seen[col.key] = number
            place = _Place(sheet, f"第 {number} 行 B 列（{col.header}）", number, 2)
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
        self, sheet: str, cols: tuple[_Col, ...], rows: list[tuple[Any, ...]], header: int = 1
    ) -> list[_Row]:
        """Data rows of a table whose header is at row `header`; columns are found by name."""
        by_name = {name: col for col in cols for name in (col.header, col.key)}
        columns: dict[str, tuple[int, _Col]] = {}
        head = rows[header - 1] if len(rows) >= header else ()
        for column, title in enumerate(head, start=1):
            name = _cell_text(title)
            if not name:
                continue
            place = _Place(sheet, f"第 {header} 行 {get_column_letter(column)} 列", header, column)
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
                _Place(sheet, f"第 {header} 行（表头）", header),
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

    def sheet_table(self, sheet: str, cols: tuple[_Col, ...]) -> list[_Row]:
        rows = self.rows_of(sheet)
        return [] if rows is None else self.table(sheet, cols, rows)

    # -- building the rubric data -------------------------------------------------------------

    def read(self) -> dict[str, Any]:
        data = self.pairs_sheet(INFO, _INFO_FIELDS, ())
        rule, band_rows = self.split(GRADE, _GRADE_FIELDS, _BAND_COLS, ("grade_rule",))
        data["grade_rule"] = {**rule, **self.bands(band_rows)}
        data["na_rule"] = self.pairs_sheet(NA, _NA_FIELDS, ("na_rule",))
        params, class_rows = self.split(PARAMS, _PARAM_FIELDS, _CLASS_COLS, ("check_parameters",))
        data["check_parameters"] = {**params, "class_limits": self.classes(class_rows)}
        data["dimensions"] = self.tree()
        return data

    def pairs_sheet(self, sheet: str, fields: tuple[_Col, ...], loc: Loc) -> dict[str, Any]:
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
        dim_rows = self.sheet_table(DIMS, _DIM_COLS)
        item_rows = self.sheet_table(ITEMS, _ITEM_COLS)
        ind_rows = self.sheet_table(INDS, _IND_COLS)
        level_rows = self.sheet_table(LEVELS, _LEVEL_COLS)

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
            verified = row.values.get("basic_verified", _BLANK)
            if verified is not _BLANK:
                flag["verified"] = verified
            values["basic"] = flag
        else:
            for key in ("basic_verified", "basic_note"):
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
