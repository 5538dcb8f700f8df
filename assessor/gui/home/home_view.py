"""The home screen: local assessments with progress and grade so far, and the recycle bin."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assessor.core.amendment import amend
from assessor.core.assessment.model import Status
from assessor.core.problems import UserError
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.session import RecordOverview, record_overviews
from assessor.core.storage.atomic import StorageError
from assessor.core.storage.store import BinEntry, RecordSummary, Store, record_key
from assessor.gui.assessment.meter import paint_meter
from assessor.gui.assessment.shortcuts_help import bind, binding, shown_keys
from assessor.gui.widgets.dialogs import Dialogs
from assessor.gui.widgets.style import GRADE_COLOURS, GREY, RED, ems, tone

Index = QModelIndex | QPersistentModelIndex
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
PERCENT_ROLE = Qt.ItemDataRole.UserRole + 4

STATUS_FILTERS = {"": "全部状态", "draft": "草稿", "final": "已完成", "training": "培训/样例"}


def _local(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def _status_text(summary: RecordSummary) -> str:
    if summary.broken:
        return "无法打开"
    if summary.status is Status.final:
        text = "已签名" if summary.signed else "已完成，未签名"
    else:
        text = "草稿"
    notes = [f"第 {summary.version} 版"] if summary.version > 1 else []
    if summary.training:
        notes.append("培训/样例")
    return text + (f"（{'，'.join(notes)}）" if notes else "")


def _name(summary: RecordSummary) -> str:
    return summary.centre_name or "（未填写机构名称）"


class _ListModel(QAbstractTableModel):
    """A read-only table of one row per item in `rows()`, with fixed column headers."""

    HEADERS: tuple[str, ...] = ()
    rows: Callable[[], Sequence[object]]  # each subclass names the list it shows

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(self.rows())

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


class RecordListModel(_ListModel):
    HEADERS = ("机构名称", "评估日期", "状态", "进度", "当前等级", "最后修改")

    def rows(self) -> Sequence[object]:
        return self.records

    def __init__(self) -> None:
        super().__init__()
        self.all: list[RecordOverview] = []
        self.records: list[RecordOverview] = []  # those that pass the filter
        self._text = ""
        self._status = ""

    def set_records(self, records: list[RecordOverview]) -> None:
        self.all = records
        self._refilter()

    def set_filter(self, text: str, status: str) -> None:
        """Search by centre name and filter by status (draft, final, training)."""
        self._text, self._status = text.strip().lower(), status
        self._refilter()

    def _refilter(self) -> None:
        def shown(record: RecordOverview) -> bool:
            s = record.summary
            if self._text and self._text not in _name(s).lower():
                return False
            if self._status == "training":
                return s.training
            return not self._status or (s.status is not None and s.status.value == self._status)

        self.beginResetModel()
        self.records = [r for r in self.all if shown(r)]
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self.records[index.row()]
        s, column = record.summary, index.column()
        if role == KEY_ROLE:
            return s.key
        if role == PERCENT_ROLE and column == 3:
            return record.percent
        if role == Qt.ItemDataRole.ToolTipRole and record.problem:
            return record.problem
        if role == Qt.ItemDataRole.ForegroundRole:
            if s.broken:
                return QBrush(QColor(RED))
            if column == 4 and record.grade:
                return QBrush(QColor(GRADE_COLOURS.get(record.grade, GREY)))
        if role == SORT_ROLE:
            return (
                _name(s),
                s.visit_date.isoformat() if s.visit_date else "",
                _status_text(s),
                record.percent or 0,
                record.grade or "",
                s.updated_at.isoformat() if s.updated_at else "",
            )[column]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 4 and record.grade:
                return f"{record.grade}（{record.grade_label}）"
            return (
                _name(s),
                s.visit_date.isoformat() if s.visit_date else "未填写",
                _status_text(s),
                f"{record.percent}%" if record.percent is not None else "",
                "",
                _local(s.updated_at),
            )[column]
        return None


class ProgressDelegate(QStyledItemDelegate):
    """The progress column as a bar with its percentage."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        percent = index.data(PERCENT_ROLE)
        if percent is None:
            super().paint(painter, option, index)
            return
        # Selection background first, so the selected row still reads as selected.
        QApplication.style().drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
        )
        rect = QRectF(option.rect).adjusted(4, 5, -4, -5)
        paint_meter(painter, rect, percent / 100, f"{percent}%")


