"""The layout of a rubric workbook, shared by `xlsx_write` and `xlsx_read`: the sheet names,
and for each sheet its columns (or key/value rows) with header, help text, kind and the Chinese
labels a clerk types for coded values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from assessor.core.rubric.model import (
    CHECK_LABELS,
    METHOD_LABELS,
    SOURCE_LABELS,
    CheckId,
    Source,
)
from assessor.core.vocabulary import CLASS_KIND_LABELS

README = "说明"
INFO = "标准信息"
GRADE = "等级规则"
NA = "不适用规则"
PARAMS = "核查参数"
DIMS = "维度"
ITEMS = "项目"
INDS = "指标"
LEVELS = "评分档次"
SHEET_ORDER = (README, INFO, GRADE, NA, PARAMS, DIMS, ITEMS, INDS, LEVELS)

YES, NO = "是", "否"

Kind = Literal["text", "id", "number", "bool", "date", "choice", "multi", "lines"]


@dataclass(frozen=True)
class Col:
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
    # labels that earlier versions wrote → model value; still accepted when reading
    former_labels: Mapping[str, str] | None = None

    @property
    def path(self) -> tuple[str, ...] | None:
        return None if self.field is None else self.field or (self.key,)


INFO_FIELDS = (
    Col("format", "格式版本", "固定为 assessor.rubric/1，不要修改"),
    Col("code", "标准编号", "如 WS/T 821—2023"),
    Col("title", "标准名称", "如 托育机构质量评估标准"),
    Col("version", "数据版本", "本数据文件的版本；每次修改后应更改，如 2024.1"),
    Col("issuer", "发布单位", "标准或细则的发布机关"),
    Col("published", "发布日期", "格式 YYYY-MM-DD", "date"),
    Col("effective", "实施日期", "格式 YYYY-MM-DD", "date"),
    Col("notes", "备注", "数据来源、未核实内容等说明", required=False),
    Col("total", "总分", "必须等于各维度满分之和", "number"),
    Col("basic_count", "基础指标数", "必须等于「指标」表中标为基础指标的行数", "number"),
)

GRADE_FIELDS = (
    Col("verified", "已核实", "等级规则是否已与标准原文或属地细则核对（是/否）", "bool"),
    Col("veto_grade", "否决后等级", "任一基础指标未达标时，等级最高为此（须是下表中的等级）"),
    Col(
        "veto_unmet_below",
        "基础指标未达标判定",
        "固定为「低于满分」：基础指标得分低于满分即为未达标",
        "choice",
        {"max": "低于满分"},
        required=False,
    ),
    Col("notice", "未核实提示", "等级规则未核实时，随等级一起显示的提示"),
    Col("text", "规则说明", "等级规则的中文表述，显示在报告中"),
)

_BAND_KINDS = {"band": "分档", "fallback": "兜底"}
BAND_COLS = (
    Col("grade", "等级", "等级代号，如 A", "id", width=10),
    Col("label", "名称", "等级名称，如 优秀", width=16),
    Col("min_total", "最低总分", "达到该等级所需的最低总分（含）", "number", width=12),
    Col(
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

NA_FIELDS = (
    Col(
        "method",
        "折算方法",
        "固定为「按维度折算」：不适用的指标不计分，所在维度按比例折算",
        "choice",
        {"rescale_dimension": "按维度折算"},
        required=False,
    ),
    Col("text", "规则说明", "不适用时如何计分的中文表述"),
)

PARAM_FIELDS = (
    Col(
        "health_fulltime_from_children",
        "需专职卫生保健人员的收托人数",
        "收托人数达到此数时至少配备一名专职卫生保健人员",
        "number",
    ),
    Col("health_verified", "卫生保健参数已核实", "是/否", "bool"),
    Col("indoor_m2_per_child", "生均室内面积（平方米）", "每名婴幼儿室内使用面积下限", "number"),
    Col("outdoor_m2_per_child", "生均室外面积（平方米）", "每名婴幼儿室外活动面积下限", "number"),
    Col("area_verified", "面积参数已核实", "是/否", "bool"),
    Col("home_care_max_children", "家庭托育点最多收托人数", "超过此数须登记为托育机构", "number"),
    Col(
        "home_care_children_per_carer",
        "家庭托育点每名照护人员最多照护人数",
        "照护人员与婴幼儿的配比上限",
        "number",
    ),
    Col("home_care_verified", "家庭托育参数已核实", "是/否", "bool"),
)

CLASS_COLS = (
    Col(
        "kind",
        "班型",
        "乳儿班、托小班、托大班、混龄班",
        "choice",
        {k.value: v for k, v in CLASS_KIND_LABELS.items()},
        width=10,
        field=None,
    ),
    Col("label", "名称", "显示用名称，如 乳儿班（6—12个月）", width=24),
    Col("max_children", "每班最多人数", "", "number", width=14),
    Col(
        "children_per_carer",
        "每名保育人员最多照护人数",
        "没有全国数字时留空",
        "number",
        width=14,
        required=False,
    ),
    Col("verified", "已核实", "是/否", "bool", width=10),
)

DIM_COLS = (
    Col("id", "编号", "章号，如 4", "id", width=8),
    Col("name", "名称", "评估维度名称，如 办托条件", width=20),
    Col("max", "满分", "必须等于该维度各项目满分之和", "number", width=10),
)

ITEM_COLS = (
    Col("id", "编号", "条号，如 4.1；须以所属维度编号开头", "id", width=10),
    Col("dimension", "所属维度", "「维度」表中的编号", "id", width=10, field=None),
    Col("name", "名称", "评估项目名称", width=24),
    Col("max", "满分", "必须等于该项目各指标满分之和", "number", width=10),
)

IND_COLS = (
    Col("id", "编号", "条款号，如 9.4.3；须以所属项目编号开头", "id", width=10),
    Col("item", "所属项目", "「项目」表中的编号", "id", width=10, field=None),
    Col("short", "短名称", "报告和列表中用的短名称，不超过 40 字", width=18),
    Col("text", "指标内容", "评估内容（指标原文）", width=48),
    Col("max", "满分", "本指标满分", "number", width=8),
    Col(
        "methods",
        "评估方法",
        "查阅资料、现场查看、访谈、观察、操作演示；多个用顿号“、”分隔",
        "multi",
        {m.value: label for m, label in METHOD_LABELS.items()},
        width=16,
    ),
    Col(
        "basic",
        "基础指标",
        "是否为基础指标（一票否决）：是/否",
        "bool",
        width=10,
        field=("basic",),
        required=False,
    ),
    Col(
        "basic_verified",
        "基础指标已核实",
        "仅基础指标填写：该指标为基础指标是否已核实（是/否）",
        "bool",
        width=10,
        field=("basic", "verified"),
        required=False,
    ),
    Col(
        "basic_note",
        "基础指标说明",
        "仅基础指标填写",
        width=20,
        field=("basic", "note"),
        required=False,
    ),
    Col(
        "na_allowed", "可不适用", "是否允许评为“不适用”（是/否）", "bool", width=10, required=False
    ),
    Col("na_condition", "不适用条件", "可不适用时必须写明条件", width=20, required=False),
    Col(
        "evidence_hints",
        "证据提示",
        "需查看的资料或现场，每行一条",
        "lines",
        width=30,
        required=False,
    ),
    Col(
        "checks",
        "计算核查",
        "与本指标相关的自动核查："
        + "、".join(CHECK_LABELS.values())
        + "；多个用顿号“、”分隔，可留空",
        "multi",
        {c.value: label for c, label in CHECK_LABELS.items()},
        width=16,
        required=False,
        former_labels={
            "卫生保健人员配备": CheckId.health_staff.value,
            "室内面积": CheckId.indoor_area.value,
            "室外面积": CheckId.outdoor_area.value,
            "家庭托育点规模": CheckId.home_care.value,
        },
    ),
    Col(
        "source",
        "来源",
        "标准原文、公开资料 或 拟定（不是照抄标准原文的文字填「拟定」）",
        "choice",
        {s.value: label for s, label in SOURCE_LABELS.items()},
        width=10,
        former_labels={"起草": Source.drafted.value},
    ),
)

LEVEL_COLS = (
    Col("indicator", "指标编号", "「指标」表中的编号", "id", width=10, field=None),
    Col("order", "顺序", "同一指标内各档的排列顺序：1、2、3……", "number", width=8, field=None),
    Col("points", "分值", "该档得分；其中一档必须等于指标满分，分值不得重复", "number", width=8),
    Col("label", "档次名称", "如 符合、部分符合、不符合", width=14),
    Col("criterion", "评分标准", "得到该分值需要满足什么", width=60),
)
