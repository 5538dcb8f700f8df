"""Statistics with charts drawn in the app, the 「待核实」 panel of open flag items, and the
export buttons. Statistics and exports run off the GUI thread (a full register's XLSX takes
minutes) and show a busy state until they end; an export that would be empty is refused."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assessor.core.register.exports.run import EXPORT_LABELS, ExportRequest
from assessor.core.register.register import Register
from assessor.core.register.rows import FLAG_KINDS
from assessor.core.register.stats_model import (
    GROUP_BY_LABELS,
    INSUFFICIENT,
    GroupBy,
    Statistics,
    StatsFilter,
)
from assessor.core.register.texts import CANDIDATES_TITLE, RED_LIST_TITLE, held_text
from assessor.gui.register.bar_chart import Bar, BarChart
from assessor.gui.widgets.background import BackgroundTask, Progress
from assessor.gui.widgets.dialogs import Dialogs
from assessor.gui.widgets.style import GRADE_COLOURS, tone

ALL_YEARS = 0
EXPORTS = (
    ("csv", "导出登记表 CSV(&E)…", "登记表.csv", "CSV 文件 (*.csv)"),
    ("xlsx", "导出 XLSX(&X)…", "登记表.xlsx", "Excel 工作簿 (*.xlsx)"),
    ("public", "导出公示名单(&G)…", "信息公示名单.csv", "CSV 文件 (*.csv)"),
    ("report", "导出统计报告 PDF(&P)…", "统计报告.pdf", "PDF 文件 (*.pdf)"),
)


def _caption(value: object, count: int, unit: str = "") -> str:
    return f"{value}{unit}（n={count}）"


class StatsPanel(QWidget):
    notice = Signal(str)

    def __init__(self, register: Register, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.dialogs = dialogs
        self.task: BackgroundTask | None = None
        self.stats: Statistics | None = None
        self.written: dict[str, int] = {}

        self.year = QSpinBox()
        self.year.setRange(ALL_YEARS, 2999)
        self.year.setSpecialValueText("全部年份")
        self.year.setAccessibleName("评估年份")
        self.confirmed = QCheckBox("只统计已确认的评估(&K)")
        self.confirmed.setToolTip("已确认且没有未处理的待核实事项的评估")
        self.group_by = QComboBox()
        self.group_by.addItem("不分组", "")
        for by, label in GROUP_BY_LABELS.items():
            self.group_by.addItem(f"按{label}", by.value)
        self.group_by.setAccessibleName("分组")
        self.groups = QTableWidget(0, 0)
        self.groups.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.groups.verticalHeader().hide()
        self.groups.setAccessibleName("分组统计")
        self.groups.setMinimumHeight(self.groups.verticalHeader().defaultSectionSize() * 8)
        self.groups_title = QLabel()
        tone(self.groups_title, "sectionTitle")
        self.groups.hide()
        self.groups_title.hide()
        self.compute = QPushButton("计算统计(&S)")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.status = QLabel("按「计算统计」统计当前版本的评估。")
        self.status.setWordWrap(True)
        self.grades = BarChart("等级分布（份数）")
        self.dimensions = BarChart("各维度平均得分率")
        self.weakest = QTableWidget(0, 4)
        self.weakest.setHorizontalHeaderLabels(["指标", "名称", "平均得分率", "份数"])
        self.weakest.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.weakest.verticalHeader().hide()
        self.weakest.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.weakest.setAccessibleName("平均得分率最低的指标")
        # Inside the scroll area the table keeps room for ten rows; the area scrolls instead.
        self.weakest.setMinimumHeight(self.weakest.verticalHeader().defaultSectionSize() * 11)
        self.lists = QLabel()
        self.lists.setWordWrap(True)
        self.flags_title = QLabel()
        tone(self.flags_title, "sectionTitle")
        self.flags = QTableWidget(0, 5)
        self.flags.setHorizontalHeaderLabels(["编号", "类别", "评估编号", "机构", "说明"])
        self.flags.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.flags.verticalHeader().hide()
        self.flags.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.flags.setAccessibleName("待核实事项")
        self.flags.setMinimumHeight(self.flags.verticalHeader().defaultSectionSize() * 6)
        self.export_buttons = {}
        for kind, text, _, _ in EXPORTS:
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, k=kind: self.export(k))
            self.export_buttons[kind] = button

        controls = QHBoxLayout()
        year_label = QLabel("年份(&Y)")
        year_label.setBuddy(self.year)
        controls.addWidget(year_label)
        controls.addWidget(self.year)
        controls.addWidget(self.confirmed)
        group_label = QLabel("分组(&U)")
        group_label.setBuddy(self.group_by)
        controls.addWidget(group_label)
        controls.addWidget(self.group_by)
        controls.addWidget(self.compute)
        controls.addStretch(1)
        exports = QHBoxLayout()
        for button in self.export_buttons.values():
            exports.addWidget(button)
        exports.addWidget(self.progress, 1)

        body = QWidget()
        grid = QGridLayout(body)
        grid.addWidget(self.grades, 0, 0)
        grid.addWidget(self.dimensions, 0, 1)
        grid.addWidget(self.lists, 1, 0, 1, 2)
        weakest_title = QLabel("平均得分率最低的 20 项指标")
        tone(weakest_title, "sectionTitle")
        grid.addWidget(self.flags_title, 2, 0, 1, 2)
        grid.addWidget(self.flags, 3, 0, 1, 2)
        grid.addWidget(self.groups_title, 4, 0, 1, 2)
        grid.addWidget(self.groups, 5, 0, 1, 2)
        grid.addWidget(weakest_title, 6, 0, 1, 2)
        grid.addWidget(self.weakest, 7, 0, 1, 2)
        grid.setRowStretch(7, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        layout.addLayout(exports)
        self.compute.clicked.connect(self.refresh)
        self.show_open_flags()

    def chosen(self) -> StatsFilter:
        year = self.year.value()
        by = self.group_by.currentData()
        return StatsFilter(
            year=year or None,
            by=GroupBy(by) if by else None,
            confirmed_only=self.confirmed.isChecked(),
        )

    @property
    def busy(self) -> bool:
        return self.task is not None

    def _run(self, work, done) -> None:
        self.task = BackgroundTask(work)
        self.task.signals.progressed.connect(self._progressed)
        self.task.signals.succeeded.connect(done)
        self.task.signals.failed.connect(self._failed)
        self._set_busy(True)
        self.task.start()

    def _set_busy(self, busy: bool) -> None:
        # Indeterminate until the work reports a percentage: a CSV says nothing until done.
        self.progress.setRange(0, 0 if busy else 100)
        self.progress.setValue(0)
        self.progress.setVisible(busy)
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)
        self.compute.setEnabled(not busy)
        for button in self.export_buttons.values():
            button.setEnabled(not busy)

    def _progressed(self, percent: int, text: str) -> None:
        if percent > 0:
            self.progress.setRange(0, 100)
        self.progress.setValue(percent)
        self.status.setText(text)

    def _failed(self, message: str) -> None:
        self.task = None
        self._set_busy(False)
        self.status.setText(f"未完成：{message}")
        self.dialogs.error("操作失败", message)

    # ---- statistics ------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.busy:
            return
        register, chosen = self.register, self.chosen()
        self.status.setText("正在统计…")
        self._run(lambda _progress: register.statistics(chosen, list_limit=0), self._show)

    def _show(self, stats: Statistics) -> None:
        self.task = None
        self._set_busy(False)
        self.stats = stats
        self.show_open_flags()
        self.status.setText(
            f"{stats.filter.describe()}：当前版本评估 {stats.count} 份，平均总分 "
            f"{stats.mean_total if stats.mean_total is not None else '—'}"
            + (f"（{INSUFFICIENT}）" if stats.insufficient else "")
        )
        self.grades.set_bars(
            [
                Bar(f"{g.grade} 级", g.count, _caption(f"{g.count} 份", stats.count),
                    GRADE_COLOURS.get(g.grade, "#1f5fa8"), stats.grades.insufficient)
                for g in stats.grades.grades
            ]
        )  # fmt: skip
        self.dimensions.set_bars(
            [
                Bar(f"{d.dimension} {d.name}", float(d.mean_percent or 0),
                    _caption(d.mean_percent, d.count, "%"), insufficient=d.insufficient)
                for d in stats.dimensions
            ],
            scale=100,
        )  # fmt: skip
        self.weakest.setRowCount(len(stats.weakest))
        for n, w in enumerate(stats.weakest):
            values = (w.indicator, w.short, f"{w.mean_percent}%", str(w.count))
            for c, value in enumerate(values):
                self.weakest.setItem(n, c, QTableWidgetItem(value))
        self._show_groups(stats)
        fired = [v for v in stats.vetoes if v.fired][:5]
        self.lists.setText(
            f"{CANDIDATES_TITLE}：{stats.candidates_count} 家（评估周期 {stats.cycle}）；"
            f"{RED_LIST_TITLE}：{stats.red_list_count} 家；复评机构 {len(stats.reassessments)} 家。\n"
            + held_text(f"{CANDIDATES_TITLE}只列已确认且无待核实事项的评估", stats.candidates_held)
            + "\n"
            "基础指标未达标最多："
            + ("；".join(f"{v.indicator} {v.short} {v.fired} 份" for v in fired) or "无")
            + "\n完整名单和评估员校准见「导出 XLSX」或「导出统计报告 PDF」。"
        )

    def _show_groups(self, stats: Statistics) -> None:
        grades = [g.grade for g in stats.grades.grades]
        header = ["分组", "份数", "平均总分", *(f"{g} 级" for g in grades), "说明"]
        self.groups.setColumnCount(len(header))
        self.groups.setHorizontalHeaderLabels(header)
        self.groups.setRowCount(len(stats.groups))
        for n, group in enumerate(stats.groups):
            counts = {g.grade: g.count for g in group.grades.grades}
            values = [
                group.label,
                str(group.count),
                str(group.mean_total if group.mean_total is not None else "—"),
                *(str(counts.get(g, 0)) for g in grades),
                INSUFFICIENT if group.insufficient else "",
            ]
            for c, value in enumerate(values):
                self.groups.setItem(n, c, QTableWidgetItem(value))
        self.groups.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        by = stats.filter.by
        self.groups_title.setText(f"按{GROUP_BY_LABELS[by]}分组" if by else "")
        self.groups_title.setVisible(by is not None)
        self.groups.setVisible(by is not None)

    # ---- exports ---------------------------------------------------------------------------

    def export(self, kind: str) -> None:
        if self.busy:
            return
        _, text, suggested, file_filter = next(e for e in EXPORTS if e[0] == kind)
        path = self.dialogs.choose_save_path(
            text.split("(")[0], Path.home() / suggested, file_filter
        )
        if path is None:
            return
        register, chosen = self.register, self.chosen()
        request = ExportRequest(**{kind: path})

        def work(progress: Progress) -> dict[str, int]:
            return register.export(chosen, request, step=progress)

        self.pending_export = (kind, path)
        self.status.setText(f"正在导出{EXPORT_LABELS[kind]}…")
        self._run(work, self._exported)

    def _exported(self, written: dict[str, int]) -> None:
        self.task = None
        self._set_busy(False)
        kind, path = self.pending_export
        self.written = written
        self.status.setText(f"已导出{EXPORT_LABELS[kind]}：{path}")
        self.notice.emit(f"已导出：{path}")

    # ---- 待核实 ---------------------------------------------------------------------------

    def show_open_flags(self) -> None:
        """The open flag items of the whole register, counted as assessments and centres."""
        (held, centres), counts = self.register.open_flags()
        items = self.register.flags(open_only=True)
        kinds = "，".join(f"{FLAG_KINDS[c.kind].short} {c.assessments} 份" for c in counts)
        self.flags_title.setText(
            f"待核实：{held} 份评估（{centres} 家机构）有未处理的事项（{kinds}）；"
            "核实前不计入「已确认」、不公示。在登记表中打开评估即可核实。"
            if held
            else "待核实：没有未处理的事项。"
        )
        self.flags.setRowCount(len(items))
        for n, item in enumerate(items):
            values = (
                str(item.id),
                FLAG_KINDS[item.kind].short,
                "、".join(item.assessments),
                item.centre_name,
                item.detail,
            )
            for c, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setToolTip(value)
                self.flags.setItem(n, c, cell)
        self.flags.setVisible(bool(items))
