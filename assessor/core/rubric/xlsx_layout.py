"""The layout of a rubric workbook, shared by `xlsx_write` and `xlsx_read`: the sheet names,
and for each sheet its columns (or key/value rows) with header, help text, kind and the Chinese
labels a clerk types for coded values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from assessor.core.rubric.model import (
    CHECK_LABELS,
    DOCUMENT_KIND_LABELS,
    METHOD_LABELS,
    PROJECT_BASIS_LABEL,
    SOURCE_LABELS,
    CheckId,
    Source,
)
from assessor.core.rubric.xlsx_ladder import FACTS_HELP, WHEN_HELP
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
DOCS = "依据文件"
CHANGES = "修订记录"
SHEET_ORDER = (README, INFO, DOCS, GRADE, NA, PARAMS, DIMS, ITEMS, INDS, LEVELS, CHANGES)
# Sheets a format 1 workbook may lack.
LATER_SHEETS = (DOCS, CHANGES)

YES, NO = "是", "否"

# A basis cell: one document per line as `编号` or `编号：条款`, a line 本项目拟定, and a last
# line 说明：… for the note (which may run over several lines).
BASIS_PROJECT = PROJECT_BASIS_LABEL
BASIS_NOTE = "说明："
BASIS_HELP = (
    "每行一项：依据文件编号（见「依据文件」表），有条款时写成 编号：条款；"
    f"含本项目自拟内容的加一行「{BASIS_PROJECT}」；最后可加一行「{BASIS_NOTE}……」"
)

Kind = Literal[
    "text", "id", "number", "bool", "date", "choice", "multi", "lines", "basis", "facts", "when"
]


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
    Col(
        "format",
        "格式版本",
        "assessor.rubric/2（注明依据）或旧的 assessor.rubric/1；新文件用 assessor.rubric/2",
    ),
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
        "固定为「低于满分」：基础指标得分低于满分即为未达标（「指标」表填了否决线的，低于否决线）",
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
        "「按总分折算」：不适用的指标不计入应得分，总分按实得分÷应得分折算一次；"
        "旧文件的「按维度折算」：所在维度按比例折算",
        "choice",
        {"rescale_dimension": "按维度折算", "rescale_total": "按总分折算"},
        required=False,
    ),
    Col("text", "规则说明", "不适用时如何计分的中文表述"),
)

PARAM_FIELDS = (
    Col(
        "health_children_per_fulltime",
        "每名专职卫生保健人员对应的收托人数",
        "每收托此数婴幼儿至少配备一名专职卫生保健人员（如 150：150 人 1 名，300 人 2 名）",
        "number",
        required=False,
    ),
    Col("health_verified", "卫生保健参数已核实", "是/否", "bool"),
    Col("health_basis", "卫生保健参数依据", BASIS_HELP, "basis", required=False),
    Col(
        "outdoor_m2_per_place",
        "每托位户外面积（平方米）",
        "按登记托位数计的户外活动场地面积下限",
        "number",
        required=False,
    ),
    Col(
        "outdoor_m2_per_place_constrained",
        "改扩建困难时每托位户外面积（平方米）",
        "城市人口密集地区改、扩建，设置确有困难时的下限",
        "number",
        required=False,
    ),
    Col("area_verified", "户外面积参数已核实", "是/否", "bool"),
    Col(
        "room_verified",
        "活动用房面积下限已核实",
        "下表「活动用房面积下限」是否已核实（是/否）",
        "bool",
        required=False,
    ),
    Col("area_basis", "面积参数依据", BASIS_HELP, "basis", required=False),
    Col("home_care_max_children", "家庭托育点最多收托人数", "超过此数应登记为托育机构", "number"),
    Col(
        "home_care_children_per_carer",
        "家庭托育点每名照护人员最多照护人数",
        "照护人员与婴幼儿的配比上限",
        "number",
    ),
    Col("home_care_verified", "家庭托育参数已核实", "是/否", "bool"),
    Col("home_care_basis", "家庭托育参数依据", BASIS_HELP, "basis", required=False),
    Col(
        "home_care_scope",
        "家庭托育点适用说明",
        "评估家庭托育点时显示：家庭托育点是否适用本标准",
        required=False,
    ),
    Col(
        "health_fulltime_from_children",
        "需专职卫生保健人员的收托人数（旧格式）",
        "仅 assessor.rubric/1 文件填写",
        "number",
        required=False,
    ),
    Col(
        "indoor_m2_per_child",
        "生均室内面积（平方米，旧格式）",
        "仅 assessor.rubric/1 文件填写",
        "number",
        required=False,
    ),
    Col(
        "outdoor_m2_per_child",
        "生均室外面积（平方米，旧格式）",
        "仅 assessor.rubric/1 文件填写",
        "number",
        required=False,
    ),
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
    Col("verified", "已核实", "班额（及未单列时的配比）是否已核实：是/否", "bool", width=10),
    Col(
        "ratio_verified",
        "配比已核实",
        "配比单独核实与否（是/否）；留空则同「已核实」",
        "bool",
        width=10,
        required=False,
    ),
    Col(
        "min_room_m2",
        "活动用房面积下限",
        "本班活动用房使用面积下限（平方米）",
        "number",
        width=12,
        required=False,
    ),
    Col("basis", "依据", BASIS_HELP, "basis", width=30, required=False),
)

DOC_COLS = (
    Col("id", "编号", "引用用的编号：小写字母、数字和连字符，如 szbz", "id", width=14),
    Col("title", "文件全称", "不加书名号", width=40),
    Col("issuer", "发布机关", "", width=24, required=False),
    Col("number", "文号或标准号", "如 国卫人口发〔2019〕58号", width=24, required=False),
    Col("year", "年份", "发布（或修订）年份", "number", width=8),
    Col(
        "kind",
        "类别",
        "本标准（所评估的标准或其报道）、国家规定、地方规定",
        "choice",
        {k.value: v for k, v in DOCUMENT_KIND_LABELS.items()},
        width=12,
    ),
    Col("verified", "已核对原文", "所引内容是否已与文件原文核对（是/否）", "bool", width=10),
)

CHANGE_COLS = (
    Col("version", "版本", "本次修订后的数据版本；同一版本的各行放在一起", width=14, field=None),
    Col("date", "日期", "格式 YYYY-MM-DD", "date", width=12, field=None),
    Col("target", "修订对象", "指标编号、check_parameters.参数名 或 rubric", "id", width=16),
    Col("what", "修订内容", "", width=40),
    Col("why", "修订原因", "", width=40),
    Col("basis", "依据", BASIS_HELP, "basis", width=30),
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
            "室内生均面积": CheckId.indoor_area.value,
            "户外生均面积": CheckId.outdoor_area.value,
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
    Col("basis", "依据", BASIS_HELP, "basis", width=30, required=False),
    Col(
        "basic_na_allowed",
        "基础指标可不适用",
        "仅基础指标填写：能否判定为不适用（是/否）；为“是”时须同时允许不适用并写明条件",
        "bool",
        width=10,
        field=("basic", "na_allowed"),
        required=False,
    ),
    Col(
        "basic_veto_below",
        "否决线",
        "仅基础指标填写：得分低于此值为未达标（否决）；留空为满分",
        "number",
        width=8,
        field=("basic", "veto_below"),
        required=False,
    ),
    Col("ladder", "判定事实", FACTS_HELP, "facts", width=30, required=False),
)

LEVEL_COLS = (
    Col("indicator", "指标编号", "「指标」表中的编号", "id", width=10, field=None),
    Col("order", "顺序", "同一指标内各档的排列顺序：1、2、3……", "number", width=8, field=None),
    Col("points", "分值", "该档得分；其中一档必须等于指标满分，分值不得重复", "number", width=8),
    Col("label", "档次名称", "如 符合、部分符合、不符合", width=14),
    Col("criterion", "评分标准", "得到该分值需要满足什么", width=60),
    Col("when", "适用情形", WHEN_HELP, "when", width=24, required=False),
)


def basis_to_cell(basis: Mapping[str, Any]) -> str:
    """A basis (as dumped from the model) as the text of one cell; see BASIS_HELP."""
    lines = [
        f"{ref['document']}：{ref['section']}" if ref.get("section") else ref["document"]
        for ref in basis.get("refs", [])
    ]
    if basis.get("project"):
        lines.append(BASIS_PROJECT)
    if basis.get("note"):
        lines.append(BASIS_NOTE + basis["note"])
    return "\n".join(lines)


def basis_from_cell(text: str) -> dict[str, Any]:
    """The inverse of `basis_to_cell`; document ids are checked later, against the documents."""
    refs: list[dict[str, str]] = []
    basis: dict[str, Any] = {"refs": refs}
    lines = text.strip().splitlines()
    for n, raw in enumerate(lines):
        line = raw.strip()
        if line.startswith(BASIS_NOTE):
            # The note runs to the end of the cell, line breaks included.
            basis["note"] = "\n".join([line.removeprefix(BASIS_NOTE), *lines[n + 1 :]]).strip()
            break
        if line == BASIS_PROJECT:
            basis["project"] = True
        elif line:
            document, _, section = line.replace(":", "：", 1).partition("：")
            refs.append({"document": document.strip(), "section": section.strip()})
    return basis