class BinModel(_ListModel):
    HEADERS = ("机构名称", "评估日期", "状态", "删除时间")

    def rows(self) -> Sequence[object]:
        return self.entries

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[BinEntry] = []

    def set_entries(self, entries: list[BinEntry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        s = entry.summary
        if role == KEY_ROLE:
            return s.key
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                _name(s),
                s.visit_date.isoformat() if s.visit_date else "未填写",
                _status_text(s),
                _local(entry.deleted_at),
            )[index.column()]
        return None


def _table(model: QAbstractTableModel | QSortFilterProxyModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return view


class HomeView(QWidget):
    openRequested = Signal(str)
    newRequested = Signal()
    templateRequested = Signal(str)
    signRequested = Signal(str)
    keysRequested = Signal()
    aboutRequested = Signal()
    trainingRequested = Signal()
    notice = Signal(str)

    def __init__(
        self, store: Store, rubric: LoadedRubric, dialogs: Dialogs, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.rubric = rubric
        self.dialogs = dialogs

        title = QLabel("托育机构质量评估")
        title_font = title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.8)
        title_font.setBold(True)
        title.setFont(title_font)
        r = rubric.rubric
        subtitle = QLabel(
            f"评估标准：{r.code}《{r.title}》　数据版本 {r.version}　·　本机离线保存，所有修改自动保存"
        )
        tone(subtitle, "muted")
        subtitle.setWordWrap(True)

        self.search = QLineEdit()
        self.search.setPlaceholderText(
            f"搜索机构名称（{shown_keys(binding('评估列表', 'search'))}）"
        )
        self.search.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        for value, label in STATUS_FILTERS.items():
            self.status_filter.addItem(label, value)
        tools = QHBoxLayout()
        tools.addWidget(self.search, 2)
        tools.addWidget(self.status_filter)
        tools.addStretch(1)
        self.new_button = self._button(tools, "新建评估", "new", self.newRequested.emit)
        self.open_button = self._button(tools, "打开", "open", self.open_selected)
        self.template_button = self._button(tools, "复制为模板", "template", self.template_selected)
        self.sign_button = self._button(tools, "签名导出…", "sign", self.sign_selected)
        self.amend_button = self._button(tools, "修订…", "amend", self.amend_selected)
        self.delete_button = self._button(tools, "删除…", "delete", self.delete_selected)
        self.bin_button = self._button(tools, "回收站", "bin", self.toggle_bin)
        # Beside the title, away from the record actions: keys belong to the assessor, not to
        # the selected record.
        heading = QHBoxLayout()
        heading.addWidget(title, 1)
        self.training_button = self._button(
            heading, "培训练习", "training", self.trainingRequested.emit
        )
        self.keys_button = self._button(heading, "签名密钥…", "keys", self.keysRequested.emit)
        self.about_button = self._button(heading, "关于", "about", self.aboutRequested.emit)

        self.model = RecordListModel()
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setSourceModel(self.model)
        self.table = _table(self.proxy)
        self.table.setItemDelegateForColumn(3, ProgressDelegate(self.table))
        # The bar has no text width of its own to size the column by.
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(3, ems(self.table, 8))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
        self.table.activated.connect(lambda _: self.open_selected())
        self.table.selectionModel().currentRowChanged.connect(self._update_actions)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tone(self.empty, "muted")

        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.table, 1)
        list_layout.addWidget(self.empty)

        self.bin_model = BinModel()
        self.bin_table = _table(self.bin_model)
        bin_page = QWidget()
        bin_layout = QVBoxLayout(bin_page)
        bin_layout.setContentsMargins(0, 0, 0, 0)
        bin_title = QLabel("回收站：删除的评估保存在这里，可以恢复；彻底删除后无法找回。")
        tone(bin_title, "sectionTitle")
        bin_layout.addWidget(bin_title)
        bin_layout.addWidget(self.bin_table, 1)
        bin_buttons = QHBoxLayout()
        self.restore_button = QPushButton("恢复")
        self.restore_button.clicked.connect(self.restore_selected)
        self.purge_button = QPushButton("彻底删除…")
        self.purge_button.clicked.connect(self.purge_selected)
        back = QPushButton("返回评估列表")
        back.clicked.connect(self.toggle_bin)
        bin_buttons.addWidget(self.restore_button)
        bin_buttons.addWidget(self.purge_button)
        bin_buttons.addStretch(1)
        bin_buttons.addWidget(back)
        bin_layout.addLayout(bin_buttons)

        self.pages = QStackedWidget()
        self.pages.addWidget(list_page)
        self.pages.addWidget(bin_page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addLayout(heading)
        layout.addWidget(subtitle)
        layout.addLayout(tools)
        layout.addWidget(self.pages, 1)

        self.search.textChanged.connect(self._filter)
        self.status_filter.currentIndexChanged.connect(self._filter)
        bind(
            self,
            "评估列表",
            "search",
            lambda: self.search.setFocus(Qt.FocusReason.ShortcutFocusReason),
        )
        self.reload()

    def _button(self, row: QHBoxLayout, text: str, name: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        b = binding("评估列表", name)
        button.setToolTip(shown_keys(b))
        button.clicked.connect(slot)
        row.addWidget(button)
        if name != "open":  # Return opens through the table's own activation
            bind(self, "评估列表", name, slot)
        return button

    # ---- data ------------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        try:
            self.model.set_records(record_overviews(self.store, [self.rubric]))
            self.bin_model.set_entries(self.store.bin_list())
        except StorageError as exc:
            self.dialogs.error("无法读取评估记录", str(exc))
        self.bin_button.setText(f"回收站（{len(self.bin_model.entries)}）")
        self._update_empty()
        self._select(select)
        self._update_actions()

    def _select(self, key: str | None) -> None:
        view = self.table
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if key is None or index.data(KEY_ROLE) == key:
                view.selectRow(row)
                view.setCurrentIndex(index)
                return

    def _update_empty(self) -> None:
        if not self.model.all:
            self.empty.setText(
                f"还没有评估记录。按 {shown_keys(binding('评估列表', 'new'))} 新建评估。"
            )
        elif not self.proxy.rowCount():
            self.empty.setText("没有符合条件的评估。")
        self.empty.setVisible(not self.proxy.rowCount())

    def _filter(self) -> None:
        self.model.set_filter(self.search.text(), self.status_filter.currentData())
        self._update_empty()
        self._update_actions()

    def selected_key(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(KEY_ROLE) if index.isValid() else None

    def selected_record(self) -> RecordSummary | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.records[self.proxy.mapToSource(index).row()].summary

    def _update_actions(self) -> None:
        """Offer signing for final records and amending for signed ones."""
        s = self.selected_record()
        final = s is not None and not s.broken and s.status is Status.final
        self.sign_button.setEnabled(final)
        self.amend_button.setEnabled(final and s is not None and s.signed)

    def focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- actions ---------------------------------------------------------------------------

    def open_selected(self) -> None:
        if self.pages.currentIndex() != 0:
            return
        key = self.selected_key()
        if key is None:
            self.notice.emit("请先选择一个评估")
        else:
            self.openRequested.emit(key)

    def template_selected(self) -> None:
        key = self.selected_key()
        if key is not None and self.pages.currentIndex() == 0:
            self.templateRequested.emit(key)

    def sign_selected(self) -> None:
        s = self.selected_record()
        if s is None or self.pages.currentIndex() != 0:
            return
        if s.broken or s.status is not Status.final:
            self.notice.emit("只有已完成的评估才能签名导出；请先打开评估并完成评估")
            return
        self.signRequested.emit(s.key)

    def amend_selected(self) -> None:
        s = self.selected_record()
        if s is None or self.pages.currentIndex() != 0:
            return
        if s.broken or s.status is not Status.final or not s.signed:
            self.notice.emit("只有已签名导出的评估才能新建修订版本")
            return
        reason = self.dialogs.ask_text(
            "新建修订版本",
            f"为“{_name(s)}”第 {s.version} 版新建修订版本（第 {s.version + 1} 版）。\n"
            "原版本及其签名文件保持不变；修订版本从原版本的内容开始，"
            "修改后需要重新完成评估并签名。\n\n请写明修订原因（必填）：",
        )
        if reason is None:
            return
        try:
            amended = amend(self.store, s.key, reason)
        except UserError as exc:
            self.dialogs.error("无法新建修订版本", str(exc))
            return
        key = record_key(amended)
        self.reload(select=key)
        self.notice.emit(f"已新建“{_name(s)}”第 {amended.version} 版（修订）")
        self.openRequested.emit(key)

    def delete_selected(self) -> None:
        key = self.selected_key()
        if key is None or self.pages.currentIndex() != 0:
            return
        name = self.table.currentIndex().siblingAtColumn(0).data()
        if not self.dialogs.confirm(
            "删除评估",
            f"将“{name}”移入回收站？\n\n评估内容和证据文件都会保留，可随时从回收站恢复。",
            accept="移入回收站",
        ):
            return
        try:
            self.store.delete(key)
        except StorageError as exc:
            self.dialogs.error("删除失败", str(exc))
            return
        self.reload()
        self.notice.emit(f"已将“{name}”移入回收站")

    def toggle_bin(self) -> None:
        showing_bin = self.pages.currentIndex() == 1
        self.pages.setCurrentIndex(0 if showing_bin else 1)
        if not showing_bin and self.bin_model.entries:
            self.bin_table.selectRow(0)
        (self.table if showing_bin else self.bin_table).setFocus()

    def _bin_key(self) -> tuple[str, str] | None:
        index = self.bin_table.currentIndex()
        if not index.isValid():
            return None
        return index.data(KEY_ROLE), index.siblingAtColumn(0).data()

    def restore_selected(self) -> None:
        chosen = self._bin_key()
        if chosen is None:
            return
        key, name = chosen
        try:
            self.store.restore(key)
        except StorageError as exc:
            self.dialogs.error("恢复失败", str(exc))
            return
        self.reload(select=key)
        self.notice.emit(f"已恢复“{name}”")

    def purge_selected(self) -> None:
        chosen = self._bin_key()
        if chosen is None:
            return
        key, name = chosen
        if not self.dialogs.confirm(
            "彻底删除",
            f"彻底删除“{name}”？\n\n评估内容、审计记录和证据文件将永久删除，无法恢复。",
            accept="彻底删除",
        ):
            return
        try:
            self.store.purge(key)
        except StorageError as exc:
            self.dialogs.error("彻底删除失败", str(exc))
            return
        self.reload()
        self.notice.emit(f"已彻底删除“{name}”")
