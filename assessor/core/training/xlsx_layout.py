"""The layout of a sample centre workbook, shared by `xlsx_write` and `xlsx_read`: the sheet
names, and for each sheet its rows (key/value sheets) or columns (tables) with header, help
text, kind, and the Chinese labels a trainer types for coded values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from assessor.core.assessment.model import (
    CARE_TYPE_LABELS,
    CENTRE_KIND_LABELS,
    OPERATOR_LABELS,
    STAFF_LABELS,
)
from assessor.core.vocabulary import CLASS_KIND_LABELS

README = "说明"
INFO = "样例信息"
CENTRE = "机构概况"
CLASSES = "班级"
DOSSIER = "档案"
SHEET_ORDER = (README, INFO, CENTRE, CLASSES, DOSSIER)

YES, NO = "是", "否"
KV_HEADERS = ("项目", "值", "说明")

Kind = Literal["text", "id", "number", "bool", "date", "choice", "multi"]

MODE_LABELS = {"practice": "练习", "test": "测验"}
DIFFICULTY_LABELS = {"easy": "容易", "medium": "中等", "hard": "较难"}


@dataclass(frozen=True)
class Field:
    """One row of a key/value sheet or one column of a table.

    `path` is where the value sits in the sample (or in one row's object); None marks a column
    written for the trainer's information only and ignored when reading."""

    path: tuple[str, ...] | None
    header: str
    help: str
    kind: Kind = "text"
    choices: Mapping[str, str] | None = None
    width: int = 14


INFO_FIELDS = (
    Field(("format",), "格式版本", "固定为 assessor.sample/1，不要修改"),
    Field(("id",), "编号", "小写字母、数字和连字符，如 gulou-public-a", "id"),
    Field(("title",), "名称", "样例在列表中显示的名称"),
    Field(
        ("mode",),
        "用途",
        "练习：提交后显示参考评分与理由；测验：只显示一致性结果",
        "choice",
        MODE_LABELS,
    ),
    Field(("difficulty",), "难度", "容易、中等、较难", "choice", DIFFICULTY_LABELS),
    Field(("summary",), "简介", "机构概况和本样例的练习重点"),
    Field(("rubric", "code"), "标准编号", "如 WS/T 821—2023"),
    Field(("rubric", "version"), "标准数据版本", "所用评估标准文件的数据版本"),
    Field(
        ("rubric", "sha256"),
        "标准哈希",
        "所用评估标准文件的 SHA-256（assessor rubric check 显示）",
        "id",
    ),
    Field(("visit_date",), "评估日期", "格式 YYYY-MM-DD", "date"),
    Field(("expected_grade",), "参考等级", "按参考评分计算的等级；须与程序计算一致"),
    Field(
        ("expected_total",),
        "参考总分",
        "按参考评分计算的总分（两位小数）；须与程序计算一致",
        "number",
    ),
)

CENTRE_FIELDS = (
    Field(("name",), "机构名称", ""),
    Field(("uscc",), "统一社会信用代码", "18 位，可留空", "id"),
    Field(("address",), "机构地址", ""),
    Field(("division_code",), "行政区划代码", "6 位、9 位或 12 位数字", "id"),
    Field(
        ("kind",),
        "机构类型",
        "、".join(CENTRE_KIND_LABELS.values()),
        "choice",
        {k.value: v for k, v in CENTRE_KIND_LABELS.items()},
    ),
    Field(
        ("operator",),
        "举办类型",
        "、".join(OPERATOR_LABELS.values()) + "；可留空",
        "choice",
        {k.value: v for k, v in OPERATOR_LABELS.items()},
    ),
    Field(
        ("care_types",),
        "托育服务类型",
        "全日托、半日托、计时托、临时托；多个用顿号“、”分隔",
        "multi",
        {k.value: v for k, v in CARE_TYPE_LABELS.items()},
    ),
    Field(("places",), "登记托位数", "", "number"),
    Field(("meals_served",), "提供餐食", "是/否", "bool"),
    *(Field(("staff", key), label, "人数", "number") for key, label in STAFF_LABELS.items()),
    Field(("indoor_area_m2",), "室内面积（平方米）", "", "number"),
    Field(("outdoor_area_m2",), "户外面积（平方米）", "", "number"),
    Field(
        ("outdoor_constrained",),
        "户外场地受限",
        "城市人口密集地区改、扩建，设置户外场地确有困难的填“是”（户外面积按较低下限核查）",
        "bool",
    ),
)

CLASS_COLS = (
    Field(("name",), "名称", "班级名称，如 小芽班", width=14),
    Field(
        ("kind",),
        "班型",
        "乳儿班、托小班、托大班、混龄班",
        "choice",
        {k.value: v for k, v in CLASS_KIND_LABELS.items()},
        width=10,
    ),
    Field(("children",), "婴幼儿人数", "", "number", width=12),
    Field(("carers",), "保育人员数", "", "number", width=12),
    Field(
        ("room_m2",),
        "活动用房面积（平方米）",
        "本班活动用房（乳儿班为活动区）面积；可留空",
        "number",
        width=14,
    ),
)

DOSSIER_COLS = (
    Field(("indicator",), "指标编号", "评估标准中的条款号，如 9.4.3；每项指标一行", "id", width=10),
    Field(None, "指标名称", "仅供参考，读取时忽略", width=20),
    Field(None, "可选分值", "仅供参考，读取时忽略", width=10),
    Field(
        ("found",),
        "现场发现",
        "评估当天查到的资料、看到的情况、工作人员和家长的说法；不要照抄评分标准",
        width=60,
    ),
    Field(
        ("reference", "score"),
        "参考分值",
        "评估标准允许的分值之一；不适用时留空",
        "number",
        width=10,
    ),
    Field(
        ("reference", "na"),
        "不适用",
        "是/否；只有评估标准允许不适用的指标可填“是”",
        "bool",
        width=8,
    ),
    Field(("reference", "rationale"), "评分理由", "为什么是这一档，引用现场发现", width=40),
)
