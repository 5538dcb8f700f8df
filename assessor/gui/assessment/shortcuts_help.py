"""The keyboard map: one table that both creates the shortcuts and renders the help panel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from assessor.gui.widgets.style import ems, tone


@dataclass(frozen=True)
class Binding:
    keys: tuple[str, ...]
    text: str


LEVEL_KEYS = tuple(str(n) for n in range(1, 10))

SECTIONS: dict[str, dict[str, Binding]] = {
    "评分": {
        "level": Binding(("1–9",), "选择第 1–9 个评分档次（档次按钮上标有数字）"),
        "na": Binding(("N",), "标记为不适用（仅限允许不适用的指标）"),
        "clear": Binding(("0",), "清除本指标的评分"),
        "next": Binding(("PgDown", "Ctrl+Down"), "下一个指标"),
        "previous": Binding(("PgUp", "Ctrl+Up"), "上一个指标"),
        "next_unscored": Binding(("Return", "Enter", "U"), "下一个未评分的指标"),
        "jump": Binding(("Ctrl+G", "/"), "跳转到条款：输入条款号（如 9.4.3）后按回车"),
        "note": Binding(("Ctrl+E",), "编辑备注；按 Esc 回到指标列表"),
        "leave": Binding(("Esc",), "回到指标列表"),
        "attach": Binding(("Ctrl+Shift+A",), "为本指标添加证据文件（照片、文档）"),
    },
    "评估": {
        "profile_tab": Binding(("Ctrl+1",), "切换到“机构信息”"),
        "scoring_tab": Binding(("Ctrl+2",), "切换到“评分”"),
        "undo": Binding(("Ctrl+Z",), "撤销上一次评分或备注修改"),
        "redo": Binding(("Ctrl+Y", "Ctrl+Shift+Z"), "重做"),
        "finalise": Binding(("Ctrl+Shift+F",), "完成评估（有未评分项时列出缺项）"),
        "home": Binding(("Ctrl+W",), "返回评估列表（所有修改已自动保存）"),
    },
    "评估列表": {
        "new": Binding(("Ctrl+N",), "新建评估"),
        "open": Binding(("Return",), "打开选中的评估"),
        "template": Binding(("Ctrl+D",), "以选中的评估为模板新建（复制机构信息，不复制评分）"),
        "sign": Binding(("Ctrl+E",), "为选中的已完成评估签名并导出 PDF 报告和 JSON 文件"),
        "amend": Binding(("Ctrl+R",), "为选中的已签名评估新建修订版本"),
        "delete": Binding(("Delete",), "删除选中的评估（移入回收站，可恢复）"),
        "search": Binding(("Ctrl+F",), "搜索机构名称"),
        "bin": Binding(("Ctrl+B",), "打开或关闭回收站"),
        "keys": Binding(("Ctrl+K",), "管理签名密钥（导入评估员密钥文件）"),
        "backup": Binding(
            ("Ctrl+Shift+B",), "把全部数据备份为一个文件（换电脑、防丢失；恢复见 assessor restore）"
        ),
        "about": Binding(("Ctrl+I",), "关于本程序与评估标准数据（哪些内容为拟定、未经核实）"),
        "register": Binding(("Ctrl+L",), "卫健委登记库：导入评估文件、登记表、统计与导出"),
        "training": Binding(("Ctrl+T",), "培训练习：用样例机构练习评分，查看一致性结果"),
        "plans": Binding(("Ctrl+P",), "评估任务：导入卫健委下发的任务包，按计划开始评估"),
    },
    "评估任务": {
        "import": Binding(("Ctrl+O",), "导入评估任务包（核验卫健委签名）"),
        "followup": Binding(("Ctrl+Shift+O",), "导入复查任务，逐项记录整改情况"),
        "start": Binding(("Return",), "开始选中的计划访视（已开始的则打开）"),
        "back": Binding(("Esc",), "返回评估列表"),
    },
    "培训练习": {
        "submit": Binding(("Ctrl+Shift+Return",), "提交评分，与参考评分比较（须全部评完）"),
    },
    "登记库": {
        "tabs": Binding(
            ("Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4"), "导入 / 登记表 / 统计与导出 / 评估计划"
        ),
        "find": Binding(("Ctrl+F",), "在登记表中搜索机构名称或统一社会信用代码"),
        "confirm": Binding(("Ctrl+Y",), "登记表：所选评估改为「已确认」（有待核实事项的会跳过）"),
        "query": Binding(("Ctrl+J",), "登记表：所选评估改为「有疑问」"),
        "return": Binding(("Ctrl+T",), "登记表：所选评估改为「退回」"),
        "pending": Binding(("Ctrl+P",), "登记表：所选评估改回「待审核」"),
        "undo": Binding(("Ctrl+Z",), "登记表：撤销所选评估的上一次审核状态更改"),
        "back": Binding(("Esc",), "返回评估列表"),
    },
    "通用": {
        "help": Binding(("F1",), "显示或隐藏本快捷键说明"),
    },
}

_SHOWN = {"Return": "Enter", "Enter": "小键盘 Enter", "PgDown": "PgDn", "Down": "↓", "Up": "↑"}


def binding(section: str, name: str) -> Binding:
    return SECTIONS[section][name]


def bind(
    widget: QWidget,
    section: str,
    name: str,
    slot: Callable[[], object],
    context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut,
) -> list[QShortcut]:
    """Create the shortcuts of one binding on `widget`, active while focus is inside it."""
    return [
        _shortcut(widget, QKeySequence(keys), slot, context) for keys in binding(section, name).keys
    ]


def bind_keys(
    widget: QWidget,
    keys: str,
    slot: Callable[[], object],
    context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut,
) -> QShortcut:
    return _shortcut(widget, QKeySequence(keys), slot, context)


def _shortcut(
    widget: QWidget, sequence: QKeySequence, slot: Callable[[], object], context: Qt.ShortcutContext
) -> QShortcut:
    shortcut = QShortcut(sequence, widget)
    shortcut.setContext(context)
    # Holding a level key must not score twice.
    shortcut.setAutoRepeat(False)
    shortcut.activated.connect(slot)
    return shortcut


def shown_keys(b: Binding) -> str:
    def one(keys: str) -> str:
        return "+".join(_SHOWN.get(part, part) for part in keys.split("+"))

    return " 或 ".join(one(k) for k in b.keys)


class ShortcutsHelp(QScrollArea):
    """The help panel: every binding, grouped by where it works."""

    def __init__(self, parent: QWidget | None = None) -> None:
        # Built when the panel is first opened, not at start: html is not on the start path.
        from html import escape

        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setMinimumWidth(ems(self, 13))
        body = QWidget()
        layout = QVBoxLayout(body)
        intro = QLabel("无需鼠标即可完成整个评估：用数字键评分，用翻页键或回车在指标间移动。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        for section, bindings in SECTIONS.items():
            title = QLabel(section)
            tone(title, "sectionTitle")
            layout.addWidget(title)
            rows = "".join(
                f"<tr><td style='padding:2px 10px 2px 0'><b>{escape(shown_keys(b))}</b></td>"
                f"<td style='padding:2px 0'>{escape(b.text)}</td></tr>"
                for b in bindings.values()
            )
            table = QLabel(f"<table>{rows}</table>")
            table.setWordWrap(True)
            table.setTextFormat(Qt.TextFormat.RichText)
            layout.addWidget(table)
        layout.addStretch(1)
        self.setWidget(body)
